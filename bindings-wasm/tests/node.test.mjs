// What Node alone has: Plan.load(folder), read by core's rules; the HTML fragment; and the
// install path of the README (`make npm-pack`, `npm install` of the tarball, its quick start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OSTERSUND, Plan, REPO, readPlanDir, render, thrown } from './helpers.mjs';

const HERE = path.resolve(REPO, 'bindings-wasm');

const SMALL = `[plan]
id = "small"
title = "Small"
entity = "1"
[comparison]
national = "0000"
[[goal]]
id = "g"
title = "G"
indicators = ["A"]
[[indicator]]
id = "A"
title = "A"
rule = "reference"
`;

function folder(files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'attain-load-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('Plan.load reads the Östersund folder as the CLI does, and judges it the same', () => {
  const loaded = Plan.load(OSTERSUND);
  assert.deepEqual(loaded.files(), Plan.fromFiles(readPlanDir(OSTERSUND)).files());
  const report = loaded.evaluate();
  assert.equal(report.goals.length, 8);
  assert.deepEqual(
    report.goals.map((g) => g.status),
    Plan.fromFiles(readPlanDir(OSTERSUND)).evaluate().goals.map((g) => g.status),
  );
  const url = Plan.load(pathToFileURL(OSTERSUND));
  assert.equal(url.evaluate().goals.length, 8, 'a file: URL is a folder too');
});

