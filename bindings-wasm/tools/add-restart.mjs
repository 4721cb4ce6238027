// Adds `__attainRestart()` to wasm-bindgen's `web` glue: a fresh instance of the module it
// compiled, made synchronously, so that browser.mjs can recover from a trap the way node.mjs does
// (which loads the CommonJS glue again). The glue keeps its instance in module-level variables
// that nothing outside can reset; this checks that they are still the ones expected, so that a
// new wasm-bindgen that renames them fails the build instead of the recovery.
//
// Usage: node tools/add-restart.mjs pkg/web/attain_wasm.js
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const glue = readFileSync(file, 'utf8');
const expected = ['let wasmModule, wasmInstance, wasm;', 'function initSync(module) {', 'if (wasm !== undefined) return wasm;'];
for (const text of expected) {
  if (!glue.includes(text)) {
    console.error(`${file}: wasm-bindgen's glue no longer has \`${text}\`; update tools/add-restart.mjs`);
    process.exit(1);
  }
}
if (!glue.includes('__attainRestart')) {
  writeFileSync(
    file,
    `${glue}
/** attain: drops the trapped instance and makes a fresh one of the same compiled module. */
export function __attainRestart() {
    const module = wasmModule;
    wasm = undefined;
    return initSync({ module });
}
`,
  );
}
