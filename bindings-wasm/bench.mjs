#!/usr/bin/env node
// Times attain-wasm in Node on the Östersund plan and its data: building the plan, and one
// evaluation (with the report converted to JS objects) from prepared Observations, from host
// rows and from CSV text. With --native it also runs examples/native_bench.rs (the same loop in
// native attain-core, built with cargo) and prints the wasm/native ratios.
//
// Usage: node bench.mjs [--native] [N]        (N evaluations, default 200)
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

function perCallMs(count, f) {
  for (let i = 0; i < Math.ceil(count / 10); i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) f();
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

const files = readPlanDir(PLAN);
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
