#!/usr/bin/env node
// Compares builds of this package side by side in one Node process: each DIR is a copy of
// bindings-wasm (its node.mjs, js/ and pkg/ from one build). Every round times 10 plan builds and
// 25 evaluations of the Östersund plan in each build in turn (the order reversed every other
// round), so that the machine's load falls on all of them alike; prints medians, minima and
// ratios to the first DIR. The builds' reports must be identical. With --cpu it times the
// process's CPU time (process.cpuUsage, user + system) instead of the wall clock: on a loaded
// machine the wall clock also counts the time spent waiting for a core.
//
// Usage: node tools/bench-variants.mjs [--cpu] ROUNDS DIR1 DIR2 ...
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPlanDir } from './plan-files.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const cpu = argv[0] === '--cpu';
const [rounds, ...dirs] = cpu ? argv.slice(1) : argv;
const files = readPlanDir(path.join(HERE, '../../rules/ostersund-2023'));
const per = (count, f) => {
  if (cpu) {
    const s = process.cpuUsage();
    for (let i = 0; i < count; i++) f();
    const d = process.cpuUsage(s);
    return (d.user + d.system) / 1e3 / count;
  }
  const s = process.hrtime.bigint();
  for (let i = 0; i < count; i++) f();
  return Number(process.hrtime.bigint() - s) / 1e6 / count;
};
const st = {};
for (const d of dirs) {
  const { Plan } = await import(path.resolve(d, 'node.mjs'));
  const plan = Plan.fromFiles(files);
  const data = plan.data();
  st[d] = { Plan, plan, data, b: [], e: [] };
  // Warm-up long enough for Node to recompile the hot functions with its optimising tier
  // (TurboFan): before that a build takes several times longer (bench.mjs says more).
  for (const start = Date.now(); Date.now() - start < 2000; ) per(10, () => Plan.fromFiles(files).free());
  for (const start = Date.now(); Date.now() - start < 2000; ) per(10, () => plan.evaluate(data));
}
if (new Set(dirs.map((d) => JSON.stringify(st[d].plan.evaluate(st[d].data)))).size !== 1) {
  console.error('the builds give different reports');
  process.exit(1);
}
for (let r = 0; r < Number(rounds); r++) {
  for (const d of r % 2 ? [...dirs].reverse() : dirs) {
    const s = st[d];
    s.b.push(per(10, () => s.Plan.fromFiles(files).free()));
    s.e.push(per(25, () => s.plan.evaluate(s.data)));
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const mn = (a) => Math.min(...a);
const f = (x) => x.toFixed(3);
const b0 = st[dirs[0]];
for (const d of dirs) {
  const s = st[d];
  console.log(
    `${d}: build median ${f(med(s.b))} min ${f(mn(s.b))} ms, evaluate median ${f(med(s.e))} min ${f(mn(s.e))} ms;` +
      ` ratios median ${f(med(s.b) / med(b0.b))} / ${f(med(s.e) / med(b0.e))}, min ${f(mn(s.b) / mn(b0.b))} / ${f(mn(s.e) / mn(b0.e))}`,
  );
}
