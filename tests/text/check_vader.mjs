// tests/text/check_vader.mjs - touchpoint's English sentiment engine against an
// independent implementation: the vader-sentiment package on npm (the
// JavaScript port of VADER, Apache-2.0, a test-only dependency never shipped).
//
// Usage: node check_vader.mjs TOUCHPOINT_BIN WORK_DIR
// Installs the pinned package (package.json + package-lock.json here) into
// WORK_DIR with `npm ci` when it is not there yet, scores VADER's published
// example sentences and sentences_en.txt with both, and fails when a compound
// differs by more than 1e-4 (both round to 4 decimals) or a proportion by more
// than 1e-3 (both round to 3). touchpoint follows the JS port except where it
// follows the Python original (3.3): negation words and "but" in any case, and
// emoji read as their Unicode CLDR names. The sentences where that makes a
// difference are listed in `followsPython` below, each with the reason and the
// same sentence rewritten so that the port must give touchpoint's numbers
// (negation/"but" lowered, emoji replaced by their names); such a sentence
// fails if the port and touchpoint agree on it unrewritten (a stale entry) or
// if the port disagrees on the rewrite. All the published Python compounds
// must be reproduced. Every difference is described in docs/text.md.
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

// Sentence -> [reason, rewrite the JS port must score as touchpoint scores the sentence].
const NEG = 'negation word in any case (Python 3.3 lowers words before its negation check)';
const BUT = '"but" in any case (Python 3.3 looks for the first lowered "but")';
const EMOJI = 'emoji read as words (Python 3.3 replaces each emoji by its name; ' +
  'touchpoint uses CLDR names, data/lexicon/emoji/en.tsv)';
const followsPython = new Map([
  // VADER's published examples (tests/text/published_en.tsv)
  ["Today only kinda sux! But I'll get by, lol", [BUT, "Today only kinda sux! but I'll get by, lol"]],
  ['Catch utf-8 emoji such as \u{1F498} and \u{1F48B} and \u{1F601}',
   [EMOJI, 'Catch utf-8 emoji such as heart with arrow and kiss mark and beaming face with smiling eyes']],
  ['Not bad at all', [NEG, 'not bad at all']],
  // sentences_en.txt
  ['The staff were NOT friendly.', [NEG, 'The staff were not friendly.']],
  ['Nothing was good.', [NEG, 'nothing was good.']],
  ['Nothing was wrong, everything was fine.', [NEG, 'nothing was wrong, everything was fine.']],
  ['Not great, not terrible.', [NEG, 'not great, not terrible.']],
  ['Never so bad.', [NEG + '; "never so" boosts by 1.5 as in the port (Python 3.3: 1.25)', 'never so bad.']],
  ['Without doubt the best store.',
   [NEG + '; Python 3.3\'s "without doubt" exception is not followed', 'without doubt the best store.']],
  ['Not bad.', [NEG, 'not bad.']],
  ['Not good.', [NEG, 'not good.']],
  ['NOT GOOD.', [NEG + ' (all words in capitals: no capitals emphasis either way)', 'not good.']],
  ['The delivery was late \u{1F621}', [EMOJI, 'The delivery was late enraged face']],
  ['Great service \u{1F44D}\u{1F44D}', [EMOJI, 'Great service thumbs up thumbs up']],
  ['Love it \u{2764}\u{FE0F} thanks', [EMOJI + '; the variation selector U+FE0F goes with the emoji',
                                       'Love it red heart thanks']],
  ['Fast and friendly \u{1F601}\u{1F642}',
   [EMOJI, 'Fast and friendly beaming face with smiling eyes slightly smiling face']],
]);

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

function differences(g, ref) {
  const bad = [];
  if (Math.abs(g.compound - ref.compound) > 1e-4 + 1e-9) bad.push(`compound ${g.compound} vs ${ref.compound}`);
  for (const k of ['pos', 'neu', 'neg'])
    if (Math.abs(g[k] - ref[k]) > 1e-3 + 1e-9) bad.push(`${k} ${g[k]} vs ${ref[k]}`);
  return bad;
}

const score = (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text);
let failures = 0;
let pythonSame = 0;
let same = 0;
let documented = 0;
const seen = new Set();
sentences.forEach((s, i) => {
  const g = got[i];
  const exception = followsPython.get(s);
  if (!exception) {
    const bad = differences(g, score(s));
    if (bad.length) {
      failures++;
      console.log(`FAIL ${JSON.stringify(s)}: ${bad.join(', ')}`);
    } else {
      same++;
    }
  } else {
    seen.add(s);
    const [why, rewrite] = exception;
    if (differences(g, score(s)).length === 0) {
      failures++;
      console.log(`FAIL ${JSON.stringify(s)}: listed as following Python (${why}) but the JS ` +
                  'port gives the same scores: remove it from followsPython');
    }
    const bad = differences(g, score(rewrite));
    if (bad.length) {
      failures++;
      console.log(`FAIL ${JSON.stringify(s)} (${why}): JS port on ${JSON.stringify(rewrite)}: ` +
                  bad.join(', '));
    } else {
      documented++;
    }
  }
  if (i < published.length) {
    const py = Number(published[i][1]);
    if (Math.abs(g.compound - py) <= 1e-4 + 1e-9) {
      pythonSame++;
    } else {
      failures++;
      console.log(`FAIL ${JSON.stringify(s)}: Python VADER publishes ${py}, touchpoint ${g.compound}`);
    }
  }
});
for (const s of followsPython.keys()) {
  if (!seen.has(s)) {
    failures++;
    console.log(`FAIL followsPython lists ${JSON.stringify(s)}, which is not among the sentences`);
  }
}
console.log(`${same}/${sentences.length} sentences agree with vader-sentiment (JS) to 1e-4; ` +
            `${documented} follow Python 3.3 as documented (the JS port agrees on their ` +
            `rewrites); ${pythonSame}/${published.length} published examples equal the Python ` +
            'original\'s published compounds');
process.exit(failures ? 1 : 0);
