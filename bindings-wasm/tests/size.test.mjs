// A regression guard on the browser build's size: the .wasm build.sh leaves in pkg/web (and
// the same module in pkg/node) may not grow more than 2 % over what it was when this guard
// was set. Not the goal: issue 16's goal is 1.5 MB, still missed (docs/benchmarks.md,
// `make bench-compare`). When a change makes the module smaller, lower the limits to the new
// size + 2 %; when one must make it larger, raise them in the same commit and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { REPO } from './helpers.mjs';

// Measured on the commit that set them (rustup's Rust 1.95, opt-level 2, fat LTO, one codegen
// unit, panic=abort, name section stripped), each + 2 %. Raised from 3,423,965 / 990,057 when
// mutation testing (runRuleTests' `mutants`) and the streaming Kolada reader joined the build
// (+88,721 bytes); raised again from 3,512,686 / 1,018,591 (opt-level "s") when build.sh moved
// to opt-level 2 for speed: about 1.35x faster building and evaluating in Node for +6 % bytes
// and +16 % gzipped (3,521,500 / 1,018,901 at "s" on the same tree; docs/benchmarks.md).
const MEASURED = { bytes: 3_726_700, gzip: 1_177_703 };
const LIMIT = { bytes: Math.round(MEASURED.bytes * 1.02), gzip: Math.round(MEASURED.gzip * 1.02) };

for (const target of ['web', 'node']) {
  test(`the ${target} .wasm is at most 2 % larger than when the guard was set`, () => {
    const bytes = readFileSync(path.join(REPO, 'bindings-wasm/pkg', target, 'attain_wasm_bg.wasm'));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    assert.ok(bytes.length <= LIMIT.bytes, `${bytes.length} bytes, over the limit of ${LIMIT.bytes} (${MEASURED.bytes} + 2 %)`);
    assert.ok(gzip <= LIMIT.gzip, `${gzip} bytes gzipped, over the limit of ${LIMIT.gzip} (${MEASURED.gzip} + 2 %)`);
    // The name section (debug names, about a third of the file) is stripped by build.sh.
    const names = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'name');
    assert.equal(names.length, 0, 'the name section is still there: tools/strip-wasm.mjs did not run');
  });
}
