// The JS API of attain-wasm in Node: plans, data, reports in core's shape, errors with their
// fields, sandboxed rules, rule tests and checks, and the Östersund plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Observations,
  OSTERSUND,
  Plan,
  check,
  readPlanDir,
  render,
  renderHtml,
  runRuleTests,
  thrown,
  version,
} from './helpers.mjs';

const PLAN_TOML = `[plan]
id = "small"
title = "Small plan"
entity = "1"
period = "2022"
[entities]
"1" = "Town"
"0000" = "Nation"
[comparison]
national = "0000"
[[goal]]
id = "g1"
title = "Goal one"
indicators = ["A", "B"]
[[goal]]
id = "g2"
title = "Goal two"
indicators = ["C"]
key_figures = ["D"]
[[indicator]]
id = "A"
title = "Share satisfied"
unit = "%"
rule = "reference"
gender = true
[[indicator]]
id = "B"
title = "Cost"
direction = "lower"
targets = { "2022" = 100 }
[[indicator]]
id = "C"
title = "Custom"
rule = "rules/ten.rhai"
[[indicator]]
id = "D"
title = "Followed"
rule = "rules/ten.rhai"
`;

const TEN = `if value == () { return no_data("no value"); }
if value >= 10.0 { attained("ten or more") } else { not_attained("below ten") }
`;

const CSV = `indicator,entity,period,gender,value
A,1,2022,T,80
A,1,2022,K,85
A,1,2022,M,70
A,0000,2022,T,75
A,0000,2022,K,76
A,0000,2022,M,74
B,1,2021,T,120
B,1,2022,T,110
C,1,2022,T,12
D,1,2022,T,3
`;

const FILES = { 'plan.toml': PLAN_TOML, 'rules/ten.rhai': TEN, 'data/values.csv': CSV };

/** The CSV above as host rows. */
const ROWS = CSV.trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [indicator, entity, period, gender, value] = line.split(',');
    return { indicator, entity, period, gender, value: Number(value) };
  });

const statuses = (report) => Object.fromEntries(report.indicators.map((r) => [`${r.id}/${r.gender}`, r.status]));
const goalStatuses = (report) => Object.fromEntries(report.goals.map((g) => [g.id, g.status]));

const EXPECTED = { 'A/T': 'attained', 'A/K': 'attained', 'A/M': 'not_attained', 'B/T': 'partly', 'C/T': 'attained', 'D/T': 'not_attained' };

function isPlain(v) {
  if (Array.isArray(v)) return v.every(isPlain);
  if (v === null || typeof v !== 'object') return v !== undefined;
  return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isPlain);
}

// ------------------------------------------------------------------ evaluation

test('evaluate with the plan bundled data gives statuses, reasons and goals', () => {
  const plan = Plan.fromFiles(FILES);
  const report = plan.evaluate();
  assert.deepEqual(statuses(report), EXPECTED);
  assert.deepEqual(goalStatuses(report), { g1: 'partly', g2: 'attained' });
  const a = report.indicators.find((r) => r.id === 'A' && r.gender === 'T');
  assert.equal(a.reason, '80 % is at least as good as the national value (75 %)');
  assert.equal(a.value, 80);
  assert.equal(a.national, 75);
  assert.equal(a.women, 85);
  assert.equal(a.men, 70);
  assert.equal(report.goals[0].reason, '1 of 2 assessed is attained (50 %)');
});

