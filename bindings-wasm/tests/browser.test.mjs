// The demo page in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// the Östersund report renders with eight goals, editing a value re-evaluates at once, a broken
// rule shows its error with the indicator and the editor's line, a screenshot goes to
// docs/demo.png, and at 1920, 1280 and 390 px the rule panel and the report do not overlap and
// nothing overflows sideways (bounding boxes; the pictures docs/demo-WIDTH.png are written with
// UPDATE_SCREENSHOTS=1, never compared pixel by pixel: fonts differ between machines).
//
// Needs bindings-wasm/build.sh first (demo/pkg, demo/plan-files.json) and
// scripts/setup-browser.sh bindings-wasm (chromium, playwright-core).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HERE, OSTERSUND, Plan, REPO, readPlanDir } from './helpers.mjs';

const DEMO = path.join(HERE, '../demo');
const SCREENSHOT = path.join(REPO, 'docs/demo.png');

// scripts/browser.mjs finds playwright-core through the working directory: this package's.
process.chdir(path.join(HERE, '..'));
const { launchBrowser, serveStatic } = await import(path.join(REPO, 'scripts/browser.mjs'));

/**
 * An indicator of a goal table and a value that changes its status, found with the Node
 * build on the same plan and data: what the page must then show.
 */
function findEdit() {
  const plan = Plan.fromFiles(readPlanDir(OSTERSUND));
  const report = plan.evaluate();
  const shown = new Set(report.goals.flatMap((g) => [...g.indicators.map((w) => w.id), ...g.key_figures]));
  const judged = report.indicators.filter(
    (r) => r.gender === 'T' && shown.has(r.id) && r.value !== null && !['no_data', 'error'].includes(r.status),
  );
  for (const r of judged) {
    for (const value of [r.value * 10, r.value / 10, 0, -r.value, r.value * 1000, -1000]) {
      const data = plan.data();
      data.setValue(r.id, report.entity, r.period, 'T', value);
      const after = plan.evaluate(data).indicators.find((x) => x.id === r.id && x.gender === 'T');
      data.free();
      if (after.status !== r.status) return { id: r.id, value, from: r.status, to: after.status };
    }
  }
  throw new Error('no indicator of the plan changes status with any tried value');
}

let server;
let browser;
let page;
const problems = [];

before(async () => {
  for (const f of ['pkg/attain.mjs', 'pkg/wrap.mjs', 'pkg/attain_wasm.js', 'pkg/attain_wasm_bg.wasm', 'plan-files.json']) {
    assert.ok(existsSync(path.join(DEMO, f)), `demo/${f} is missing: run bindings-wasm/build.sh`);
  }
  server = await serveStatic(DEMO);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#report'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the Östersund report renders eight goals, each with a status', async () => {
  assert.equal(await page.locator('section.goal').count(), 8);
  const labels = await page.locator('section.goal .status b').allTextContents();
  assert.equal(labels.length, 8);
  for (const l of labels) assert.ok(['Uppfyllt', 'Delvis uppfyllt', 'Ej uppfyllt', 'Ej bedömd'].includes(l), l);
  assert.match(await page.textContent('header h1'), /Östersunds kommun/);
  assert.ok((await page.locator('tr.ind input.value-edit').count()) >= 40, 'an input in every indicator row');
  assert.deepEqual(problems, []);
});

test('editing a value re-evaluates and changes the indicator status at once', async () => {
  const edit = findEdit();
  const row = page.locator(`tr.ind[data-id="${edit.id}"]`).first();
  assert.equal(await row.getAttribute('data-status'), edit.from);
  const input = row.locator('input.value-edit');
  await input.fill(String(edit.value));
  await input.press('Enter');
  await page.waitForSelector(`tr.ind[data-id="${edit.id}"][data-status="${edit.to}"]`, { timeout: 10_000 });
  assert.equal(await page.locator(`tr.ind[data-id="${edit.id}"]`).first().getAttribute('data-status'), edit.to);
  assert.match(await page.textContent('#edits'), /1 ändrade värden/);
  assert.equal(await page.locator(`tr.ind[data-id="${edit.id}"] input.value-edit`).first().inputValue(), String(edit.value));

  // The screenshot: the live report with the edited value and its rule in the editor.
  await page.selectOption('#rule-indicator', edit.id);
  await page.locator(`tr.ind[data-id="${edit.id}"]`).first().scrollIntoViewIfNeeded();
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  // The timing varies from run to run; without it the picture is the same every time.
  await page.screenshot({ path: SCREENSHOT, style: '#timing { visibility: hidden; }' });
  assert.deepEqual(problems, []);
});

