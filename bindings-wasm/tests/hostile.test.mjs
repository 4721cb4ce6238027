// Hostile arguments: every exported function and method, given values of the wrong type, huge
// arrays or texts, throws an AttainError naming the argument (never a WebAssembly trap), and a
// trap, should one happen, becomes an `internal` error after which the module works again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Observations,
  OSTERSUND,
  Plan,
  __attainInternal,
  check,
  readPlanDir,
  render,
  renderHtml,
  runRuleTests,
  version,
} from './helpers.mjs';

const FILES = readPlanDir(OSTERSUND);
const PLAN = Plan.fromFiles(FILES);
const IND = PLAN.outline().indicators[0].id;
const REPORT = PLAN.evaluate();
const LOADED = __attainInternal.generation;
const TYPES = ['plan', 'rule', 'data', 'query', 'test', 'io'];

/** Values of each wrong type, by the name the errors give the type. */
const BAD = [
  ['number', 0],
  ['null', null],
  ['undefined', undefined],
  ['object', {}],
  ['array', []],
  ['symbol', Symbol('hostile')],
  ['bigint', 10n],
];

function statuses(report) {
  const out = {};
  for (const g of report.goals) for (const i of g.indicators) out[`${i.id}/${i.gender}`] = i.status;
  return out;
}

/** Runs `fn`, which must throw an AttainError; returns it. */
function attainError(fn, what) {
  let e;
  try {
    fn();
  } catch (caught) {
    e = caught;
  }
  assert.ok(e !== undefined, `${what}: expected an error, but it returned`);
  assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: trapped: ${e?.message}`);
  assert.equal(e?.name, 'AttainError', `${what}: ${e?.stack ?? String(e)}`);
  return e;
}

const obs = () => Observations.fromCsv('indicator,entity,period,value\nA,1,2022,1\n');

// Each case: a name, the call with the hostile value `v`, and for a type name the expected
// [type, message] (a RegExp or a string the message must equal), or null where that type is valid.
const mustBe = (type, arg, what) => (t) => [type, `\`${arg}\` must be ${what}, got ${t}`];
/** How serde names each hostile value's type (core's request types); symbols and bigints are not carried at all. */
const SERDE = { number: 'integer `0`', null: 'null', undefined: 'null', object: 'map', array: 'sequence' };
const notRequest = (arg, expected) => (t) =>
  SERDE[t] === undefined
    ? ['query', `\`${arg}\` must be a number, a string, an array or an object, got ${t}`]
    : ['query', `\`${arg}\`: invalid type: ${SERDE[t]}, expected ${expected}`];
const accept = (valid, expect) => (t) => (valid.includes(t) ? null : expect(t));
// (the indicator, given apart, is added to the query: an array is then too short a struct)
const indicatorQuery = (t) =>
  t === 'array' ? ['query', '`query`: invalid length 0, expected struct IndicatorRequest with 4 elements'] : notRequest('query', 'struct IndicatorRequest')(t);