test('the report is plain objects in exactly core JSON shape', () => {
  const report = Plan.fromFiles(FILES).evaluate(null, {});
  assert.ok(isPlain(report), 'only plain objects, arrays, strings, numbers, booleans and null');
  assert.equal(report.schema, 'attain-report/1');
  assert.deepEqual(Object.keys(report), ['schema', 'plan', 'entity', 'entity_name', 'period', 'scale', 'goals', 'indicators', 'warnings']);
  assert.deepEqual(report.plan, { id: 'small', title: 'Small plan', language: 'en' });
  assert.equal(report.entity_name, 'Town');
  assert.deepEqual(Object.keys(report.scale), ['levels', 'no_data', 'error']);
  const c = report.indicators.find((r) => r.id === 'C');
  assert.deepEqual(Object.keys(c), [
    'id', 'title', 'unit', 'decimals', 'direction', 'gender', 'role', 'goals', 'rule', 'status', 'label', 'color', 'score',
    'reason', 'error', 'period', 'value', 'target', 'target_op', 'national', 'peers', 'percentile', 'municipal_mean', 'compared_with',
    'previous', 'history', 'women', 'men', 'source',
  ]);
  assert.equal(c.target, null, 'absent values are null, never undefined');
  assert.equal(c.error, null);
  assert.equal(report.indicators.find((r) => r.id === 'D').role, 'key_figure');
  assert.deepEqual(Object.keys(report.goals[0]), [
    'id', 'title', 'text', 'parent', 'status', 'label', 'color', 'score', 'reason', 'rule', 'indicators', 'key_figures',
    'children', 'assignments', 'error', 'basis',
  ]);
  assert.deepEqual(report.goals[1].key_figures, ['D']);
  // JSON round trip: nothing is lost or added.
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

test('the data is Observations from host rows, CSV or JSON, or none; a string is never data', () => {
  const plan = Plan.fromFiles({ 'plan.toml': PLAN_TOML, 'rules/ten.rhai': TEN });
  assert.deepEqual(statuses(plan.evaluate(Observations.fromCsv(CSV))), EXPECTED);
  assert.deepEqual(statuses(plan.evaluate(Observations.fromRows(ROWS))), EXPECTED);
  assert.deepEqual(statuses(plan.evaluate(Observations.fromJson(JSON.stringify(ROWS)))), EXPECTED);
  for (const text of [CSV, JSON.stringify(ROWS), 'data.csv']) {
    const e = thrown(() => plan.evaluate(text));
    assert.equal(e.type, 'query');
    assert.match(e.message, /^`data` is a string, which is never read as a path or as CSV/);
  }
  for (const [arg, type] of [[ROWS, 'array'], [{ observations: ROWS }, 'object'], [42, 'number']]) {
    const e = thrown(() => plan.evaluate(arg));
    assert.equal(e.type, 'data');
    assert.equal(e.message, `\`data\` must be an Observations or null (the plan's own data), got ${type}`);
  }
  // Integers are ids too, gender defaults to T, a missing value is a gap.
  const numeric = plan.evaluate(
    Observations.fromRows([{ indicator: 'C', entity: 1, period: 2022, value: 9 }, { indicator: 'D', entity: '1', period: '2022' }]),
  );
  assert.equal(statuses(numeric)['C/T'], 'not_attained');
  assert.equal(statuses(numeric)['D/T'], 'no_data');
});

test('the query chooses entity, period and genders; a period may be a whole number', () => {
  const plan = Plan.fromFiles(FILES);
  const nation = plan.evaluate(null, { entity: '0000', period: 2022 });
  assert.equal(nation.entity, '0000');
  assert.equal(nation.entity_name, 'Nation');
  assert.equal(nation.period, '2022');
  const totals = plan.evaluate(null, { entity: '1', genders: ['T'] });
  assert.deepEqual(statuses(plan.evaluate(null, { entity: '1', genders: 'T' })), statuses(totals), 'one gender or a list');
  assert.deepEqual(
    totals.indicators.map((r) => r.gender),
    ['T', 'T', 'T', 'T'],
  );
  const e = thrown(() => plan.evaluate(null, { entity: '1', perod: '2022' }));
  assert.equal(e.type, 'query');
  assert.equal(e.message, '`query.perod`: unknown field `perod`, expected one of `entity`, `period`, `genders`');
  assert.equal(thrown(() => plan.evaluate(null, { genders: ['X'] })).message, '`query.genders`: gender `X` is not T, K or M');
  const month = thrown(() => plan.evaluate(null, { period: '2024-13' }));
  assert.equal(month.type, 'query');
  assert.match(month.message, /^`query.period`: period `2024-13` is not a year/);
  assert.equal(thrown(() => plan.evaluate(null, { entity: 1 })).message, '`query.entity`: invalid type: integer `1`, expected a string');
});

test('evaluateMany gives one report per entity and period', () => {
  const plan = Plan.fromFiles(FILES);
  const reports = plan.evaluateMany(null, ['1', '0000'], ['2021', 2022]);
  assert.deepEqual(
    reports.map((r) => `${r.entity}@${r.period}`),
    ['1@2021', '1@2022', '0000@2021', '0000@2022'],
  );
  assert.ok(reports.every((r) => r.indicators.every((i) => i.gender === 'T')));
  assert.equal(reports[1].indicators.find((i) => i.id === 'B').status, 'partly');
});

test('Observations: set a value, merge, copy, rows and follow-ups', () => {
  const plan = Plan.fromFiles(FILES);
  const data = plan.data();
  assert.equal(data.length, 10);
  assert.deepEqual(data.rows()[0], { indicator: 'A', entity: '1', period: '2022', gender: 'T', value: 80 });
  const copy = data.clone();
  data.setValue('B', '1', '2022', 'T', 95);
  assert.equal(statuses(plan.evaluate(data))['B/T'], 'attained');
  assert.equal(statuses(plan.evaluate(copy))['B/T'], 'partly', 'a clone does not share edits');
  data.setValue('B', '1', '2022', null, null);
  assert.equal(statuses(plan.evaluate(data))['B/T'], 'no_data', 'null makes a gap');
  data.setValue('E', '1', '2022', 'K', 1);
  assert.equal(data.length, 11, 'setValue adds a missing row');
  assert.equal(thrown(() => data.setValue('B', '1', '2022', 'T', Number.NaN)).type, 'data');

  const more = Observations.fromRows([{ indicator: 'C', entity: '1', period: '2023', value: 1 }], [
    { assignment: 'X1', period: '2023', status: 'done', comment: 'ok' },
  ]);
  const merged = copy.merge(more);
  assert.equal(merged.length, 11);
  assert.deepEqual(merged.assignments(), [{ assignment: 'X1', period: '2023', status: 'done', comment: 'ok' }]);
  const dup = thrown(() => merged.merge(Observations.fromRows([ROWS[0]])));
  assert.equal(dup.type, 'data');
  assert.match(dup.message, /duplicate value for `A`/);
});

test('freed objects give an error, not a crash', () => {
  const plan = Plan.fromFiles(FILES);
  const data = plan.data();
  data.free();
  const e = thrown(() => plan.evaluate(data));
  assert.ok(e instanceof Error);
  assert.equal(plan.evaluate().goals.length, 2, 'the module still works');
});

test('explain and required', () => {
  const plan = Plan.fromFiles(FILES);
  const x = plan.explain(null, 'C', { entity: '1', period: '2022' });
  assert.equal(x.result.status, 'attained');
  assert.equal(x.rule_source, TEN);
  assert.deepEqual(x.goals.map((g) => g.id), ['g2']);
  const women = plan.explain(null, 'A', { gender: 'K' });
  assert.equal(women.result.gender, 'K');
  const req = plan.required(null, 'D', {});
  assert.equal(req.status, 'not_attained');
  assert.equal(req.next_status, 'attained');
  assert.ok(Math.abs(req.required - 10) < 0.01, `required ${req.required}`);
  const unknown = thrown(() => plan.explain(null, 'NOPE', {}));
  assert.equal(unknown.type, 'query');
  assert.match(unknown.message, /no indicator `NOPE`/);
});

test('assess judges inputs given directly, agreeing with evaluate', () => {
  const plan = Plan.fromFiles(FILES);
  const report = plan.evaluate(null);
  for (const r of report.indicators.filter((x) => x.gender === 'T')) {
    const a = plan.assess(r.id, {
      value: r.value, period: r.period, target: r.target, history: r.history,
      national: r.national, percentile: r.percentile, previous: r.previous, municipal_mean: r.municipal_mean,
    });
    assert.deepEqual([a.status, a.reason], [r.status, r.reason], r.id);
  }
  // Core fills in what is not given: B's own target (100 in 2022), previous from the history.
  assert.equal(plan.targetFor('B', '2022'), 100);
  assert.equal(plan.targetFor('B', 2022), 100);
  assert.equal(plan.targetFor('B', '2030'), null);
  const b = plan.assess('B', { value: 95, period: '2022', history: [{ period: 2021, value: 90 }] });
  assert.deepEqual(
    { ...b, reason: undefined },
    { status: b.status, label: b.label, reason: undefined, score: b.score, period: '2022', target: 100, target_op: '<=', previous: 90 },
  );
  assert.equal(plan.assess('B', { value: 95, period: '2022', target: 100 }).status, b.status, 'the same target given');
  assert.equal(plan.assess('B', { period: '2022' }).status, 'no_data');
  // The period defaults to the plan's (2022).
  assert.deepEqual(plan.assess('B', { value: 95 }), plan.assess('B', { value: 95, period: 2022 }));
  assert.equal(thrown(() => plan.targetFor('NOPE', '2022')).message, 'the plan has no indicator `NOPE`');
  const peers = plan.assess('A', { value: 70, period: 2022, national: 75, peers: { values: [60, 80] } });
  assert.equal(peers.status, 'not_attained', peers.reason);
  assert.deepEqual(Object.keys(peers), ['status', 'label', 'reason', 'score', 'period', 'target', 'target_op', 'previous']);
  // A target written as a plan writes one is read by core: strictly below 100 is not 100.
  const strict = plan.assess('B', { value: 100, period: '2022', target: '< 100' });
  assert.deepEqual([strict.status, strict.target, strict.target_op], ['partly', 100, '<'], strict.reason);
  assert.equal(peers.period, '2022');
});

test('assessMany judges rows of one indicator in order, naming a refused row', () => {
  const plan = Plan.fromFiles(FILES);
  const rows = [{ value: 95, period: '2022' }, { period: 2022 }, { value: 95, period: '2022', target: 90 }];
  const many = plan.assessMany('B', rows);
  assert.deepEqual(many, rows.map((r) => plan.assess('B', r)));
  assert.deepEqual(many.map((a) => a.target), [100, 100, 90]);
  assert.equal(many[1].status, 'no_data');
  assert.deepEqual(plan.assessMany('B', []), []);
  const e = thrown(() => plan.assessMany('B', [rows[0], { value: 1, period: '2022', percentile: 2 }]));
  assert.equal(e.type, 'query');
  assert.equal(e.row, 2);
  assert.match(e.message, /^`percentile` is 2/);
  assert.match(thrown(() => plan.assessMany('B', [{ valeu: 1 }])).message, /^`rows\[0\]\.valeu`: unknown field `valeu`, expected one of /);
  assert.equal(thrown(() => plan.assessMany('NOPE', rows)).message, 'the plan has no indicator `NOPE`');
});

test('assess refuses bad inputs with a query error naming the field', () => {
  const plan = Plan.fromFiles(FILES);
  const cases = [
    [['NOPE', { value: 1, period: '2022' }], /no indicator `NOPE`/],
    [['A', { value: NaN, period: '2022' }], /^`value` is NaN, not a finite number$/],
    [['A', { value: 1, period: '2022', national: Infinity }], /^`national` is inf, not a finite number$/],
    [['A', { value: '1', period: '2022' }], /^`inputs.value`: invalid type: string "1", expected /],
    [['A', { value: 1, period: '2022', percentile: 2 }], /^`percentile` is 2: it is a position from 0/],
    [['A', { value: 1, period: '2022', colour: 'red' }], /^`inputs.colour`: unknown field `colour`, expected one of `value`, `period`/],
    [['A', { value: 1, period: '2022', history: [{ period: '2021' }] }], /^`inputs.history\[0\]`: missing field `value`$/],
    [['A', { value: 1, period: '2022', history: {} }], /^`inputs.history`: invalid type: map, expected a sequence$/],
    [['A', { value: 1, period: '2022', peers: { values: [1, 'x'] } }], /^`inputs.peers.values\[1\]`: invalid type: string "x", expected f64$/],
    [['A', { value: 1, period: '2022', peers: { count: -1 } }], /^`inputs.peers.count`: invalid value: integer `-1`, expected usize$/],
    [['A', { value: 1, period: '2023-13' }], /^`inputs.period`: period `2023-13` is not a year/],
    [['A', null], /^`inputs`: invalid type: null, expected struct AssessRequest$/],
  ];
  for (const [args, message] of cases) {
    const e = thrown(() => plan.assess(...args));
    assert.ok(e instanceof Error, String(e));
    assert.equal(e.type, 'query', `${message}: ${e.type} ${e.message}`);
    assert.match(e.message, message);
  }
});

test('renderHtml and render use core renderers', () => {
  const report = Plan.fromFiles(FILES).evaluate();
  const html = renderHtml(report);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<tr class="ind" data-id="B" data-status="partly">/);
  assert.equal(renderHtml(JSON.stringify(report)), html, 'the JSON text works too');
  assert.match(render(report, 'md'), /\| Cost \|/);
  assert.equal(JSON.parse(render(report, 'json')).schema, 'attain-report/1');
  assert.equal(thrown(() => render(report, 'pdf')).type, 'query');
  const bad = thrown(() => renderHtml({ schema: 'x' }));
  assert.equal(bad.type, 'data');
  assert.match(bad.message, /not an attain report/);
});

test('outline and files describe the plan', () => {
  const plan = Plan.fromFiles(FILES);
  const o = plan.outline();
  assert.equal(o.id, 'small');
  assert.deepEqual(o.goals.map((g) => g.id), ['g1', 'g2']);
  assert.deepEqual(
    o.indicators.map((i) => [i.id, i.rule]),
    [['A', 'reference'], ['B', 'target'], ['C', 'rules/ten.rhai'], ['D', 'rules/ten.rhai']],
  );
  assert.deepEqual(plan.files(), FILES);
  assert.ok(Plan.fromFiles(new Map(Object.entries(FILES))), 'a Map works too');
});

test('version names the report schema', () => {
  assert.deepEqual(version(), { binding: '0.1.0', schema: 'attain-report/1' });
});

// ------------------------------------------------------------------ errors

test('a bad plan.toml throws an Error with type, file, line and column', () => {
  const e = thrown(() => Plan.fromFiles({ 'plan.toml': '[plan]\nid = "x"\ntitle = "X"\ncolour = "red"\n' }));
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'AttainError');
  assert.equal(e.type, 'plan');
  assert.match(e.message, /unknown field `colour`/);
  assert.equal(e.file, 'plan.toml');
  assert.equal(e.line, 4);
  assert.equal(e.column, 1);
  assert.equal(e.row, null);
  const dup = thrown(() => Plan.fromFiles({ 'plan.toml': PLAN_TOML.replace('id = "B"', 'id = "A"'), 'rules/ten.rhai': TEN }));
  assert.equal(dup.message, 'indicator `A` is defined twice');
  assert.equal(dup.line, PLAN_TOML.split('\n').indexOf('id = "B"') + 1);
  assert.equal(thrown(() => Plan.fromFiles({})).message, 'the plan has no `plan.toml`');
  assert.equal(thrown(() => Plan.fromFiles('plan.toml')).type, 'plan');
  assert.match(thrown(() => Plan.fromFiles({ 'plan.toml': 5 })).message, /the text of `plan.toml` must be a string/);
});

