// Runs every language-neutral vector in tests/conformance/*.toml (format: its README.md)
// through the wasm binding, with the same expectations as core's runner
// (core/tests/conformance.rs), calls other than `evaluate` included (`call`, compared by
// `expect_result` as a subset and `expect_text`). A case with `skip.js` is reported as skipped
// with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { Observations, Plan, REPO, check as checkPlan, readPlanDir, runRuleTests } from './helpers.mjs';

const BINDING = 'js';
const FOLDER = path.join(REPO, 'tests/conformance');

const CASE_KEYS = new Set([
  'name', 'description', 'files', 'plan', 'observations', 'csv', 'data', 'assignments', 'query',
  'expect_indicators', 'expect_goals', 'expect_reasons', 'expect_measures', 'expect_warnings', 'expect_error', 'skip',
  'call', 'expect_result', 'expect_text',
]);
// Core's row vocabulary (OBSERVATION_FIELDS): each field and its alias.
const ROW_KEYS = new Set([
  'indicator', 'kpi', 'entity', 'municipality', 'period', 'year', 'gender', 'value', 'missing', 'status', 'count', 'source', 'note',
]);
const QUERY_KEYS = new Set(['entity', 'period']);
const ERROR_KEYS = new Set(['type', 'code', 'message', 'file', 'line', 'column', 'row']);
const SKIP_KEYS = new Set(['rust', 'cli', 'python', 'js']);
/** Each call's fields besides `op` (tests/conformance/README.md). */
const CALL_KEYS = {
  assess: ['indicator', 'inputs'],
  assess_many: ['indicator', 'rows'],
  explain: ['indicator', 'entity', 'period', 'gender'],
  required: ['indicator', 'entity', 'period', 'gender'],
  check: ['cases', 'seed'],
  outline: [],
  evaluate_text: ['text'],
  rows: [],
  rule_tests: ['coverage', 'mutants'],
};

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
    if (c.call !== undefined) {
      const keys = CALL_KEYS[c.call.op];
      if (!keys) throw new Error(`${where}: unknown op \`${c.call.op}\``);
      strict(c.call, new Set(['op', ...keys]), `${where}, call`);
    }
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

/** The case's observations, or null (the plan's own data) when it gives none. */
function given(c, plan) {
  const none = !c.observations?.length && c.csv === undefined && c.data === undefined && !c.assignments?.length;
  return none ? null : observations(c, plan);
}

/** Makes a case's call: its result as plain JS values. */
function call(c, plan) {
  const { op, indicator, ...rest } = c.call;
  switch (op) {
    case 'assess':
      return plan.assess(indicator, rest.inputs);
    case 'assess_many':
      return plan.assessMany(indicator, rest.rows);
    case 'explain':
      return plan.explain(given(c, plan), indicator, rest);
    case 'required':
      return plan.required(given(c, plan), indicator, rest);
    case 'check':
      return checkPlan(plan, rest);
    case 'outline':
      return plan.outline();
    case 'rule_tests':
      // The case's files, tests included: one core call.
      return runRuleTests(c.files, rest);
    case 'evaluate_text':
      // A caller passing a string as the data argument.
      return plan.evaluate(rest.text);
    case 'rows': {
      // Written back as host rows and read again: the same rows.
      const rows = observations(c, plan).rows();
      assert.deepEqual(Observations.fromRows(rows).rows(), rows, 'rows read back differ');
      return rows;
    }
    default:
      throw new Error(`unknown op \`${op}\``);
  }
}

/** Runs one case: `{report}`, `{result}` (a call) or `{error}`. */
export function run(c) {
  try {
    const plan = loadPlan(c);
    if (c.call) return { result: call(c, plan) };
    const data = observations(c, plan);
    return { report: plan.evaluate(data, { entity: c.query?.entity, period: c.query?.period }) };
  } catch (error) {
    return { error };
  }
}

