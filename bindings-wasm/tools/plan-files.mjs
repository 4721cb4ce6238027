#!/usr/bin/env node
// A plan folder as `{path: text}`, read the way core's Plan::load reads it: every .toml,
// .rhai, .csv and .json file, `/`-separated paths relative to the folder, skipping dot files,
// node_modules and target.
//
// Usage: node tools/plan-files.mjs PLAN_DIR OUT.json   (the demo's plan-files.json)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PLAN_EXTENSIONS = new Set(['.toml', '.rhai', '.csv', '.json']);

/** Every plan file under `dir`, keyed by relative path. */
export function readPlanDir(dir) {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`\`${dir}\` is not a folder`);
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules' || name === 'target') continue;
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (PLAN_EXTENSIONS.has(path.extname(name))) {
        files[path.relative(dir, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir);
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: node tools/plan-files.mjs PLAN_DIR OUT.json');
    process.exit(2);
  }
  const files = readPlanDir(dir);
  writeFileSync(out, JSON.stringify(files) + '\n');
  console.error(`wrote ${out}: ${Object.keys(files).length} files from ${dir}`);
}