test('bad CSV throws a data error with file, line and row', () => {
  const plan = Plan.fromFiles(FILES);
  const e = thrown(() => Observations.fromCsv('indicator,entity,period,value\nA,1,2022,80\nB,1,2022,many\n'));
  assert.equal(e.type, 'data');
  assert.equal(e.message, 'value `many` is not a number (nor empty, `-`, `..` or `.`)');
  assert.equal(e.file, 'data.csv');
  assert.equal(e.line, 3);
  assert.equal(e.row, 2);
  const named = thrown(() => Observations.fromCsv('indicator,entity\nA\n', 'mine.csv'));
  assert.equal(named.file, 'mine.csv');
  assert.equal(thrown(() => Observations.fromCsv('')).message, 'the file is empty (it needs at least a header row)');
  const bundled = thrown(() => Plan.fromFiles({ ...FILES, 'data/values.csv': CSV + 'C,1,2023,T,x\n' }).evaluate());
  assert.equal(bundled.file, 'data/values.csv');
  assert.equal(bundled.row, 11);
});

test('bad host rows name the row and no file', () => {
  const plan = Plan.fromFiles(FILES);
  const cases = [
    [[ROWS[0], { indicator: 'A', entity: '1' }], 2, /the row has no `period`/],
    [[{ ...ROWS[0], colour: 'red' }], 1, /unknown field `colour`/],
    [[ROWS[0], ROWS[1], { ...ROWS[0], value: 1 }], 3, /duplicate value for `A`, entity `1`, period `2022`, gender T \(first at row 1\)/],
    [[{ ...ROWS[0], value: Number.POSITIVE_INFINITY }], 1, /not a finite number/],
    [[{ ...ROWS[0], value: 'eighty' }], 1, /value `eighty` is not a number/],
    [[{ ...ROWS[0], gender: 'X' }], 1, /gender `X` is not T, K or M/],
    [[null], 1, /a row must be an object/],
  ];
  for (const [rows, row, message] of cases) {
    const e = thrown(() => Observations.fromRows(rows));
    assert.equal(e.type, 'data', e.message);
    assert.equal(e.row, row, e.message);
    assert.equal(e.file, null, e.message);
    assert.match(e.message, message);
  }
  // One vocabulary with JSON rows: a value given as text is read as a CSV cell is.
  assert.equal(Observations.fromRows([{ ...ROWS[0], value: '80' }]).rows()[0].value, 80);
  const follow = thrown(() => Observations.fromRows([], [{ assignment: 'X', period: '2023', status: 'finished' }]));
  assert.equal(follow.type, 'data');
  assert.equal(follow.row, 1);
  assert.equal(thrown(() => plan.evaluate(42)).type, 'data');
});