const CASES = [
  ['Plan.fromFiles(files)', (v) => Plan.fromFiles(v),
    accept([], (t) => (t === 'object' ? ['plan', /plan\.toml/] : ['plan', `plan files must be an object of path to text, got ${t}`]))],
  ['Plan.fromFiles({plan.toml: text})', (v) => Plan.fromFiles({ 'plan.toml': v }),
    (t) => ['plan', `the text of \`plan.toml\` must be a string, got ${t}`]],
  ['plan.evaluate(data)', (v) => PLAN.evaluate(v),
    accept(['null', 'undefined'], (t) => ['data', `\`data\` must be an Observations or null (the plan's own data), got ${t}`])],
  // (serde reads a struct from an array too, field by field: `[]` is the empty query)
  ['plan.evaluate(null, query)', (v) => PLAN.evaluate(null, v),
    accept(['null', 'undefined', 'object', 'array'], notRequest('query', 'struct EvaluateRequest'))],
  ['plan.evaluateMany(null, entities)', (v) => PLAN.evaluateMany(null, v, ['2023']),
    accept(['array'], notRequest('entities', 'a sequence'))],
  ['plan.evaluateMany(null, [], periods)', (v) => PLAN.evaluateMany(null, ['2380'], v),
    accept(['array'], notRequest('periods', 'a sequence'))],
  ['plan.explain(null, indicator)', (v) => PLAN.explain(null, v), mustBe('query', 'indicator', 'a string')],
  ['plan.explain(null, id, query)', (v) => PLAN.explain(null, IND, v),
    accept(['null', 'undefined', 'object'], indicatorQuery)],
  ['plan.required(null, indicator)', (v) => PLAN.required(null, v), mustBe('query', 'indicator', 'a string')],
  ['plan.required(null, id, query)', (v) => PLAN.required(null, IND, v),
    accept(['null', 'undefined', 'object'], indicatorQuery)],
  ['plan.assess(indicator)', (v) => PLAN.assess(v, { value: 1, period: '2023' }), mustBe('query', 'indicator', 'a string')],
  ['plan.assess(id, inputs)', (v) => PLAN.assess(IND, v), accept(['object', 'array'], notRequest('inputs', 'struct AssessRequest'))],
  ['plan.assess(id, {history})', (v) => PLAN.assess(IND, { value: 1, period: '2023', history: v }),
    accept(['null', 'undefined', 'array'], notRequest('inputs.history', 'a sequence'))],
  ['plan.assess(id, {peers: {values}})', (v) => PLAN.assess(IND, { value: 1, period: '2023', peers: { values: v } }),
    accept(['null', 'undefined', 'array'], notRequest('inputs.peers.values', 'a sequence'))],
  ['plan.assessMany(indicator)', (v) => PLAN.assessMany(v, []), mustBe('query', 'indicator', 'a string')],
  ['plan.assessMany(id, rows)', (v) => PLAN.assessMany(IND, v), accept(['array'], notRequest('rows', 'a sequence'))],
  ['plan.targetFor(indicator)', (v) => PLAN.targetFor(v, '2023'), mustBe('query', 'indicator', 'a string')],
  ['plan.targetFor(id, period)', (v) => PLAN.targetFor(IND, v), (t) => ['query', /^`period`/]],
  ['Observations.fromRows(rows)', (v) => Observations.fromRows(v), accept(['array'], mustBe('data', 'rows', 'an array'))],
  ['Observations.fromRows([], assignments)', (v) => Observations.fromRows([], v),
    accept(['null', 'undefined', 'array'], mustBe('data', 'assignments', 'an array'))],
  ['Observations.fromCsv(text)', (v) => Observations.fromCsv(v), mustBe('data', 'text', 'a string')],
  ['Observations.fromCsv(text, file)', (v) => Observations.fromCsv('indicator,entity,period,value\n', v),
    accept(['null', 'undefined'], mustBe('data', 'file', 'a string'))],
  ['Observations.fromJson(text)', (v) => Observations.fromJson(v), mustBe('data', 'text', 'a string')],
  ['Observations.fromJson(text, file)', (v) => Observations.fromJson('[]', v), accept(['null', 'undefined'], mustBe('data', 'file', 'a string'))],
  ['obs.merge(other)', (v) => obs().merge(v), mustBe('data', 'other', 'an Observations')],
  ['obs.setValue(indicator)', (v) => obs().setValue(v, '1', '2022', 'T', 1), mustBe('query', 'indicator', 'a string')],
  ['obs.setValue(_, entity)', (v) => obs().setValue('A', v, '2022', 'T', 1), accept(['number'], mustBe('query', 'entity', 'a string'))],
  ['obs.setValue(_, _, period)', (v) => obs().setValue('A', '1', v, 'T', 1), accept(['number'], mustBe('query', 'period', 'a string'))],
  ['obs.setValue(_, _, _, gender)', (v) => obs().setValue('A', '1', '2022', v, 1),
    accept(['null', 'undefined'], mustBe('query', 'gender', 'a string'))],
  ['obs.setValue(_, _, _, _, value)', (v) => obs().setValue('A', '1', '2022', 'T', v),
    accept(['null', 'undefined', 'number'], mustBe('data', 'value', 'a number or null'))],
  ['renderHtml(report)', (v) => renderHtml(v),
    (t) => ['data', t === 'object' ? /^not an attain report: missing field/ : `not an attain report: \`report\` must be a report object or its JSON text, got ${t}`]],
  ['render(report)', (v) => render(v, 'md'),
    (t) => ['data', t === 'object' ? /^not an attain report: missing field/ : `not an attain report: \`report\` must be a report object or its JSON text, got ${t}`]],
  ['render(report, format)', (v) => render(REPORT, v), mustBe('query', 'format', 'a string')],
  ['runRuleTests(files)', (v) => runRuleTests(v),
    accept(['object'], (t) => ['plan', `plan files must be an object of path to text, got ${t}`])],
  ['check(plan)', (v) => check(v, { cases: 1 }), mustBe('plan', 'plan', 'a Plan')],
  ['check(plan, options)', (v) => check(PLAN, v), // (the valid ones run 200 cases: skipped)
    (t) => (['null', 'undefined', 'object', 'array'].includes(t) ? undefined : notRequest('options', 'struct CheckRequest')(t))],
  ['check(plan, {cases})', (v) => check(PLAN, { cases: v }),
    (t) => (['null', 'undefined', 'number'].includes(t) ? (t === 'number' ? null : undefined) : notRequest('options.cases', 'usize')(t))],
];

