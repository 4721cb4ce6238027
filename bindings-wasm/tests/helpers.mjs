// Shared by the tests: the binding, and plan folders read into `{path: text}` maps the way
// core's Plan::load reads them. Every path is found from this file, never from the cwd.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');
export const OSTERSUND = path.join(REPO, 'rules/ostersund-2023');

export * from '../node.mjs';
export { readPlanDir } from '../tools/plan-files.mjs';

/** Runs `fn`, which must throw; returns the error. */
export function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, but it returned');
}