test('a rule syntax error names the script, line and column', () => {
  const e = thrown(() => Plan.fromFiles({ ...FILES, 'rules/ten.rhai': 'if value == () { return no_data("x"); }\nlet x = ;\n' }));
  assert.equal(e.type, 'rule');
  assert.match(e.message, /^script does not compile/);
  assert.equal(e.file, 'rules/ten.rhai');
  assert.equal(e.line, 2);
  assert.equal(e.column, 9);
  const missing = thrown(() => Plan.fromFiles({ 'plan.toml': PLAN_TOML }));
  assert.equal(missing.type, 'plan');
  assert.match(missing.message, /script `rules\/ten.rhai` does not exist/);
  assert.equal(missing.file, 'plan.toml');
  assert.ok(missing.line > 1);
});

test('an endless loop gives its indicator status error; the rest keeps its statuses', () => {
  const looping = { ...FILES, 'plan.toml': PLAN_TOML.replace('id = "D"\ntitle = "Followed"\nrule = "rules/ten.rhai"', 'id = "D"\ntitle = "Followed"\nrule = "rules/loop.rhai"'), 'rules/loop.rhai': 'let n = 0;\nloop {\n    n += 1;\n}\n' };
  assert.notEqual(looping['plan.toml'], PLAN_TOML);
  const report = Plan.fromFiles(looping).evaluate();
  const d = report.indicators.find((r) => r.id === 'D');
  assert.equal(d.status, 'error');
  assert.equal(d.error.type, 'rule');
  assert.equal(d.error.file, 'rules/loop.rhai');
  assert.match(d.error.message, /limit of \d+ operations/);
  assert.deepEqual(statuses(report), { ...EXPECTED, 'D/T': 'error' });
  assert.deepEqual(goalStatuses(report), { g1: 'partly', g2: 'attained' });
});

