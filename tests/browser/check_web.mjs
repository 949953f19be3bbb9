// tests/browser/check_web.mjs - touchpoint's web pages in a real browser:
// Debian's headless Chromium (/usr/bin/chromium) driven by playwright-core
// (a test-only dependency, never shipped; it never downloads a browser).
//
// Usage: node check_web.mjs TOUCHPOINT_BIN WORK_DIR SCREENSHOT_DIR
// Installs the pinned playwright-core (package.json + package-lock.json here)
// into WORK_DIR with `npm ci` when it is not there yet, builds a 5,000-response
// demo database, starts `touchpoint serve` on a free port and walks the pages
// as a user would: the map, the indicator and the language switches (the
// choice kept by cookie), a cell to its touchpoint page, a period filter, the
// phase and respondents pages, the admin pages when they exist (one survey
// link made through the admin form, CSRF token included), and on a
// phone-sized viewport a survey link answered by touch, after which the
// touchpoint's n must be one more. Every page must load without a console
// error and without a Content-Security-Policy violation. Full-page
// screenshots go to SCREENSHOT_DIR; their paths are printed.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.length !== 3) {
  console.error('usage: node check_web.mjs TOUCHPOINT_BIN WORK_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const [bin, work, shots] = args.map((a) => resolve(a));

function install() {
  if (existsSync(join(work, 'node_modules', 'playwright-core', 'package.json'))) return;
  mkdirSync(work, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(here, f), join(work, f));
  const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: work,
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (r.error && r.error.code === 'ENOENT') {
    console.error('check_web: npm is not installed; it is needed to fetch playwright-core ' +
                  '(pinned in tests/browser/package-lock.json). Install Debian\'s npm package.');
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`check_web: "npm ci" in ${work} failed (status ${r.status})`);
    process.exit(1);
  }
}

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`check_web: ${CHROMIUM} is missing (Debian: apt install chromium)`);
  process.exit(1);
}
install();
const require = createRequire(join(work, 'package.json'));
const { chromium } = require('playwright-core');

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function run(...args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`touchpoint ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The survey links of a touchpoint, as `touchpoint survey list` prints them.
let dbPath;
function listLinks(touchpoint) {
  return run('--db', dbPath, 'survey', 'list', '--touchpoint', touchpoint)
    .split('\n').filter((l) => l.trim() !== '');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(base, server) {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      const r = await fetch(`${base}/api/v1/journey`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

// Console errors, uncaught exceptions and CSP violations, per page.
function watch(page, problems) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
}

const cspWatcher = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
};

async function noProblems(page, problems, what) {
  const csp = await page.evaluate(() => window.__csp || []);
  const all = problems.concat(csp.map((c) => `CSP violation: ${c}`));
  check(all.length === 0, `${what}: no console errors or CSP violations` +
        (all.length ? ` (${all.join('; ')})` : ''));
  problems.length = 0;
}

async function shot(page, name) {
  const path = join(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

// The n of the touchpoint page's overall table.
async function overallN(page) {
  const text = await page.locator('table.overall tr:nth-child(2) td:nth-child(2)').textContent();
  return Number(text.trim());
}

const cellValues = (page) =>
  page.$$eval('td.cell span.v', (spans) => spans.map((s) => s.textContent).join('|'));

async function main() {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'tp-browser-'));
  const db = join(dir, 'demo.db');
  dbPath = db;
  run('--db', db, 'demo', '--responses', '5000');
  const link = run('--db', db, 'survey', 'create', '--touchpoint', 'web-compra').trim();
  check(/^\/s\/[A-Za-z0-9_-]{22}$/.test(link.replace(/^https?:\/\/[^/]+/, '')),
        `survey create printed a link (${link})`);
  const surveyPath = link.replace(/^https?:\/\/[^/]+/, '');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`],
                       { stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = ''; // the access log, shown when something failed
  server.stderr.on('data', (d) => { serverLog = (serverLog + d).slice(-20000); });
  let browser;
  try {
    await waitReady(base, server);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    await desktop(browser, base);
    await phone(browser, base, surveyPath);
  } catch (e) {
    console.log(`the server's log (its end):\n${serverLog}`);
    throw e;
  } finally {
    if (browser) await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
  check(server.exitCode === 0, `the server stopped cleanly on SIGTERM (exit ${server.exitCode})`);
  if (failures) console.log(`the server's log (its end):\n${serverLog}`);
  console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
  process.exit(failures ? 1 : 0);
}

async function desktop(browser, base) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' },
  });
  await context.addInitScript(cspWatcher);
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);

  // The map, in English (the browser's language).
  let resp = await page.goto(`${base}/`);
  check(resp.status() === 200, 'GET / is 200');
  check((await page.locator('h1').textContent()) === 'Customer journey map',
        'the map is in English for an English browser');
  check((await page.locator('td.cell').count()) > 10, 'the map shows its touchpoint cells');
  check((await resp.headerValue('content-security-policy') || '').includes("default-src 'none'"),
        'the map is served with a strict Content-Security-Policy');
  await shot(page, 'map');
  await noProblems(page, problems, 'map');

  // Indicator: NPS -> CSAT through the filter form (no JavaScript needed).
  const npsValues = await cellValues(page);
  await page.locator('form.filters select[name="metric"]').selectOption('csat');
  await Promise.all([page.waitForURL(/metric=csat/), page.locator('form.filters button').first().click()]);
  const csatValues = await cellValues(page);
  check(new URL(page.url()).searchParams.get('metric') === 'csat', 'the URL carries metric=csat');
  check(csatValues !== npsValues && csatValues.length > 0, 'the cells change from NPS to CSAT values');
  check((await page.locator('select[name="metric"] option[selected]').getAttribute('value')) === 'csat',
        'the indicator menu shows CSAT chosen');
  await noProblems(page, problems, 'map (CSAT)');

  // Language: en -> es by the switch; the cookie keeps it on the next page.
  await Promise.all([page.waitForURL(/lang=es/), page.locator('a', { hasText: /^es$/ }).first().click()]);
  check((await page.locator('h1').textContent()) === 'Mapa del viaje del cliente',
        'the switch turns the map into Spanish');
  check((await page.locator('html').getAttribute('lang')) === 'es', '<html lang="es">');
  const cookies = await context.cookies(base);
  check(cookies.some((c) => c.name === 'lang' && c.value === 'es'), 'a lang=es cookie is set');
  resp = await page.goto(`${base}/respondents`);
  check(resp.status() === 200 && (await page.locator('html').getAttribute('lang')) === 'es',
        'the next page (respondents, no ?lang) is in Spanish: the cookie is remembered');
  await noProblems(page, problems, 'respondents (es)');
  await Promise.all([page.waitForURL(/lang=en/), page.locator('a', { hasText: /^en$/ }).first().click()]);
  check((await page.locator('html').getAttribute('lang')) === 'en', 'the switch back to English works');
  await shot(page, 'respondents');
  await page.goto(`${base}/`);
  check((await page.locator('h1').textContent()) === 'Customer journey map',
        'the map is in English again (cookie now en)');

  // A cell leads to its touchpoint page.
  await Promise.all([page.waitForURL(/\/t\/web-compra/),
                     page.locator('td.cell a[href^="/t/web-compra"]').click()]);
  check((await page.locator('h1').textContent()).includes('Contratación online'),
        'clicking the cell opens the touchpoint page');
  const nAll = await overallN(page);
  check(Number.isInteger(nAll) && nAll > 0, `the touchpoint page shows n (${nAll})`);
  await shot(page, 'touchpoint');
  await noProblems(page, problems, 'touchpoint');

  // A period filter: the URL carries it and the numbers change.
  const filters = page.locator('form.filters').first();
  await filters.locator('input[name="from"]').fill('2026-01-01');
  await filters.locator('input[name="to"]').fill('2026-03-31');
  await Promise.all([page.waitForURL(/from=2026-01-01/), filters.locator('button').click()]);
  const params = new URL(page.url()).searchParams;
  check(params.get('from') === '2026-01-01' && params.get('to') === '2026-03-31',
        'the URL carries from=2026-01-01 and to=2026-03-31');
  const nPeriod = await overallN(page);
  check(nPeriod > 0 && nPeriod < nAll, `the period's n (${nPeriod}) is below the whole n (${nAll})`);
  check((await filters.locator('input[name="from"]').inputValue()) === '2026-01-01',
        'the form shows the filter applied');
  await noProblems(page, problems, 'touchpoint (period)');
  // A segment filter too.
  await filters.locator('input[name="from"]').fill('');
  await filters.locator('input[name="to"]').fill('');
  await filters.locator('input[name="where"]').fill('segmento=empresa');
  await Promise.all([page.waitForURL(/where=segmento/), filters.locator('button').click()]);
  const nSegment = await overallN(page);
  check(new URL(page.url()).searchParams.get('where') === 'segmento=empresa' &&
        nSegment > 0 && nSegment < nAll,
        `a segment filter: the URL carries where=segmento=empresa and n changes (${nSegment})`);
  await noProblems(page, problems, 'touchpoint (segment)');

  // The phase page.
  resp = await page.goto(`${base}/p/compra`);
  check(resp.status() === 200 && (await page.locator('h1').textContent()).includes('Compra'),
        'the phase page opens');
  await shot(page, 'phase');
  await noProblems(page, problems, 'phase');

  // The admin pages, when this build has them.
  resp = await page.goto(`${base}/admin`);
  if (resp.status() === 404) {
    console.log('skip admin pages: /admin is 404 in this build');
  } else {
    check(resp.status() === 200, 'GET /admin is 200');
    check((await page.locator('h1').count()) === 1, 'the admin page has its heading');
    await shot(page, 'admin');
    await noProblems(page, problems, 'admin');
    resp = await page.goto(`${base}/admin/surveys`);
    check(resp.status() === 200, 'GET /admin/surveys is 200');
    check((await page.content()).includes('web-compra'),
          'the admin survey list shows the link made with the CLI');
    await noProblems(page, problems, 'admin surveys');
    // Make a survey link through the admin form (its CSRF token and cookie
    // come with the page): the CLI then lists it.
    check(listLinks('call-venta').length === 0, 'no call-venta link before the form');
    const form = page.locator('form.edit').filter({ has: page.locator('select[name="touchpoint"]') });
    await form.locator('select[name="touchpoint"]').selectOption('call-venta');
    const [made] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type="submit"]').first().click(),
    ]);
    await page.waitForLoadState('load');
    check(made.status() < 400, `the admin form is accepted (${made.status()})`);
    check(listLinks('call-venta').length === 1,
          '`touchpoint survey list` shows the call-venta link made in the browser');
    await noProblems(page, problems, 'admin surveys (after creating a link)');
  }
  await context.close();
}

