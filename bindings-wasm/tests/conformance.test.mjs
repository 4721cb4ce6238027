// Runs every language-neutral vector in tests/conformance/*.toml (format: its README.md)
// through the wasm binding, with the same expectations as core's runner
// (core/tests/conformance.rs). A case with `skip.js` is reported as skipped with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { Observations, Plan, REPO, readPlanDir } from './helpers.mjs';

const BINDING = 'js';
const FOLDER = path.join(REPO, 'tests/conformance');

const CASE_KEYS = new Set([
  'name', 'description', 'files', 'plan', 'observations', 'csv', 'data', 'assignments', 'query',
  'expect_indicators', 'expect_goals', 'expect_reasons', 'expect_error', 'skip',
]);
const ROW_KEYS = new Set(['indicator', 'entity', 'period', 'gender', 'value', 'missing', 'count']);
const QUERY_KEYS = new Set(['entity', 'period']);
const ERROR_KEYS = new Set(['type', 'code', 'message', 'file', 'line', 'column', 'row']);
const SKIP_KEYS = new Set(['rust', 'python', 'js']);

function strict(obj, allowed, where) {
  for (const key of Object.keys(obj ?? {})) {
    if (!allowed.has(key)) throw new Error(`${where}: unknown field \`${key}\``);
  }
}

/** Parses one vector file strictly, as core's runner does (unknown fields are errors). */
export function parseCases(text, file) {
  const doc = parse(text);
  strict(doc, new Set(['case']), file);
  if (!Array.isArray(doc.case)) throw new Error(`${file}: no [[case]] tables`);
  for (const c of doc.case) {
    const where = `${file}: case \`${c.name}\``;
    strict(c, CASE_KEYS, where);
    if (typeof c.name !== 'string' || !c.name) throw new Error(`${file}: a case without a name`);
    for (const row of c.observations ?? []) strict(row, ROW_KEYS, `${where}, observations`);
    strict(c.query, QUERY_KEYS, `${where}, query`);
    strict(c.expect_error, ERROR_KEYS, `${where}, expect_error`);
    if (c.expect_error && typeof c.expect_error.code !== 'string') throw new Error(`${where}: expect_error has no code`);
    strict(c.skip, SKIP_KEYS, `${where}, skip`);
    if (('files' in c) === ('plan' in c)) throw new Error(`${where} needs exactly one of \`files\` and \`plan\``);
    if (c.data !== undefined && c.data !== 'plan') throw new Error(`${where}: data = \`${c.data}\`; the only value is "plan"`);
  }
  return doc.case;
}

function loadPlan(c) {
  return c.files ? Plan.fromFiles(c.files) : Plan.fromFiles(readPlanDir(path.resolve(FOLDER, c.plan)));
}

/** Host rows, then CSV, then the plan's data (a repeated row is a duplicate), then follow-ups. */
function observations(c, plan) {
  let data = Observations.fromRows(c.observations ?? []);
  if (c.csv !== undefined) data = data.merge(Observations.fromCsv(c.csv, 'observations.csv'));
  if (c.data === 'plan') data = data.merge(plan.data());
  if (c.assignments?.length) data = data.merge(Observations.fromRows([], c.assignments));
  return data;
}

/** Evaluates one case: `{report}` or `{error}`. */
export function run(c) {
  try {
    const plan = loadPlan(c);
    const data = observations(c, plan);
    return { report: plan.evaluate(data, { entity: c.query?.entity, period: c.query?.period }) };
  } catch (error) {
    return { error };
  }
}

function indicatorKey(key) {
  const m = /^(.*)\/([TKM])$/.exec(key);
  return m ? [m[1], m[2]] : [key, 'T'];
}

