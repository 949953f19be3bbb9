// tests/text/check_vader.mjs - touchpoint's English sentiment engine against an
// independent implementation: the vader-sentiment package on npm (the
// JavaScript port of VADER, Apache-2.0, a test-only dependency never shipped).
//
// Usage: node check_vader.mjs TOUCHPOINT_BIN WORK_DIR
// Installs the pinned package (package.json + package-lock.json here) into
// WORK_DIR with `npm ci` when it is not there yet, scores VADER's published
// example sentences and sentences_en.txt with both, and fails when a compound
// differs by more than 1e-4 (both round to 4 decimals) or a proportion by more
// than 1e-3 (both round to 3). Known differences between the JS port and the
// Python original are listed in docs/text.md; touchpoint follows the JS port.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [bin, work] = process.argv.slice(2);
if (!bin || !work) {
  console.error('usage: node check_vader.mjs TOUCHPOINT_BIN WORK_DIR');
  process.exit(2);
}

function install() {
  if (existsSync(join(work, 'node_modules', 'vader-sentiment', 'package.json'))) return;
  mkdirSync(work, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(here, f), join(work, f));
  const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: work,
    stdio: 'inherit',
  });
  if (r.error && r.error.code === 'ENOENT') {
    console.error('check_vader: npm is not installed; it is needed to fetch the reference ' +
                  'implementation (vader-sentiment 1.1.3). Install Debian\'s npm package.');
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`check_vader: "npm ci" in ${work} failed (status ${r.status})`);
    process.exit(1);
  }
}

install();
const vader = createRequire(join(work, 'package.json'))('vader-sentiment');

const published = readFileSync(join(here, 'published_en.tsv'), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
const ours = readFileSync(join(here, 'sentences_en.txt'), 'utf8').split('\n').filter((l) => l);
const sentences = [...published.map((p) => p[0]), ...ours];

const run = spawnSync(bin, ['sentiment', '--lang', 'en'], {
  input: sentences.join('\n') + '\n',
  encoding: 'utf8',
});
if (run.status !== 0) {
  console.error(`check_vader: ${bin} sentiment failed (status ${run.status}): ${run.stderr}`);
  process.exit(1);
}
const got = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
if (got.length !== sentences.length) {
  console.error(`check_vader: ${sentences.length} sentences in, ${got.length} lines out`);
  process.exit(1);
}

let failures = 0;
let pythonSame = 0;
sentences.forEach((s, i) => {
  const ref = vader.SentimentIntensityAnalyzer.polarity_scores(s);
  const g = got[i];
  const bad = [];
  if (Math.abs(g.compound - ref.compound) > 1e-4 + 1e-9) bad.push(`compound ${g.compound} vs ${ref.compound}`);
  for (const k of ['pos', 'neu', 'neg'])
    if (Math.abs(g[k] - ref[k]) > 1e-3 + 1e-9) bad.push(`${k} ${g[k]} vs ${ref[k]}`);
  if (bad.length) {
    failures++;
    console.log(`FAIL ${JSON.stringify(s)}: ${bad.join(', ')}`);
  }
  if (i < published.length) {
    const py = Number(published[i][1]);
    if (Math.abs(g.compound - py) <= 1e-4 + 1e-9) pythonSame++;
    else console.log(`note: Python VADER publishes ${py} for ${JSON.stringify(s)}; ` +
                     `touchpoint ${g.compound}, JS port ${ref.compound}`);
  }
});
console.log(`${sentences.length - failures}/${sentences.length} sentences agree with ` +
            `vader-sentiment (JS) to 1e-4; ${pythonSame}/${published.length} published ` +
            'examples equal the Python original\'s published compounds');
process.exit(failures ? 1 : 0);