/** `want` is a subset of `got`: objects by the keys given, arrays item by item, numbers within 1e-9. */
function subset(want, got, path, diffs) {
  const at = (k) => (path === '' ? String(k) : `${path}.${k}`);
  if (Array.isArray(want) && Array.isArray(got) && want.length === got.length) {
    want.forEach((w, i) => subset(w, got[i], at(i), diffs));
  } else if (want !== null && typeof want === 'object' && !Array.isArray(want) && got !== null && typeof got === 'object' && !Array.isArray(got)) {
    for (const [k, w] of Object.entries(want)) {
      if (!(k in got)) diffs.push(`result ${at(k)}: missing (expected ${JSON.stringify(w)})`);
      else subset(w, got[k], at(k), diffs);
    }
  } else if (typeof want === 'number' && typeof got === 'number') {
    if (!(Math.abs(want - got) <= 1e-9)) diffs.push(`result ${path}: expected ${want}, got ${got}`);
  } else if (want !== got) {
    diffs.push(`result ${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
}

/** The text at a dotted path (`reason`, `0.reason`, `result.reason`). */
function textAt(v, path) {
  const t = path.split('.').reduce((x, key) => (x === null || typeof x !== 'object' ? undefined : x[/^\d+$/.test(key) ? Number(key) : key]), v);
  return typeof t === 'string' ? t : undefined;
}

function indicatorKey(key) {
  const m = /^(.*)\/([TKM])$/.exec(key);
  return m ? [m[1], m[2]] : [key, 'T'];
}

/** What differs between the case's expectations and the outcome; empty when it passes. */
export function check(c, { report, result, error }) {
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
  if (c.call) {
    if (c.expect_result !== undefined) subset(c.expect_result, result, '', diffs);
    for (const [path, text] of Object.entries(c.expect_text ?? {})) {
      const t = textAt(result, path);
      if (t === undefined) diffs.push(`result ${path}: no text there in ${JSON.stringify(result)}`);
      else if (!t.includes(text)) diffs.push(`result ${path}: expected it to contain \`${text}\`, got \`${t}\``);
    }
    return diffs;
  }
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
  for (const [key, want] of Object.entries(c.expect_measures ?? {})) {
    const found = key.startsWith('goal:') ? report.goals.find((g) => g.id === key.slice(5)) : indicator(key);
    // Core leaves `measures` out of the JSON when there are none.
    const got = found?.measures ?? {};
    const same = Object.keys(got).length === Object.keys(want).length
      && Object.entries(want).every(([k, x]) => k in got && Math.abs(got[k] - x) <= 1e-9);
    if (!found) diffs.push(`measures of ${key}: not in the report`);
    else if (!same) diffs.push(`measures of ${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  // Each expected warning matches one of the report's: its keys equal, `message` a substring.
  const matches = (want, got) => Object.entries(want).every(([k, v]) =>
    k === 'message' ? typeof got[k] === 'string' && got[k].includes(v) : got[k] === v);
  for (const want of c.expect_warnings ?? []) {
    if (!(report.warnings ?? []).some((w) => matches(want, w))) {
      diffs.push(`warning ${JSON.stringify(want)}: not among the report's ${JSON.stringify(report.warnings)}`);
    }
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
    const expectsResults = ['expect_indicators', 'expect_goals', 'expect_text'].some((k) => Object.keys(c[k] ?? {}).length > 0)
      || c.expect_result !== undefined;
    assert.ok(c.expect_error || expectsResults, `case \`${c.name}\` in ${file} expects nothing, so it cannot fail`);
    const expectsAny = expectsResults || ['expect_reasons', 'expect_measures'].some((k) => Object.keys(c[k] ?? {}).length > 0);
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
  const [call] = parseCases(
    `
[[case]]
name = "a call wrong on purpose"
plan = "plans/what-if"
call = { op = "assess_many", indicator = "I", rows = [{ value = 60, period = "2023" }] }
expect_result = [{ status = "attained", target = 71.0 }]
expect_text = { "0.reason" = "no such text", "0.nothing" = "x" }
`,
    'inline.toml',
  );
  assert.deepEqual(check(call, run(call)), [
    'result 0.status: expected "attained", got "not_attained"',
    'result 0.target: expected 71, got 70',
    `result 0.reason: expected it to contain \`no such text\`, got \`${run(call).result[0].reason}\``,
    `result 0.nothing: no text there in ${JSON.stringify(run(call).result)}`,
  ]);
  const short = { ...call, expect_result: [], expect_text: {} };
  assert.deepEqual(check(short, run(short)), ['result : expected [], got ' + JSON.stringify(run(call).result)]);
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
  assert.throws(() => parseCases('[[case]]\nname = "x"\nfiles = {}\ncall = { op = "asess" }\n', 'x.toml'), /unknown op `asess`/);
  assert.throws(() => parseCases('[[case]]\nname = "x"\nfiles = {}\ncall = { op = "outline", x = 1 }\n', 'x.toml'), /call: unknown field `x`/);
});