async function phone(browser, base, surveyPath) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'es-ES',
    extraHTTPHeaders: { 'Accept-Language': 'es-ES,es;q=0.9' },
  });
  await context.addInitScript(cspWatcher);
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);

  await page.goto(`${base}/t/web-compra?metric=nps`);
  const before = await overallN(page);

  let resp = await page.goto(`${base}${surveyPath}`);
  check(resp.status() === 200, 'the survey link opens on the phone');
  check((await page.locator('html').getAttribute('lang')) === 'es',
        'the survey follows the phone\'s language (es)');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the survey fits the phone's width (scrollWidth ${width})`);
  await shot(page, 'survey-phone');
  await noProblems(page, problems, 'survey (phone)');

  await page.locator('label[for="nps9"]').tap();
  check(await page.locator('#nps9').isChecked(), 'tapping the label "9" chooses NPS 9');
  await page.locator('textarea[name="comment"]').fill('Rápido y claro, gracias.');
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.locator('form button[type="submit"]').tap(),
  ]);
  await page.waitForSelector('form', { state: 'detached' });
  await page.waitForLoadState('load');
  check(posted.status() === 200, `the answer is accepted (${posted.status()})`);
  check((await page.locator('h1').textContent()) === '¡Gracias!',
        'the answer leads to the thank-you page, in Spanish');
  await shot(page, 'thank-you');
  await noProblems(page, problems, 'thank-you');

  await page.goto(`${base}/t/web-compra?metric=nps`);
  const after = await overallN(page);
  check(after === before + 1, `the touchpoint's n went up by one (${before} -> ${after})`);
  await shot(page, 'touchpoint-phone');
  await noProblems(page, problems, 'touchpoint (phone)');
  await context.close();
}

main().catch((e) => {
  console.error(`check_web: ${e.stack || e}`);
  process.exit(1);
});