/** What differs between the case's expectations and the outcome; empty when it passes. */
export function check(c, { report, error }) {
  const diffs = [];
  const want = c.expect_error;
  if (want) {
    if (!error) return [`expected a ${want.type} error, but it succeeded`];
    if (error.name !== 'AttainError') return [`expected an AttainError, got ${error.stack ?? error}`];
    const where = `(${error.type} error at ${error.file}:${error.line}:${error.column} row ${error.row}: ${error.message})`;
    if (error.type !== want.type) diffs.push(`error type: expected ${want.type}, got ${error.type} ${where}`);
    if (error.code !== want.code) diffs.push(`error code: expected ${want.code}, got ${error.code} ${where}`);
    if (want.message !== undefined && !error.message.includes(want.message)) {
      diffs.push(`error message: expected it to contain \`${want.message}\`, got \`${error.message}\``);
    }
    for (const field of ['file', 'line', 'column', 'row']) {
      if (want[field] !== undefined && want[field] !== error[field]) {
        diffs.push(`error ${field}: expected ${JSON.stringify(want[field])}, got ${JSON.stringify(error[field])} ${where}`);
      }
    }
    return diffs;
  }
  if (error) return [`unexpected error: ${error.type ?? ''} ${error.file ?? ''}:${error.line ?? ''} ${error.message}`];
  const indicator = (key) => {
    const [id, gender] = indicatorKey(key);
    return report.indicators.find((r) => r.id === id && r.gender === gender);
  };
  for (const [key, status] of Object.entries(c.expect_indicators ?? {})) {
    const r = indicator(key);
    if (!r) diffs.push(`indicator ${key}: not in the report`);
    else if (r.status !== status) diffs.push(`indicator ${key}: expected ${status}, got ${r.status} (${r.reason})`);
  }
  for (const [id, status] of Object.entries(c.expect_goals ?? {})) {
    const g = report.goals.find((x) => x.id === id);
    if (!g) diffs.push(`goal ${id}: not in the report`);
    else if (g.status !== status) diffs.push(`goal ${id}: expected ${status}, got ${g.status} (${g.reason})`);
  }
  for (const [key, text] of Object.entries(c.expect_reasons ?? {})) {
    const reason = key.startsWith('goal:') ? report.goals.find((g) => g.id === key.slice(5))?.reason : indicator(key)?.reason;
    if (reason === undefined) diffs.push(`reason of ${key}: not in the report`);
    else if (!reason.includes(text)) diffs.push(`reason of ${key}: expected it to contain \`${text}\`, got \`${reason}\``);
  }
  return diffs;
}

const files = readdirSync(FOLDER).filter((f) => f.endsWith('.toml')).sort();
const cases = files.flatMap((f) => parseCases(readFileSync(path.join(FOLDER, f), 'utf8'), f).map((c) => [f, c]));

test('the vectors are well formed: unique names, each expects something', () => {
  assert.ok(files.length > 0, `no vectors in ${FOLDER}`);
  const names = new Set();
  for (const [file, c] of cases) {
    assert.ok(!names.has(c.name), `case name \`${c.name}\` is used twice (second in ${file})`);
    names.add(c.name);
    const expectsResults = ['expect_indicators', 'expect_goals'].some((k) => Object.keys(c[k] ?? {}).length > 0);
    assert.ok(c.expect_error || expectsResults, `case \`${c.name}\` in ${file} expects nothing, so it cannot fail`);
    const expectsAny = expectsResults || Object.keys(c.expect_reasons ?? {}).length > 0;
    assert.ok(!(c.expect_error && expectsAny), `case \`${c.name}\` in ${file} expects both an error and results`);
  }
  assert.ok(cases.length >= 20, `only ${cases.length} cases`);
});

for (const [file, c] of cases) {
  const skip = c.skip?.[BINDING];
  test(`${file}: ${c.name}`, { skip: skip ? `skip.js: ${skip}` : false }, () => {
    const diffs = check(c, run(c));
    assert.deepEqual(diffs, [], diffs.join('\n'));
  });
}

test('the runner can fail: a wrong expectation is reported', () => {
  const [c] = parseCases(
    `
[[case]]
name = "wrong on purpose"
observations = [{ indicator = "I", entity = "1", period = "2022", value = 5 }, { indicator = "I", entity = "0000", period = "2022", value = 4 }]
query = { entity = "1", period = "2022" }
expect_indicators = { I = "not_attained" }
expect_reasons = { I = "no such text" }
[case.files]
"plan.toml" = """
[plan]
id = "w"
title = "W"
[comparison]
national = "0000"
[[indicator]]
id = "I"
title = "I"
rule = "reference"
"""
`,
    'inline.toml',
  );
  const diffs = check(c, run(c));
  assert.equal(diffs.length, 2, diffs.join('\n'));
  assert.match(diffs[0], /expected not_attained, got attained/);
  assert.match(diffs[1], /no such text/);
  const wrongError = { ...c, expect_indicators: undefined, expect_reasons: undefined, expect_error: { type: 'plan', code: 'plan.empty' } };
  assert.deepEqual(check(wrongError, run(wrongError)), ['expected a plan error, but it succeeded']);
});

test('a wrong error code is reported, and an expected error without a code is refused', () => {
  const [c] = parseCases('[[case]]\nname = "x"\nfiles = { "plan.toml" = "" }\nexpect_error = { type = "plan", code = "plan.duplicate_id" }\n', 'x.toml');
  const diffs = check(c, run(c));
  assert.equal(diffs.length, 1, diffs.join('\n'));
  assert.match(diffs[0], /^error code: expected plan\.duplicate_id, got plan\.empty/);
  assert.throws(() => parseCases('[[case]]\nname = "x"\nfiles = {}\nexpect_error = { type = "plan" }\n', 'x.toml'), /no code/);
});

test('the format is strict: an unknown field in a case is an error', () => {
  assert.throws(() => parseCases('[[case]]\nname = "x"\nfiles = {}\nexpect_goal = { a = "attained" }\n', 'x.toml'), /expect_goal/);
});
