#!/usr/bin/env node
// Removes the `name` custom section (function names for debuggers, about a third of the
// file) from .wasm files in place. Done here rather than with cargo's `strip = true`, which
// also removes the `target_features` section wasm-bindgen needs.
//
// Usage: node tools/strip-wasm.mjs FILE.wasm...
import { readFileSync, writeFileSync } from 'node:fs';

const DROP = new Set(['name']);

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

export function stripSections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a WebAssembly module');
  const keep = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const [size, body] = leb(bytes, at);
    at = body + size;
    if (id === 0) {
      const [len, nameAt] = leb(bytes, body);
      const name = bytes.subarray(nameAt, nameAt + len).toString('utf8');
      if (DROP.has(name)) continue;
    }
    keep.push(bytes.subarray(start, at));
  }
  return Buffer.concat(keep);
}

for (const file of process.argv.slice(2)) {
  const before = readFileSync(file);
  const after = stripSections(before);
  writeFileSync(file, after);
  console.error(`${file}: ${before.length} -> ${after.length} bytes`);
}