test('other sandbox limits: a growing string and deep recursion are errors, not crashes', () => {
  const scripts = {
    'rules/grow.rhai': 'let s = "x";\nloop { s += s; }\n',
    'rules/recurse.rhai': 'fn f(n) { f(n + 1) }\nf(0)\n',
    'rules/wrong.rhai': '42\n',
  };
  for (const [path, text] of Object.entries(scripts)) {
    const files = { ...FILES, 'plan.toml': PLAN_TOML.replace(/rule = "rules\/ten.rhai"\n$/, `rule = "${path}"\n`), [path]: text };
    const report = Plan.fromFiles(files).evaluate();
    assert.equal(statuses(report)['D/T'], 'error', path);
    assert.equal(statuses(report)['C/T'], 'attained', path);
  }
});

test('no input makes it panic: odd arguments all throw AttainError and the module lives on', () => {
  const plan = Plan.fromFiles(FILES);
  const odd = [undefined, null, 0, -1, 1e300, Number.NaN, '', ' ', '\u0000', '{', '[', '[1]', '{"values": 3}', true, [], [[]], [{}], {}, { observations: 5 }, Symbol.iterator, () => 1, new Map(), new Uint8Array(3)];
  for (const data of odd) {
    for (const call of [
      () => plan.evaluate(data, data),
      () => plan.explain(data, 'A', data),
      () => plan.required(data, 'A', data),
      () => plan.evaluateMany(data, data, data),
      () => Plan.fromFiles(data),
      () => renderHtml(data),
      () => runRuleTests(data),
      () => check(plan, data),
      () => Observations.fromRows(data, data),
    ]) {
      try {
        call();
      } catch (e) {
        assert.equal(e?.name, 'AttainError', `${String(call)} with ${String(data)}: ${e?.stack ?? e}`);
        assert.ok(['plan', 'rule', 'data', 'query', 'test', 'io'].includes(e.type));
      }
    }
  }
  assert.deepEqual(statuses(plan.evaluate()), EXPECTED);
});

