// Node entry of attain-wasm: the wasm-bindgen `nodejs` build (CommonJS, loads the .wasm
// synchronously) behind js/wrap.mjs, with the same names as the browser entry. A trap loads the
// glue afresh (a new instance); see js/wrap.mjs. `init()` exists for parity with the browser
// build, where it must be awaited first.
import { createRequire } from 'node:module';
import { wrap } from './js/wrap.mjs';

const require = createRequire(import.meta.url);
const GLUE = require.resolve('./pkg/node/attain_wasm.js');

const api = wrap(() => {
  delete require.cache[GLUE];
  return require(GLUE);
});

export const { Plan, Observations, renderHtml, render, runRuleTests, check, version, __attainInternal } = api;

/** Nothing to do in Node: the module is ready on import. */
export default async function init() {
  return undefined;
}

/** Nothing to do in Node: the module is ready on import. */
export function initSync() {
  return undefined;
}