test("Plan.load keeps core's folder limits: nesting and a file's size, as the CLI does", () => {
  const deep = `${Array.from({ length: 33 }, (_, i) => `d${i}`).join('/')}`;
  const dir = folder({ 'plan.toml': SMALL, [`${deep}/x.rhai`]: 'attained()' });
  try {
    const e = thrown(() => Plan.load(dir));
    assert.equal(e.code, 'io.limit');
    assert.ok(e.message.includes('nested more than 32 deep'), e.message);
    assert.equal(e.file, deep);
    rmSync(path.join(dir, 'd0'), { recursive: true });
    // A file over 64 MiB is refused before it is read (a sparse file: no bytes are written).
    writeFileSync(path.join(dir, 'big.csv'), '');
    truncateSync(path.join(dir, 'big.csv'), 64 * 1024 * 1024 + 1);
    const big = thrown(() => Plan.load(dir));
    assert.equal(big.code, 'io.limit');
    assert.equal(big.file, 'big.csv');
    assert.ok(big.message.includes('larger than the limit of 64 MiB'), big.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Plan.load leaves out what core leaves out, and core decodes the bytes', () => {
  const dir = folder({
    'plan.toml': '\ufeff' + SMALL,
    'data/values.csv': 'indicator,entity,period,value\nA,1,2022,5\nA,0000,2022,4\n',
    'notes.txt': 'not a plan file',
    '.hidden/x.toml': 'not = [valid',
    'node_modules/y.toml': 'not = [valid',
    'target/z.toml': 'not = [valid',
  });
  try {
    const plan = Plan.load(dir);
    assert.deepEqual(Object.keys(plan.files()).sort(), ['data/values.csv', 'plan.toml']);
    assert.ok(!plan.files()['plan.toml'].startsWith('\ufeff'), 'the byte-order mark is dropped');
    assert.equal(plan.evaluate().goals[0].status, 'attained');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('Plan.load: a missing folder, a link out of the plan and bytes that are not UTF-8 are core errors at their place', () => {
  const missing = path.join(tmpdir(), 'attain-no-such-plan');
  const e = thrown(() => Plan.load(missing));
  assert.equal(e.name, 'AttainError');
  assert.equal(e.code, 'io.not_found');
  assert.ok(e.message.includes(missing), e.message);

  const dir = folder({ 'plan.toml': SMALL });
  const outside = folder({ 'x.rhai': 'attained("x")' });
  try {
    assert.equal(thrown(() => Plan.load(path.join(dir, 'plan.toml'))).code, 'io.not_a_folder');
    symlinkSync(path.join(outside, 'x.rhai'), path.join(dir, 'x.rhai'));
    const link = thrown(() => Plan.load(dir));
    assert.equal(link.code, 'io.link');
    assert.equal(link.file, 'x.rhai');
    rmSync(path.join(dir, 'x.rhai'));
    symlinkSync(outside, path.join(dir, 'rules'));
    assert.equal(thrown(() => Plan.load(dir)).code, 'io.link', 'a link to a folder');
    rmSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'data.csv'), Buffer.from('indicator,entity\nA,\xff1\n', 'latin1'));
    const bytes = thrown(() => Plan.load(dir));
    assert.equal(bytes.code, 'io.not_utf8');
    assert.equal(bytes.file, 'data.csv');
    assert.equal(bytes.line, 2);
  } finally {
    rmSync(dir, { recursive: true });
    rmSync(outside, { recursive: true });
  }
});

test('Plan.load refuses a workbook in the data folder, naming it: its rows would be lost', () => {
  const dir = folder({ 'plan.toml': SMALL, 'data/values.csv': 'indicator,entity,period,value\nA,1,2022,5\n' });
  try {
    writeFileSync(path.join(dir, 'data', 'kolada.xlsx'), readFileSync(path.join(REPO, 'bindings-python/tests/data/kolada-wide.xlsx')));
    const e = thrown(() => Plan.load(dir));
    assert.equal(e.code, 'data.unread_workbook');
    assert.equal(e.file, 'data/kolada.xlsx');
    assert.match(e.message, /save the sheet as CSV/);
    // A workbook outside data/ is not data: left out as before.
    rmSync(path.join(dir, 'data', 'kolada.xlsx'));
    writeFileSync(path.join(dir, 'notes.xlsx'), 'PK');
    assert.deepEqual(Object.keys(Plan.load(dir).files()).sort(), ['data/values.csv', 'plan.toml']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("render(report, 'html-fragment') is core's fragment: one root, every style scoped to it", () => {
  const report = Plan.load(OSTERSUND).evaluate();
  const fragment = render(report, 'html-fragment');
  const id = /^<div class="attain-report" id="(attain-[0-9a-f]{16})"/.exec(fragment)?.[1];
  assert.ok(id, fragment.slice(0, 120));
  assert.ok(fragment.endsWith('</div>'));
  const css = /<style>([^<]*)<\/style>/.exec(fragment)[1];
  const selectors = css.split('}').filter((r) => r.trim()).flatMap((r) => r.split('{')[0].split(','));
  assert.ok(selectors.length > 10);
  for (const s of selectors) assert.ok(s === `#${id}` || s.startsWith(`#${id} `), `unscoped: ${s}`);
  assert.ok(fragment.length * 2 < render(report, 'html').length);
});

/** The README's Node quick start: the ```js block after "In Node". */
function quickStart() {
  const readme = readFileSync(path.join(HERE, 'README.md'), 'utf8');
  const after = readme.slice(readme.indexOf('In Node, from the root of the clone'));
  const block = /```js\n([\s\S]*?)```/.exec(after);
  assert.ok(block, 'the README has its Node quick start');
  return block[1];
}

test("make npm-pack's tarball installs with npm and runs the README's quick start", { timeout: 300_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'attain-pack-'));
  try {
    // What `make npm-pack` does after building (the build is this suite's first step).
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: HERE, encoding: 'utf8' }).trim();
    assert.match(name, /^attain-wasm-\d+\.\d+\.\d+\.tgz$/);
    const user = path.join(work, 'user');
    mkdirSync(user);
    writeFileSync(path.join(user, 'package.json'), '{ "name": "user", "private": true, "type": "module" }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(work, name)], { cwd: user, stdio: 'pipe' });
    writeFileSync(path.join(user, 'quickstart.mjs'), quickStart());
    // From the root of the clone, as the README says; `attain-wasm` resolves from the user's folder.
    const out = execFileSync(process.execPath, [path.join(user, 'quickstart.mjs')], { cwd: REPO, encoding: 'utf8' });
    const lines = out.split('\n');
    assert.equal(lines.filter((l) => /^[1-8] /.test(l)).length, 8, out);
    assert.ok(out.includes('attained 72.3 % is at least as good as'), out);
    assert.ok(!out.includes('undefined'), out);
  } finally {
    rmSync(work, { recursive: true });
  }
});