test('deeply nested input is an error, not a stack overflow', () => {
  const plan = (toml, rule) => () => Plan.fromFiles({ 'plan.toml': toml, 'rules/ten.rhai': rule });
  const deep = [
    [plan(PLAN_TOML + 'x = ' + '['.repeat(20000) + ']'.repeat(20000) + '\n', TEN), 'plan'],
    [plan(PLAN_TOML, '('.repeat(50000) + '1' + ')'.repeat(50000)), 'rule'],
    [plan(PLAN_TOML, 'if true { '.repeat(5000) + '1' + ' }'.repeat(5000)), 'rule'],
    [() => Observations.fromJson('['.repeat(100000)), 'data'],
    [() => runRuleTests({ 'a.test.toml': 'x = ' + '['.repeat(20000) }), 'test'],
  ];
  for (const [call, type] of deep) {
    const e = thrown(call);
    assert.equal(e.name, 'AttainError', e.stack);
    assert.equal(e.type, type, e.message);
  }
  assert.deepEqual(statuses(Plan.fromFiles(FILES).evaluate()), EXPECTED);
});

// ------------------------------------------------------------------ rule tests and checks

test('runRuleTests: coverage of the rule scripts, as the CLI and Python give it', () => {
  const tests = '[[case]]\nname = "ten"\nrule = "rules/ten.rhai"\nvalue = 10\nexpect = "attained"\n';
  const files = { ...FILES, 'tests/ten.test.toml': tests };
  assert.equal(runRuleTests(files, { coverage: false }).coverage, undefined);
  const cov = runRuleTests(files, { coverage: true }).coverage;
  const ten = cov.scripts.find((s) => s.file === 'rules/ten.rhai');
  assert.ok(ten, JSON.stringify(cov));
  assert.ok(ten.lines.length > 0 && ten.run.length > 0, JSON.stringify(ten));
  assert.equal(cov.run, cov.scripts.reduce((n, s) => n + s.run.length, 0));
  assert.match(thrown(() => runRuleTests(files, { coverag: true })).message, /unknown field `coverag`/);
});