// Methods called on something that is not their object (`this`).
const PLAN_METHODS = ['evaluate', 'evaluateMany', 'explain', 'required', 'assess', 'assessMany', 'targetFor', 'data', 'outline', 'files'];
const OBS_METHODS = ['merge', 'setValue', 'clone', 'rows', 'assignments'];
for (const m of PLAN_METHODS) {
  CASES.push([`Plan.prototype.${m} on this`, (v) => Plan.prototype[m].call(v), (t) => ['plan', `\`this\` must be a Plan, got ${t}`]]);
}
for (const m of OBS_METHODS) {
  CASES.push([`Observations.prototype.${m} on this`, (v) => Observations.prototype[m].call(v),
    (t) => ['data', `\`this\` must be an Observations, got ${t}`]]);
}
CASES.push(['Observations length on this', (v) => Reflect.get(Observations.prototype, 'length', v),
  (t) => ['data', `\`this\` must be an Observations, got ${t}`]]);

test('every export checks its arguments: a wrong type is an AttainError naming the argument, never a trap', () => {
  const before = __attainInternal.generation;
  let checked = 0;
  for (const [name, call, expect] of CASES) {
    for (const [t, v] of BAD) {
      const want = expect(t);
      const what = `${name} with ${t}`;
      if (want === undefined) continue;
      if (want === null) {
        try {
          call(v);
        } catch (e) {
          assert.equal(e?.name, 'AttainError', `${what}: ${e?.stack ?? e}`);
          assert.ok(TYPES.includes(e.type), what);
        }
        continue;
      }
      const e = attainError(() => call(v), what);
      const [type, message] = want;
      assert.equal(e.type, type, `${what}: ${e.message}`);
      if (message instanceof RegExp) assert.match(e.message, message, what);
      else assert.equal(e.message, message, what);
      checked += 1;
    }
  }
  assert.ok(checked > 250, `only ${checked} wrong-type calls checked`);
  assert.equal(__attainInternal.generation, before, 'no call trapped the instance');
  assert.deepEqual(statuses(PLAN.evaluate()), statuses(REPORT));
});

