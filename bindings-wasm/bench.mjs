#!/usr/bin/env node
// Times attain-wasm in Node on the Östersund plan and its data: building the plan, and one
// evaluation (with the report converted to JS objects) from prepared Observations, from host
// rows and from CSV text. With --native it also runs examples/native_bench.rs (the same loop in
// native attain-core, built with cargo) and prints the wasm/native ratios.
//
// Node compiles every wasm function first with its baseline compiler (Liftoff) and recompiles it
// with the optimising one (TurboFan) in the background once it is hot. Until that is done a
// build of the plan takes several times longer (the first ~50 builds, more on a loaded machine:
// docs/benchmarks.md, "WebAssembly build figures and Node's tiers"). So every figure is timed
// after a warm-up of at least --warmup-ms (default 2000) of the same calls, and until they stop
// getting faster (warmUp): the steady state a long-lived page or server meets. What a fresh
// process meets is printed apart: first_build_ms and first_evaluate_ms, the first call of each
// (baseline code, compiled lazily as it runs).
//
// Usage: node bench.mjs [--native] [--warmup-ms=MS] [N]        (N evaluations, default 200)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Observations, Plan } from './node.mjs';
import { readPlanDir } from './tools/plan-files.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PLAN = path.join(HERE, '../rules/ostersund-2023');
const args = process.argv.slice(2);
const native = args.includes('--native');
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
const warmupMs = Number(args.find((a) => a.startsWith('--warmup-ms='))?.slice(12) ?? 2000);

const sinceMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;
function onceMs(f) {
  const start = process.hrtime.bigint();
  f();
  return sinceMs(start);
}

// Warm-up: at least count/10 calls and --warmup-ms, then on until three batches of 10 calls in a
// row bring no new best (5 % or more below the best so far), at most 20 s: on a loaded machine the
// optimising compiler's background threads wait for a core too.
function warmUp(count, f) {
  const warm = process.hrtime.bigint();
  for (let i = 0; i < Math.ceil(count / 10); i++) f();
  let best = Infinity;
  for (let stale = 0; (stale < 3 || sinceMs(warm) < warmupMs) && sinceMs(warm) < 20000; ) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) f();
    const t = sinceMs(start);
    stale = t < best * 0.95 ? 0 : stale + 1;
    best = Math.min(best, t);
  }
}

function perCallMs(count, f) {
  warmUp(count, f);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) f();
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

const files = readPlanDir(PLAN);
let first;
const firstBuild = onceMs(() => { first = Plan.fromFiles(files); });
const firstData = first.data();
const firstEvaluate = onceMs(() => first.evaluate(firstData));
firstData.free();
first.free();
const build = perCallMs(Math.ceil(n / 4), () => Plan.fromFiles(files).free());
const plan = Plan.fromFiles(files);
const data = plan.data();
const rows = data.rows();
const csv = files['data/observations.csv'];
const report = plan.evaluate(data);
const result = {
  runtime: `wasm (node ${process.version})`,
  n,
  rows: rows.length,
  indicator_results: report.indicators.length,
  warmup_ms: warmupMs,
  first_build_ms: firstBuild,
  first_evaluate_ms: firstEvaluate,
  build_ms: build,
  evaluate_ms: perCallMs(n, () => plan.evaluate(data)),
  // (a string or rows are never data: the constructors make Observations, freed after the call)
  evaluate_rows_ms: perCallMs(n, () => { const d = Observations.fromRows(rows); plan.evaluate(d); d.free(); }),
  evaluate_csv_ms: perCallMs(n, () => { const d = Observations.fromCsv(csv); plan.evaluate(d); d.free(); }),
  evaluate_bundled_ms: perCallMs(n, () => plan.evaluate()),
  observations_from_rows_ms: perCallMs(n, () => Observations.fromRows(rows).free()),
};
const round = (x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toFixed(4)) : x);
console.log(JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, round(v)]))));

if (native) {
  const out = execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'attain-wasm', '--example', 'native_bench', '--', PLAN, String(n)], {
    cwd: path.join(HERE, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const nat = JSON.parse(out.trim().split('\n').pop());
  console.log(JSON.stringify(nat));
  console.log(
    JSON.stringify({
      ratio_build: round(result.build_ms / nat.build_ms),
      ratio_evaluate: round(result.evaluate_ms / nat.evaluate_json_ms),
      note: 'wasm evaluate (report converted to JS objects) / native evaluate + report as JSON text',
    }),
  );
}
