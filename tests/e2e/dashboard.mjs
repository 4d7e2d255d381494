// dashboard.mjs -- the aimaq dashboard as people use it, in a real headless
// Chromium (Debian's /usr/bin/chromium driven by playwright-core):
//  1. Abay's regional editor logs in, sees the map, uploads a CSV that
//     changes Abay's GRP per capita for 2022, sees the submission pending
//     (the map unchanged), uploads a second file, tries through the API to
//     change Almaty's value
//     (refused: 403), and logs out;
//  2. the central analyst logs in, approves the first submission and
//     rejects the second with a reason, sees the map
//     change, finds the refusal in the audit log, and switches the language
//     (Kazakh, Russian, English labels and number formats).
// Screenshots of each key page go to $SHOTS; $DOC_SHOT (if set) receives
// the English map for the README. Run by tests/cli/serve_browser.sh, which
// builds the store and starts the server; settings come from the
// environment: URL, UPLOAD (the CSV), UPLOAD_WRONG (one to reject), SHOTS,
// CHROMIUM, DOC_SHOT.
// Prints "ok - ..." per check and exits 1 at the first failure.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const URL = process.env.URL;
const SHOTS = process.env.SHOTS;
const UPLOAD = process.env.UPLOAD;
const UPLOAD_WRONG = process.env.UPLOAD_WRONG;
// Abay's GRP per capita typed in the edit form as people write numbers;
// serve_browser.sh checks the stored values (2917.9 three times, 1234567).
const TYPED = [['2021', '2 917,9'], ['2020', '2917,9'], ['2019', '2 917.9'], ['2018', '1 234 567']];
let checks = 0;
const ok = (what) => { checks++; console.log(`ok - ${what}`); };

// The tooltip (<title>) of a region on the map, e.g. "Абай облысы: 3 901,1".
const regionTitle = (page, code) =>
  page.locator(`#map #u${code} > title`).textContent({ timeout: 10000 });
// Numbers are written with a group separator that may be a (narrow)
// no-break space: compare with plain spaces.
const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');

async function login(page, name, password) {
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#map svg').waitFor({ state: 'attached', timeout: 15000 });
}

async function logout(page) {
  await page.click('#logout');
  await page.locator('#login-view').waitFor({ state: 'visible' });
}