test('runRuleTests: mutants of the rule scripts, as the CLI and Python give them', () => {
  const tests = '[[case]]\nname = "ten"\nrule = "rules/ten.rhai"\nvalue = 10\nexpect = "attained"\n';
  const files = { ...FILES, 'tests/ten.test.toml': tests };
  assert.equal(runRuleTests(files).mutants, undefined);
  const m = runRuleTests(files, { mutants: true }).mutants;
  const ten = m.mutants.filter((x) => x.file === 'rules/ten.rhai');
  assert.ok(ten.length > 0, JSON.stringify(m));
  assert.equal(m.killed + m.survived + m.unviable + m.equivalent, m.mutants.length);
  assert.equal(m.score, m.killed / (m.killed + m.survived));
  for (const x of ten) assert.ok(['killed', 'survived'].includes(x.status) && x.line > 0 && x.column > 0, JSON.stringify(x));
});

test('runRuleTests runs test files with their plan', () => {
  const tests = `[[case]]
name = "ten is attained"
rule = "rules/ten.rhai"
value = 10
expect = "attained"

[[case]]
name = "nine is not"
rule = "rules/ten.rhai"
value = 9
expect = "not_attained"
expect_reason_contains = "below"

[[case]]
name = "wrong on purpose"
rule = "rules/ten.rhai"
value = 9
expect = "attained"
`;
  const report = runRuleTests({ ...FILES, 'tests/ten.test.toml': tests });
  assert.equal(report.passed, 2);
  assert.equal(report.failed, 1);
  assert.deepEqual(report.cases.map((c) => [c.name, c.passed, c.line]), [
    ['ten is attained', true, 1],
    ['nine is not', true, 7],
    ['wrong on purpose', false, 14],
  ]);
  const failed = report.cases[2];
  assert.equal(failed.file, 'tests/ten.test.toml');
  assert.equal(failed.got, 'not_attained');
  const bad = thrown(() => runRuleTests({ 'x.test.toml': '[[case]]\nname = "x"\nrule = "target"\nvalu = 3\nexpect = "attained"\n' }));
  assert.equal(bad.type, 'test');
  assert.equal(bad.file, 'x.test.toml');
  assert.equal(bad.line, 4);
  assert.equal(thrown(() => runRuleTests(FILES)).message, 'no `*.test.toml` files given');
});