test('the reproducers of issue 10 throw instead of trapping', () => {
  const cases = [
    [() => PLAN.targetFor(0, 2023), 'query', '`indicator` must be a string, got number'],
    [() => Observations.fromCsv(0), 'data', '`text` must be a string, got number'],
    [() => PLAN.assess(0, { value: 1, period: '2023' }), 'query', '`indicator` must be a string, got number'],
  ];
  for (const [call, type, message] of cases) {
    const e = attainError(call, String(call));
    assert.equal(e.type, type);
    assert.equal(e.message, message);
  }
  assert.equal(__attainInternal.generation, LOADED, 'nothing trapped since the module loaded');
});

test('huge arrays and texts are errors naming the argument, not allocations that trap', () => {
  const huge = new Array(2 ** 28); // sparse: no memory, but a length that once reserved 16 GB
  const limit = '16777216';
  const cases = [
    [() => Observations.fromRows(huge), 'data', `\`rows\` has 268435456 items, more than the limit of ${limit}`],
    [() => Observations.fromRows([], huge), 'data', `\`assignments\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.evaluateMany(null, huge, ['2023']), 'query', `\`entities\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.evaluateMany(null, ['2380'], new Array(2 ** 32 - 1)), 'query', `\`periods\` has 4294967295 items, more than the limit of ${limit}`],
    [() => PLAN.evaluate(null, { genders: huge }), 'query', `\`query.genders\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.assess(IND, { value: 1, period: '2023', history: huge }), 'query',
      `\`inputs.history\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.assess(IND, { value: 1, period: '2023', peers: { values: huge } }), 'query',
      `\`inputs.peers.values\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.assessMany(IND, huge), 'query', `\`rows\` has 268435456 items, more than the limit of ${limit}`],
    [() => PLAN.assess(IND, { value: 1, period: 'x'.repeat(64 * 2 ** 20 + 1) }), 'query',
      '`inputs.period` has 67108865 characters, more than the limit of 67108864'],
  ];
  for (const [call, type, message] of cases) {
    const e = attainError(call, message);
    assert.equal(e.type, type, e.message);
    assert.equal(e.message, message);
  }
  const many = attainError(() => check(PLAN, { cases: 1e6 }), 'cases');
  assert.equal(many.type, 'query');
  assert.equal(many.message, '`cases` must be at most 100000, got 1000000');
  // Within the limit, a sparse array fails at its first hole, naming the row.
  const hole = attainError(() => Observations.fromRows(new Array(2 ** 24)), 'sparse rows');
  assert.equal(hole.type, 'data');
  assert.equal(hole.row, 1);
  assert.equal(hole.message, 'a row must be an object, got undefined');
  const text = 'x'.repeat(64 * 2 ** 20 + 1);
  const long = attainError(() => Observations.fromCsv(text, 'big.csv'), 'long text');
  assert.equal(long.type, 'data');
  assert.equal(long.message, '`text` has 67108865 characters, more than the limit of 67108864');
  assert.equal(__attainInternal.generation, LOADED, 'nothing trapped');
});

test('a getter that throws, a Proxy or a cyclic report is an error, not an unwinding through wasm', () => {
  const throwing = { get indicator() { throw new Error('boom'); }, entity: '1', period: '2022' };
  const row = attainError(() => Observations.fromRows([throwing]), 'throwing getter');
  assert.equal(row.type, 'data');
  assert.equal(row.row, 1);
  assert.equal(row.message, 'the row has no `indicator`');
  const proxy = new Proxy({}, { ownKeys() { throw new Error('boom'); } });
  const p = attainError(() => Observations.fromRows([proxy]), 'proxy');
  assert.equal(p.row, 1);
  assert.equal(p.message, 'the row has no `indicator`');
  const cyclic = {};
  cyclic.self = cyclic;
  const c = attainError(() => renderHtml(cyclic), 'cyclic');
  assert.equal(c.type, 'data');
  assert.equal(c.message, 'not an attain report: `report` must be a report object or its JSON text, got object');
  assert.equal(
    attainError(() => PLAN.evaluate(null, { entity: 10n }), 'bigint entity').message,
    '`query.entity` must be a number, a string, an array or an object, got bigint',
  );
  // Requests are read with the same guarded reads: a throwing getter, a cycle.
  const getter = attainError(() => PLAN.assess(IND, { get value() { throw new Error('boom'); } }), 'throwing getter in inputs');
  assert.equal(getter.type, 'query');
  assert.equal(getter.message, 'cannot read `inputs.value`');
  const loop = { period: '2023' };
  loop.self = loop;
  const deep = attainError(() => PLAN.evaluate(null, loop), 'cyclic query');
  assert.equal(deep.message, `\`query${'.self'.repeat(32)}\` nests more than 32 levels deep`);
  assert.equal(__attainInternal.generation, LOADED, 'nothing trapped');
});

