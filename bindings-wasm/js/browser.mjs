// Browser entry of attain-wasm: wasm-bindgen's `web` build behind wrap.mjs, with the same
// names as the Node entry. `await init()` first (it fetches and compiles the .wasm, or takes a
// `{ module_or_path }` as wasm-bindgen's init does). A trap makes a fresh instance of the
// compiled module at once (build.sh adds `__attainRestart` to the glue); see wrap.mjs.
import glueInit, * as glue from './attain_wasm.js';
import { wrap } from './wrap.mjs';

let initialised = false;
let first = true;

const api = wrap(
  () => {
    if (!first) glue.__attainRestart();
    first = false;
    return glue;
  },
  () => (initialised ? null : 'attain-wasm: await init() before the first call'),
);

export const { Plan, Observations, renderHtml, render, runRuleTests, check, version, __attainInternal } = api;

/** Fetches, compiles and instantiates the module: await it once before anything else. */
export default async function init(options) {
  await glueInit(options);
  initialised = true;
}

/** As `init`, synchronously, from a compiled `WebAssembly.Module` or its bytes: `{ module }`. */
export function initSync(options) {
  glue.initSync(options);
  initialised = true;
}
