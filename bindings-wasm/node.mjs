// Node entry of attain-wasm: the wasm-bindgen `nodejs` build (CommonJS, loads the .wasm
// synchronously) re-exported as an ES module with the same names as the browser entry.
// `init()` exists for parity with the browser build, where it must be awaited first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('./pkg/node/attain_wasm.js');

export const { Plan, Observations, renderHtml, render, runRuleTests, check, version } = wasm;

/** Nothing to do in Node: the module is ready on import. */
export default async function init() {
  return undefined;
}

/** Nothing to do in Node: the module is ready on import. */
export function initSync() {
  return undefined;
}