test('freed objects are named errors', () => {
  const plan = Plan.fromFiles(FILES);
  const data = plan.data();
  plan.free();
  data.free();
  const p = attainError(() => plan.outline(), 'freed plan');
  assert.equal(p.type, 'plan');
  assert.equal(p.message, 'this plan was freed');
  const d = attainError(() => PLAN.evaluate(data), 'freed observations');
  assert.equal(d.type, 'data');
  assert.equal(d.message, 'these observations were freed');
  assert.throws(() => new Plan(), TypeError);
});

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('junk: thousands of random arguments each give a result or a named error, never a trap', () => {
  const rand = rng(20231);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const ids = [IND, '2380', '2023', '2022', 'T', 'K', '', ' ', 'md', 'html', 'x'];
  const fields = ['indicator', 'entity', 'period', 'gender', 'value', 'count', 'missing', 'source', 'history', 'peers',
    'values', 'mean', 'target', 'observations', 'assignments', 'status', 'assignment', 'genders', 'cases', 'seed', 'plan.toml'];
  const junk = (depth = 0) => {
    const r = rand();
    if (r < 0.12) return pick(ids);
    if (r < 0.24) return pick([0, -1, 1.5, 2023, 2 ** 53, 1e308, -0, Number.NaN, Infinity, 4294967296]);
    if (r < 0.3) return pick([null, undefined, true, false]);
    if (r < 0.34) return pick([Symbol('j'), 10n, -(2n ** 70n), () => 1, new Map([['plan.toml', 'x']]), new Uint8Array(4), new Date(0)]);
    if (r < 0.38) return pick([new Array(2 ** 28), new Array(3), 'indicator,entity,period,value\nA,1,2022,1\n', '[]', '{"observations": 5}']);
    if (depth > 2) return pick(ids);
    if (r < 0.65) {
      const a = [];
      for (let i = Math.floor(rand() * 4); i > 0; i--) a.push(junk(depth + 1));
      return a;
    }
    const o = {};
    for (let i = Math.floor(rand() * 5); i > 0; i--) o[pick(fields)] = junk(depth + 1);
    if (rand() < 0.5) Object.assign(o, { indicator: IND, entity: '2380', period: '2023', value: rand() * 100 });
    return o;
  };
  const validRow = () => ({ indicator: IND, entity: '2380', period: pick(['2022', '2023']), value: rand() * 100 });
  const calls = [
    () => PLAN.evaluate(junk(), junk()),
    () => PLAN.evaluate(pick([null, [validRow(), validRow()]]), pick([undefined, { period: '2023' }, junk()])),
    () => PLAN.evaluateMany(pick([null, junk()]), junk(), junk()),
    () => PLAN.explain(junk(), pick([IND, junk()]), junk()),
    () => PLAN.required(pick([null, junk()]), pick([IND, junk()]), junk()),
    () => PLAN.assess(pick([IND, junk()]), junk()),
    () => PLAN.assessMany(pick([IND, junk()]), pick([[junk(), junk()], junk()])),
    () => PLAN.assess(IND, { value: pick([1, 50, junk()]), period: pick(['2023', junk()]), target: pick([undefined, 10, junk()]) }),
    () => PLAN.targetFor(pick([IND, junk()]), junk()),
    () => Plan.fromFiles(junk()),
    () => Observations.fromRows(junk(), junk()),
    () => Observations.fromRows([validRow(), pick([validRow(), junk()])]),
    () => Observations.fromCsv(junk(), junk()),
    () => Observations.fromJson(junk(), junk()),
    () => obs().merge(junk()),
    () => obs().setValue(junk(), junk(), junk(), junk(), junk()),
    () => obs().setValue('A', '1', '2022', pick(['T', 'K', junk()]), pick([2, null, junk()])),
    () => renderHtml(pick([REPORT, junk()])),
    () => render(pick([REPORT, junk()]), pick(['md', 'csv', junk()])),
    () => runRuleTests(junk()),
    // (`check` runs 23 ms a case on this plan: options with at most one case, or not an object)
    () => check(pick([PLAN, junk()]), pick([{ cases: pick([0, 1]), seed: junk() }, { cases: pick([-1, 1.5, 2 ** 53, 1e308, Number.NaN, '1', [], 10n]) }, pick(ids), 10n])),
  ];
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < 4000; i++) {
    const call = pick(calls);
    try {
      call();
      ok += 1;
    } catch (e) {
      assert.equal(e?.name, 'AttainError', `call ${i} (${String(call)}): ${e?.stack ?? String(e)}`);
      assert.ok(TYPES.includes(e.type), `call ${i}: type ${e.type}: ${e.message}`);
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length > 0 && !e.message.endsWith('.'), e.message);
      failed += 1;
    }
  }
  assert.ok(ok > 200, `only ${ok} calls returned`);
  assert.ok(failed > 200, `only ${failed} calls failed`);
  assert.equal(__attainInternal.generation, LOADED, 'no junk call trapped the instance');
  assert.deepEqual(statuses(PLAN.evaluate()), statuses(REPORT));
});