test('a broken rule shows its error with the line; a fixed one re-evaluates', async () => {
  const edit = findEdit();
  await page.selectOption('#rule-indicator', edit.id);
  const textarea = page.locator('#rule-text');
  assert.ok((await textarea.inputValue()).length > 0, 'the rule text is shown');

  await textarea.fill('if value == () { return no_data("inget värde"); }\nlet x = ;\n');
  await page.waitForSelector('#rule-error:not([hidden])');
  const message = await page.textContent('#rule-error');
  // The indicator and the line in the editor, not the file the demo keeps its copy in.
  assert.ok(message.startsWith(`Regeln för ${edit.id}, rad 2, kolumn `), message);
  assert.doesNotMatch(message, /demo-rules|\.rhai/);
  assert.match(message, /script does not compile/);
  assert.match(await textarea.getAttribute('class'), /invalid/);

  // A misspelt name fails as the rule is typed, at the name, though no value reaches its branch.
  await textarea.fill('if value > -1e300 { attained() }\nelse { if valeu < 0 { partly() } else { not_attained() } }\n');
  await page.waitForFunction(() => /valeu/.test(document.querySelector('#rule-error').textContent), null, { timeout: 10_000 });
  const typo = await page.textContent('#rule-error');
  assert.match(typo, /`valeu` is not defined/);
  assert.ok(typo.startsWith(`Regeln för ${edit.id}, rad 2, kolumn 11: `), typo);

  const status = edit.to === 'attained' ? 'not_attained' : 'attained';
  await textarea.fill(`${status}("skrivet i demon")`);
  await page.waitForSelector(`tr.ind[data-id="${edit.id}"][data-status="${status}"]`, { timeout: 10_000 });
  assert.equal(await page.isHidden('#rule-error'), true);
  assert.match(await page.textContent(`tr.ind[data-id="${edit.id}"] .reason`), /skrivet i demon/);

  // A rule that never ends is stopped: the indicator shows the error, the page lives on.
  await textarea.fill('loop { }');
  await page.waitForSelector(`tr.ind[data-id="${edit.id}"][data-status="error"]`, { timeout: 10_000 });
  const stopped = await page.textContent('#rule-error');
  assert.match(stopped, /operations/);
  assert.ok(stopped.startsWith(`Regeln för ${edit.id}, rad 1`), stopped);
  assert.equal(await page.locator('section.goal').count(), 8);
  assert.deepEqual(problems, []);
});

test('a trap in the module is an internal error after which the module and the page work again', async () => {
  // The page's own module: the same URL gives the same instance the demo uses.
  const seen = await page.evaluate(async () => {
    const m = await import('./pkg/attain.mjs');
    const before = m.__attainInternal.generation;
    let error = null;
    try {
      m.__attainInternal.trap();
    } catch (e) {
      error = { name: e.name, type: e.type, message: e.message };
    }
    const files = await (await fetch('./plan-files.json')).json();
    const goals = m.Plan.fromFiles(files).evaluate().goals.length;
    return { before, after: m.__attainInternal.generation, error, goals };
  });
  assert.equal(seen.error?.name, 'AttainError', JSON.stringify(seen));
  assert.equal(seen.error.type, 'internal');
  assert.match(seen.error.message, /restarted/);
  assert.equal(seen.after, seen.before + 1, 'a fresh instance');
  assert.equal(seen.goals, 8, 'a plan made after the restart evaluates');

  // The demo's plan was made by the trapped instance: its next evaluation recovers.
  const periods = await page.locator('#period option').allTextContents();
  const current = await page.inputValue('#period');
  const other = periods.find((p) => p !== current);
  assert.ok(other, `the demo offers more than one period: ${periods}`);
  await page.selectOption('#period', other);
  await page.waitForFunction(() => /startades om/.test(document.querySelector('#rule-status').textContent), null, { timeout: 10_000 });
  assert.equal(await page.locator('section.goal').count(), 8);
  await page.selectOption('#period', current);
  assert.equal(await page.locator('section.goal').count(), 8);
  assert.deepEqual(problems, []);
});

/** Boxes of the page at one width: the rule panel, the report, every goal table, the page's width. */
async function layoutAt(width) {
  const p = await browser.newPage({ viewport: { width, height: 900 } });
  p.on('pageerror', (e) => problems.push(`page error at ${width} px: ${e.message}`));
  await p.goto(server.url);
  await p.waitForSelector('body[data-ready]', { timeout: 60_000 });
  const boxes = await p.evaluate(() => {
    const box = (e) => {
      const b = e.getBoundingClientRect();
      return { left: b.left + scrollX, right: b.right + scrollX, top: b.top + scrollY, bottom: b.bottom + scrollY };
    };
    return {
      editor: box(document.querySelector('#editor')),
      report: box(document.querySelector('#report')),
      tables: [...document.querySelectorAll('#report table')].map(box),
      cells: [...document.querySelectorAll('#report tr.ind td:last-child')].map(box),
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
    };
  });
  return { page: p, boxes };
}

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

for (const width of [1920, 1280, 390]) {
  test(`at ${width} px the rule panel and the report do not overlap and nothing overflows sideways`, async () => {
    const { page: p, boxes } = await layoutAt(width);
    try {
      const { editor, report, tables, cells } = boxes;
      assert.equal(boxes.scrollWidth, boxes.innerWidth, 'no horizontal scrolling');
      assert.equal(tables.length, 8, 'one table per goal');
      assert.ok(cells.length >= 40, 'every indicator row has its assessment');
      assert.ok(!overlap(editor, report), `panel ${JSON.stringify(editor)} and report ${JSON.stringify(report)}`);
      for (const t of [...tables, ...cells]) {
        assert.ok(t.left >= report.left - 0.5 && t.right <= report.right + 0.5, `${JSON.stringify(t)} leaves the report ${JSON.stringify(report)}`);
        assert.ok(!overlap(t, editor), `${JSON.stringify(t)} is under the rule panel ${JSON.stringify(editor)}`);
      }
      if (width >= 1280) assert.ok(editor.left >= report.right - 0.5, 'side by side on a wide screen');
      else assert.ok(editor.top >= report.bottom - 0.5, 'on a phone the panel comes after the report');
      // The picture: docs/ only when asked for (UPDATE_SCREENSHOTS=1), else a temporary file.
      const update = process.env.UPDATE_SCREENSHOTS === '1';
      const dir = update ? path.join(REPO, 'docs') : mkdtempSync(path.join(tmpdir(), 'attain-demo-'));
      const file = path.join(dir, `demo-${width}.png`);
      await p.screenshot({ path: file, style: '#timing { visibility: hidden; }' });
      assert.ok(statSync(file).size > 10_000, 'a picture was taken');
      if (!update) rmSync(dir, { recursive: true });
      assert.deepEqual(problems, []);
    } finally {
      await p.close();
    }
  });
}
