// Node entry of attain-wasm: the wasm-bindgen `nodejs` build (CommonJS, loads the .wasm
// synchronously) behind js/wrap.mjs, with the same names as the browser entry. A trap loads the
// glue afresh (a new instance); see js/wrap.mjs. `init()` exists for parity with the browser
// build, where it must be awaited first. Node alone has `Plan.load(folder)`.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrap } from './js/wrap.mjs';

const require = createRequire(import.meta.url);
const GLUE = require.resolve('./pkg/node/attain_wasm.js');

const api = wrap(() => {
  delete require.cache[GLUE];
  return require(GLUE);
});

export const { Plan, Observations, renderHtml, render, runRuleTests, check, version, __attainInternal } = api;

/** What a folder entry is, in core's words (`EntryKind`): where a link leads is looked at, never walked. */
function entryKind(full, root) {
  const own = lstatSync(full);
  if (!own.isSymbolicLink()) {
    if (own.isDirectory()) return 'folder';
    return own.isFile() ? 'file' : 'other';
  }
  let target;
  try {
    target = realpathSync(full);
  } catch {
    return 'broken-link';
  }
  const meta = statSync(target);
  if (meta.isDirectory()) return 'link-to-folder';
  if (!target.startsWith(root + path.sep)) return 'link-outside';
  return meta.isFile() ? 'link-to-file' : 'link-to-other';
}

/**
 * A plan folder's files as `{path: bytes}`, read as the CLI reads a folder: core decides each
 * entry (skip, walk or read, or its error), keeps the folder within its limits (core's
 * `FolderBudget`: depth, files, bytes; this keeps only the count) and decodes the bytes.
 */
function readFolder(folder) {
  const meta = statSync(folder, { throwIfNoEntry: false });
  if (!meta?.isDirectory()) __attainInternal.folderMissing(folder, meta !== undefined);
  const root = realpathSync(folder);
  const files = {};
  const taken = { files: 0, bytes: 0 };
  const walk = (dir, prefix, depth) => {
    __attainInternal.folderEnter(prefix, depth);
    for (const name of readdirSync(dir).sort()) {
      const key = prefix + name;
      const full = path.join(dir, name);
      const action = __attainInternal.folderEntry(key, entryKind(full, root));
      if (action === 'walk') walk(full, `${key}/`, depth + 1);
      else if (action === 'read') {
        const size = statSync(full).size;
        __attainInternal.folderFile(taken.files, taken.bytes, key, size);
        taken.files += 1;
        taken.bytes += size;
        files[key] = readFileSync(full);
      }
    }
  };
  walk(folder, '', 0);
  return files;
}

/** Node only: loads a plan folder (plan.toml, its scripts, data and tests), as `attain report FOLDER` does. */
Plan.load = function load(folder) {
  if (typeof folder !== 'string' && !(folder instanceof URL)) {
    throw new TypeError(`Plan.load takes a folder's path, got ${folder === null ? 'null' : typeof folder}`);
  }
  return Plan.fromFiles(readFolder(folder instanceof URL ? fileURLToPath(folder) : folder));
};

/** Nothing to do in Node: the module is ready on import. */
export default async function init() {
  return undefined;
}

/** Nothing to do in Node: the module is ready on import. */
export function initSync() {
  return undefined;
}