async function tab(page, name) {
  await page.click(`nav button[data-tab="${name}"]`);
  await page.locator(`#tab-${name}`).waitFor({ state: 'visible' });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'kk-KZ' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // --- 1. the regional editor ------------------------------------------
  await page.goto(URL);
  await page.locator('#login-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#login-submit').textContent(), 'Кіру'); // Kazakh by default
  ok('the login page opens in Kazakh');
  await page.screenshot({ path: `${SHOTS}/01-login.png` });

  await page.fill('#login-name', 'abay');
  await page.fill('#login-password', 'wrong-password');
  await page.click('#login-submit');
  await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0);
  ok('a wrong password is refused with a message');

  await login(page, 'abay', 'abay-password-1');
  assert.match(await page.locator('#who').textContent(), /abay · өңірлік редактор · 100000000/);
  assert.ok(await page.locator('nav button[data-tab="audit"]').isHidden(), 'the audit tab is for central bodies');
  ok('the regional editor is logged in, scope shown, no audit tab');
  const before = plain(await regionTitle(page, '100000000'));
  assert.equal(before, 'Абай облысы: 3 901,1');
  ok(`the map shows Abay before: ${before}`);
  await page.screenshot({ path: `${SHOTS}/02-editor-map.png`, fullPage: true });

  await tab(page, 'submissions');
  await page.setInputFiles('#upload-file', UPLOAD);
  await page.click('#upload-submit');
  await page.waitForFunction(() => /№/.test(document.getElementById('upload-status').textContent), null, { timeout: 15000 });
  const status = await page.locator('#upload-status').textContent();
  assert.match(status, /орталық талдаушының бекітуін күтуде/, status);
  const submission = status.match(/№ (\d+)/)[1];
  const row = page.locator('#submissions-table tbody tr', { hasText: 'abay_grp_2022.csv' });
  await row.first().waitFor();
  assert.equal(await row.first().locator('td.status-pending').textContent(), 'күтуде');
  ok(`the upload is submission ${submission}, pending`);
  await page.screenshot({ path: `${SHOTS}/03-editor-pending.png`, fullPage: true });

  // A second file, which the analyst will reject (2019 instead of 2022).
  await page.setInputFiles('#upload-file', UPLOAD_WRONG);
  await page.click('#upload-submit');
  await page.waitForFunction((first) => {
    const m = document.getElementById('upload-status').textContent.match(/№ (\d+)/);
    return m && m[1] !== first;
  }, submission, { timeout: 15000 });
  const wrong = (await page.locator('#upload-status').textContent()).match(/№ (\d+)/)[1];
  ok(`a second upload is submission ${wrong}, pending`);

  // Single values typed as the page itself writes numbers (Kazakh: "2 917,9"):
  // each goes to the server as typed and is stored exactly (serve_browser.sh
  // reads the store); what is no number is refused with the server's words.
  await page.fill('#edit-unit', '100000000');
  await page.fill('#edit-indicator', 'grp_pc_kzt_thousand');
  const editStatus = async (click) => {
    const prev = await page.locator('#edit-status').textContent();
    await page.click(click);
    await page.waitForFunction((p) => {
      const s = document.getElementById('edit-status').textContent;
      return s.length > 0 && s !== p;
    }, prev, { timeout: 15000 });
    return { text: await page.locator('#edit-status').textContent(), cls: await page.locator('#edit-status').getAttribute('class') };
  };
  for (const [period, value] of TYPED) {
    await page.fill('#edit-period', period);
    await page.fill('#edit-value', value);
    const r = await editStatus('#edit-submit');
    assert.equal(r.cls, 'ok', `${value}: ${r.text}`);
    assert.match(r.text, /орталық талдаушының бекітуін күтуде \(№ \d+\)/, r.text);
  }
  ok(`typed values ${TYPED.map(([, v]) => `"${v}"`).join(', ')} are each submitted`);
  await page.fill('#edit-period', '2017');
  await page.fill('#edit-value', '2 9x7,9');
  const typo = await editStatus('#edit-submit');
  assert.equal(typo.cls, 'error');
  assert.match(typo.text, /'2 9x7,9' is not a number/);
  ok(`a typo is refused with the server's message: ${typo.text}`);
  // A removal is its own button and asks first: Abay's males in 2023.
  await page.fill('#edit-indicator', 'population_male');
  await page.fill('#edit-period', '2023');
  await page.fill('#edit-value', '');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  const removal = await editStatus('#edit-remove');
  assert.match(asked, /Мәнді шынымен жою керек пе\?\n100000000 · population_male · 2023/, asked);
  assert.equal(removal.cls, 'ok', removal.text);
  ok(`the removal asks first ("${asked.split('\n')[0]}") and is submitted`);

  // Through the API, with the session's own token: another region's value.
  const refused = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch('/api/edits', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
      body: JSON.stringify({ unit: '750000000', indicator: 'grp_pc_kzt_thousand', period: '2022', value: 1 }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(refused.status, 403, JSON.stringify(refused));
  ok(`the editor's edit of Almaty through the API is refused: ${refused.status} ${refused.body.error}`);

  await tab(page, 'map');
  await page.locator('#map svg').waitFor({ state: 'attached' });
  assert.equal(plain(await regionTitle(page, '100000000')), before);
  ok('the map is unchanged while the submission is pending');
  await logout(page);
  ok('the editor logs out');

  // --- 2. the central analyst ------------------------------------------
  await login(page, 'analyst', 'analyst-password-1');
  assert.match(await page.locator('#who').textContent(), /analyst · орталық талдаушы/);
  await tab(page, 'submissions');
  const pending = page.locator('#submissions-table tbody tr', { hasText: 'abay_grp_2022.csv' });
  await pending.first().waitFor();
  await pending.first().locator('button.approve').click();
  await page.waitForFunction((id) => document.getElementById('message').textContent.includes(`бекітілді: ${id}`),
    submission, { timeout: 15000 });
  await page.locator('#submissions-table tbody tr', { hasText: 'abay_grp_2022.csv' }).first()
    .locator('td.status-approved').waitFor();
  ok(`the analyst approves submission ${submission}`);
  // Rejecting asks for the reason (a prompt), which the editor will see.
  page.once('dialog', (d) => d.accept('the 2019 figure, not 2022'));
  await page.locator('#submissions-table tbody tr', { hasText: 'abay_grp_2019.csv' }).first()
    .locator('button.reject').click();
  const rejected = page.locator('#submissions-table tbody tr', { hasText: 'abay_grp_2019.csv' }).first();
  await rejected.locator('td.status-rejected').waitFor({ timeout: 15000 });
  assert.match(await rejected.textContent(), /the 2019 figure, not 2022/);
  ok(`the analyst rejects submission ${wrong} with a reason`);
  // The removal says so in words, beside the value it would remove; the
  // analyst rejects it. The typed edits are approved one by one.
  const removing = page.locator('#submissions-table tbody tr', { hasText: 'population_male' }).first();
  const cells = await removing.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent));
  assert.ok(cells.includes('мәнді жояды'), cells.join(' | '));
  assert.ok(cells.map(plain).includes('298 770'), cells.join(' | '));
  ok(`the removal is shown as "мәнді жояды" beside the old value 298 770`);
  page.once('dialog', (d) => d.accept('keep the 2023 census figure'));
  await removing.locator('button.reject').click();
  await page.locator('#submissions-table tbody tr', { hasText: 'population_male' }).first()
    .locator('td.status-rejected').waitFor({ timeout: 15000 });
  for (const [period] of TYPED) {
    const row = page.locator('#submissions-table tbody tr', { hasText: 'grp_pc_kzt_thousand' })
      .filter({ has: page.locator('td', { hasText: new RegExp(`^${period}$`) }) }).first();
    await row.locator('button.approve').click();
    await page.locator('#submissions-table tbody tr', { hasText: 'grp_pc_kzt_thousand' })
      .filter({ has: page.locator('td', { hasText: new RegExp(`^${period}$`) }) }).first()
      .locator('td.status-approved').waitFor({ timeout: 15000 });
  }
  ok('the analyst rejects the removal and approves the four typed edits');
  await page.screenshot({ path: `${SHOTS}/04-analyst-approved.png`, fullPage: true });

  await tab(page, 'map');
  await page.waitForFunction(() => {
    const t = document.querySelector('#map #u100000000 > title');
    return t && t.textContent.replace(/[\u00a0\u202f]/g, ' ') !== 'Абай облысы: 3 901,1';
  }, null, { timeout: 15000 });
  const after = plain(await regionTitle(page, '100000000'));
  assert.equal(after, 'Абай облысы: 4 321,5');
  ok(`the map shows Abay after: ${after}`);
  await page.screenshot({ path: `${SHOTS}/05-analyst-map-kk.png`, fullPage: true });

  await tab(page, 'audit');
  const denied = page.locator('#audit-table tbody tr', { hasText: 'denied' }).filter({ hasText: 'abay' });
  await denied.first().waitFor({ timeout: 10000 });
  ok(`the audit log lists the refusal: ${(await denied.first().textContent()).slice(0, 120)}`);
  assert.ok(await page.locator('#audit-table tbody tr', { hasText: 'approve' }).count() >= 1);
  ok('the audit log lists the approval');
  await page.screenshot({ path: `${SHOTS}/06-audit.png`, fullPage: true });

  // --- charts: the report's sections, drawn by the server ---------------------
  await tab(page, 'charts');
  await page.locator('#chart svg').first().waitFor({ timeout: 15000 });
  assert.ok((await page.locator('#chart h2').first().textContent()).length > 0, 'the chart has a heading');
  await page.selectOption('#chart-section', 'bars');
  await page.locator('#chart', { hasText: 'Абай облысы' }).waitFor({ timeout: 15000 });
  assert.ok(await page.locator('#chart svg').count() >= 1, 'the ranking is drawn');
  ok('the charts tab draws the disparity series and the ranking (with Abay)');
  await page.screenshot({ path: `${SHOTS}/07-charts.png`, fullPage: true });

  // --- the data table and a disparity run -----------------------------------
  await tab(page, 'data');
  await page.fill('#data-period', '2022');
  await page.click('#data-form button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('data-page').textContent === '1–20 / 20');
  const rows = await page.locator('#data-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  const abayRow = rows.find((r) => r[0] === '100000000');
  assert.equal(plain(abayRow[3]), '4 321,5');
  // Kazakh number format: spaces between thousands, a decimal comma.
  const values = rows.map((r) => Number(plain(r[3]).replace(/ /g, '').replace(',', '.')));
  assert.equal(values.length, 20);
  ok('the data tab lists the 20 regions of 2022 with the approved value');
  await page.screenshot({ path: `${SHOTS}/08-data.png`, fullPage: true });

  await tab(page, 'analysis');
  await page.fill('#disp-period', '2022');
  await page.fill('#disp-weight', '');
  await page.click('#disparity-form button[type="submit"]');
  const gini = page.locator('#disparity-table tbody tr', { hasText: /^gini/ }).locator('td.n');
  await gini.waitFor({ timeout: 15000 });
  // The Gini index by its definition (mean absolute difference over twice
  // the mean), from the values the data tab shows.
  const n = values.length, mean = values.reduce((a, b) => a + b, 0) / n;
  let diff = 0;
  for (const a of values) for (const b of values) diff += Math.abs(a - b);
  const want = diff / (2 * n * n * mean);
  const shown = Number(plain(await gini.textContent()).replace(',', '.'));
  assert.ok(Math.abs(shown - want) < 6e-5, `Gini shown ${shown}, by definition ${want}`);
  ok(`the disparity run shows Gini ${shown} (by definition ${want.toFixed(6)})`);
  await page.locator('#results-table tbody tr').first().waitFor();
  assert.equal(await page.locator('#results-table tbody tr').count(), 1);
  ok('the run is recorded as a result');
  await page.screenshot({ path: `${SHOTS}/09-analysis.png`, fullPage: true });

  // --- a methodology stored from a file, and its class summary -------------
  // GRP per capita alone (min-max over the 20 regions of 2022) and an
  // indicator the store lacks: high needs a score of 50, i.e. a value of at
  // least (1671.8 + 19974.1) / 2 = 10823: Atyrau alone.
  const yaml = ['name: Dashboard test', 'id: code', 'indicators:',
    '  - {code: grp_pc_kzt_thousand, direction: 1, weight: 1, pillar: economy}',
    '  - {code: schools, direction: 1, weight: 1, pillar: services}',
    'pillars:', '  - {code: economy, weight: 1}', '  - {code: services, weight: 1}',
    'normalise: {method: minmax, range: [0, 100]}', 'aggregate: {method: arithmetic}',
    'classes:', '  - {name: high, min_score: 50}', '  - {name: low}', ''].join('\n');
  await page.setInputFiles('#method-file', { name: 'dashboard-test.yaml', mimeType: 'text/yaml', buffer: Buffer.from(yaml) });
  await page.click('#method-form button[type="submit"]');
  await page.locator('#method-status', { hasText: 'SHA-256' }).waitFor({ timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('#pot-method option').length >= 1);
  await page.fill('#pot-level', 'region');
  await page.fill('#pot-period', '2022');
  await page.check('#pot-allow');
  await page.click('#potential-form button[type="submit"]');
  await page.locator('#classes-table tbody tr').first().waitFor({ timeout: 15000 });
  const classes = await page.locator('#classes-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(classes.map((r) => [r[0], r[1]]), [['жоғары', '1'], ['төмен', '19']]);
  assert.ok((await page.locator('#pot-note').textContent()).includes('schools'));
  ok('a methodology stored from a file gives the class summary: high 1 (Atyrau), low 19; "schools" reported missing');
  await page.screenshot({ path: `${SHOTS}/10-potential.png`, fullPage: true });

  // --- languages ---------------------------------------------------------
  const labels = {
    ru: { title: 'aimaq — территориальный анализ', map: 'Карта', logout: 'Выйти', abay: 'область Абай: 4 321,5' },
    en: { title: 'aimaq — territorial analysis', map: 'Map', logout: 'Log out', abay: 'Abay Region: 4,321.5' },
    kk: { title: 'aimaq — аймақтық талдау', map: 'Карта', logout: 'Шығу', abay: 'Абай облысы: 4 321,5' },
  };
  await tab(page, 'map');
  for (const lang of ['ru', 'en', 'kk']) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    const want = labels[lang];
    await page.waitForFunction((abay) => {
      const t = document.querySelector('#map #u100000000 > title');
      return t && t.textContent.replace(/[\u00a0\u202f]/g, ' ') === abay;
    }, want.abay, { timeout: 15000 });
    assert.equal(await page.locator('h1').textContent(), want.title);
    assert.equal(await page.locator('nav button[data-tab="map"]').textContent(), want.map);
    assert.equal(await page.locator('#logout').textContent(), want.logout);
    ok(`language ${lang}: "${want.title}", tab "${want.map}", map "${want.abay}"`);
    await page.screenshot({ path: `${SHOTS}/07-map-${lang}.png`, fullPage: true });
    if (lang === 'en' && process.env.DOC_SHOT) { // the README's picture: header, map and legend
      await page.setViewportSize({ width: 1100, height: 960 });
      await page.screenshot({ path: process.env.DOC_SHOT });
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  }
  // The choice is remembered across a reload.
  await page.selectOption('#lang', 'ru');
  await page.reload();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('h1').textContent(), labels.ru.title);
  ok('the language and the session survive a reload');

  assert.deepEqual(errors, [], 'no script errors on the page');
  ok('no script errors on the page');
  await context.close();
} catch (e) {
  failed = true;
  console.error(`not ok - ${e.stack || e}`);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length) await pages[0].screenshot({ path: `${SHOTS}/failure.png`, fullPage: true });
  } catch (e2) { /* the screenshot is a courtesy */ }
} finally {
  await browser.close();
}
console.log(`${checks} checks passed${failed ? ', then one failed' : ''}`);
process.exit(failed ? 1 : 0);