test('check finds no failure in sound rules and is deterministic', () => {
  const plan = Plan.fromFiles(FILES);
  const a = check(plan, { cases: 30, seed: 7 });
  assert.equal(a.indicators, 4);
  assert.ok(a.evaluations > 0);
  assert.deepEqual(a.failures, []);
  assert.deepEqual(check(plan, { cases: 30, seed: 7 }), a);
  const broken = Plan.fromFiles({ ...FILES, 'rules/ten.rhai': 'if value == () { return no_data("x"); }\nif value >= 10.0 { not_attained("high") } else { attained("low") }\n' });
  const failures = check(broken, { cases: 50 }).failures;
  assert.ok(failures.some((f) => f.indicator === 'C' && f.property === 'monotone'), JSON.stringify(failures));
  assert.equal(thrown(() => check(plan, { case: 3 })).type, 'query');
});

// ------------------------------------------------------------------ Östersund

test('the Östersund plan: eight goals with statuses, its rule tests pass', () => {
  const files = readPlanDir(OSTERSUND);
  const plan = Plan.fromFiles(files);
  const report = plan.evaluate();
  assert.equal(report.entity, '2380');
  assert.equal(report.entity_name, 'Östersund');
  assert.equal(report.plan.language, 'sv');
  assert.equal(report.goals.length, 8);
  const levels = new Set([...report.scale.levels.map((l) => l.id), 'no_data']);
  for (const g of report.goals) assert.ok(levels.has(g.status), `goal ${g.id}: ${g.status} (${g.reason})`);
  assert.ok(report.indicators.every((r) => r.status !== 'error'), 'no rule of the plan fails');
  const tests = runRuleTests(files);
  assert.equal(tests.failed, 0, JSON.stringify(tests.cases.filter((c) => !c.passed), null, 1));
  assert.ok(tests.passed > 10, `${tests.passed} rule tests`);
});