// Last: it restarts the module, which makes PLAN above stale.
test('a trap becomes an internal error, the module is loaded afresh, and old objects say so', () => {
  const plan = Plan.fromFiles(FILES);
  const data = plan.data();
  const expected = statuses(plan.evaluate(data));
  const generation = __attainInternal.generation;

  const e = attainError(() => __attainInternal.trap(), 'trap');
  assert.equal(e.type, 'internal');
  assert.equal(e.message, 'internal error in attain (unreachable): the module was restarted, and plans and observations made before must be made again');
  assert.equal(e.file, null);
  assert.equal(e.row, null);
  assert.equal(__attainInternal.generation, generation + 1);

  const stale = attainError(() => plan.evaluate(), 'stale plan');
  assert.equal(stale.type, 'internal');
  assert.equal(stale.message, 'this plan was made before attain restarted after an internal error: make it again');
  const staleData = attainError(() => data.rows(), 'stale observations');
  assert.equal(staleData.type, 'internal');
  assert.equal(staleData.message, 'these observations were made before attain restarted after an internal error: make them again');
  assert.equal(attainError(() => check(plan), 'stale plan as an argument').type, 'internal');
  plan.free(); // freeing a stale object is harmless
  data.free();

  // The next calls work, with the same results as before.
  const fresh = Plan.fromFiles(FILES);
  assert.deepEqual(statuses(fresh.evaluate(fresh.data())), expected);
  assert.deepEqual(version().schema, 'attain-report/1');

  // Repeated traps each restart it; the module stays usable.
  for (let i = 0; i < 5; i++) assert.equal(attainError(() => __attainInternal.trap(), 'trap again').type, 'internal');
  assert.equal(__attainInternal.generation, generation + 6);
  assert.deepEqual(statuses(Plan.fromFiles(FILES).evaluate()), expected);
});
