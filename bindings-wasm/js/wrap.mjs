// The API of attain-wasm over wasm-bindgen's glue, for Node (node.mjs) and the browser
// (browser.mjs): the same names, and the module kept usable after a failure.
//
// The module is built with `panic = "abort"`, so a panic, a failed allocation or a stack
// overflow traps the instance (`WebAssembly.RuntimeError`, or a `RangeError` for the stack) and
// leaves it in an unknown state. Every call goes through `call`: such an error becomes an
// `AttainError` of type `internal` (code `internal.trap`), and a fresh instance is made, so that the next call works.
// Plans and observations made by the old instance are then invalid: using one is an `internal`
// error that says to make it again.

/**
 * The API over a glue module. `fresh()` gives the glue (its classes and functions) of a new
 * instance; it is called once now and again after every trap. `notReady()` gives a reason not
 * to call yet (the browser's `init()` not awaited), or null.
 */
export function wrap(fresh, notReady = () => null) {
/** The current instance: wasm-bindgen's classes and functions. */
let wasm = null;
/** How many times the module was loaded; each wrapper object knows the one it was made in. */
let generation = 0;
/** The current instance's objects (weakly), to detach from its finaliser on a restart. */
let live = [];
let pruneAt = 1024;

function load() {
  wasm = fresh();
  generation += 1;
}
load();

/** An error made here, with core's code (its first segment is the type). */
function attainError(code, message) {
  const e = new Error(message);
  e.name = 'AttainError';
  Object.assign(e, { type: code.split('.')[0], code, file: null, line: null, column: null, row: null });
  return e;
}

/** Drops the trapped instance and loads a fresh one. */
function restart() {
  // The old instance must never run again, not even its finalisers freeing objects: detach
  // every object still alive from them (it then frees nothing; its memory goes with the instance).
  for (const ref of live) {
    const o = ref.deref();
    try {
      o?.__destroy_into_raw();
    } catch {
      // nothing to detach
    }
  }
  live = [];
  pruneAt = 1024;
  wasm = null;
  load();
}

/** A trap, or a stack overflow inside the module: the instance cannot be trusted afterwards. */
function broke(e) {
  return e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message));
}

/** Runs `fn` against the current instance; a trap restarts the module (see above). */
function call(fn) {
  const why = notReady();
  if (why !== null) throw new Error(why);
  try {
    return fn();
  } catch (e) {
    if (!broke(e)) throw e;
    let restarted = true;
    try {
      restart();
    } catch {
      restarted = false;
    }
    throw attainError(
      'internal.trap',
      restarted
        ? `internal error in attain (${e.message}): the module was restarted, and plans and observations made before must be made again`
        : `internal error in attain (${e.message}), and the module could not be restarted`,
    );
  }
}

/** Each wrapper object's glue object and the instance it belongs to. */
const SLOTS = new WeakMap();

function own(Class, inner) {
  const o = Object.create(Class.prototype);
  SLOTS.set(o, { inner, generation });
  live.push(new WeakRef(inner));
  if (live.length > pruneAt) {
    live = live.filter((r) => r.deref() !== undefined);
    pruneAt = Math.max(1024, 2 * live.length);
  }
  return o;
}

const what = { Plan: 'this plan', Observations: 'these observations' };

function typeName(v) {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

/** The glue object of a wrapper object of this instance, or an error saying why not. */
function innerOf(o, Class) {
  const slot = SLOTS.get(o);
  if (!slot || !(o instanceof Class)) {
    const code = Class === Plan ? 'plan.invalid_argument' : 'data.invalid_argument';
    throw attainError(code, `\`this\` must be ${Class === Plan ? 'a Plan' : 'an Observations'}, got ${typeName(o)}`);
  }
  if (slot.generation !== generation) {
    throw attainError(
      'internal.restarted',
      `${what[Class.name]} ${Class === Plan ? 'was' : 'were'} made before attain restarted after an internal error: make ${Class === Plan ? 'it' : 'them'} again`,
    );
  }
  if (slot.inner === null) {
    throw attainError(
      Class === Plan ? 'plan.invalid_argument' : 'data.invalid_argument',
      `${what[Class.name]} ${Class === Plan ? 'was' : 'were'} freed`,
    );
  }
  return slot.inner;
}

/** An argument: a wrapper object becomes its glue object; anything else goes as it is. */
function arg(v) {
  if (v instanceof Plan) return innerOf(v, Plan);
  if (v instanceof Observations) return innerOf(v, Observations);
  return v;
}

/** A result: the current instance's objects come back wrapped. */
function result(v) {
  if (v instanceof wasm.Plan) return own(Plan, v);
  if (v instanceof wasm.Observations) return own(Observations, v);
  return v;
}

function free(o) {
  const slot = SLOTS.get(o);
  if (!slot || slot.inner === null) return;
  const inner = slot.inner;
  slot.inner = null;
  if (slot.generation === generation) call(() => inner.free());
}

/** A loaded, validated plan: goals, indicators and compiled rules. */
class Plan {
  constructor() {
    throw new TypeError('use Plan.fromFiles to make a Plan');
  }
  static fromFiles(files) {
    return call(() => result(wasm.Plan.fromFiles(arg(files))));
  }
  evaluate(data, query) {
    return call(() => innerOf(this, Plan).evaluate(arg(data), arg(query)));
  }
  evaluateMany(data, entities, periods) {
    return call(() => innerOf(this, Plan).evaluateMany(arg(data), arg(entities), arg(periods)));
  }
  explain(data, indicator, query) {
    return call(() => innerOf(this, Plan).explain(arg(data), arg(indicator), arg(query)));
  }
  required(data, indicator, query) {
    return call(() => innerOf(this, Plan).required(arg(data), arg(indicator), arg(query)));
  }
  assess(indicator, inputs) {
    return call(() => innerOf(this, Plan).assess(arg(indicator), arg(inputs)));
  }
  assessMany(indicator, rows) {
    return call(() => innerOf(this, Plan).assessMany(arg(indicator), arg(rows)));
  }
  targetFor(indicator, period) {
    return call(() => innerOf(this, Plan).targetFor(arg(indicator), arg(period)));
  }
  data() {
    return call(() => result(innerOf(this, Plan).data()));
  }
  outline() {
    return call(() => innerOf(this, Plan).outline());
  }
  files() {
    return call(() => innerOf(this, Plan).files());
  }
  free() {
    free(this);
  }
}

/** Observations: tidy rows of values plus assignment follow-ups. */
class Observations {
  constructor() {
    throw new TypeError('use Observations.fromRows, fromCsv or fromJson to make Observations');
  }
  static fromRows(rows, assignments) {
    return call(() => result(wasm.Observations.fromRows(arg(rows), arg(assignments))));
  }
  static fromCsv(text, file) {
    return call(() => result(wasm.Observations.fromCsv(arg(text), arg(file))));
  }
  static fromJson(text, file) {
    return call(() => result(wasm.Observations.fromJson(arg(text), arg(file))));
  }
  merge(other) {
    return call(() => result(innerOf(this, Observations).merge(arg(other))));
  }
  setValue(indicator, entity, period, gender, value) {
    return call(() => innerOf(this, Observations).setValue(arg(indicator), arg(entity), arg(period), arg(gender), arg(value)));
  }
  clone() {
    return call(() => result(innerOf(this, Observations).clone()));
  }
  rows() {
    return call(() => innerOf(this, Observations).rows());
  }
  assignments() {
    return call(() => innerOf(this, Observations).assignments());
  }
  get length() {
    return call(() => innerOf(this, Observations).length);
  }
  free() {
    free(this);
  }
}

if (Symbol.dispose) {
  Plan.prototype[Symbol.dispose] = Plan.prototype.free;
  Observations.prototype[Symbol.dispose] = Observations.prototype.free;
}

/** A report as a self-contained HTML page (core's renderer). */
function renderHtml(report) {
  return call(() => wasm.renderHtml(arg(report)));
}

/** A report in one of core's formats: `html`, `html-fragment`, `md`, `csv`, `json` or `table`. */
function render(report, format) {
  return call(() => wasm.render(arg(report), arg(format)));
}

/** Runs every `*.test.toml` in `{path: text}`, with the plan when `plan.toml` is among them; `options` as core's `TestOptions`. */
function runRuleTests(files, options) {
  return call(() => wasm.runRuleTests(arg(files), arg(options)));
}

/** Checks every rule of the plan on generated inputs (`{cases: 200, seed: 2023}` by default). */
function check(plan, options) {
  return call(() => wasm.check(arg(plan), arg(options)));
}

/** This binding's version and the report schema tag (`attain-report/1`). */
function version() {
  return call(() => wasm.version());
}

/**
 * Internal: for this package's tests, trap the instance and which instance is current; for
 * Node's `Plan.load`, core's rule for each entry of a plan folder and its error for a folder that
 * is not one.
 */
const __attainInternal = {
  trap() {
    return call(() => wasm.__attainTrap());
  },
  folderEntry(key, kind) {
    return call(() => wasm.planFolderEntry(key, kind));
  },
  folderEnter(key, depth) {
    return call(() => wasm.planFolderEnter(key, depth));
  },
  folderFile(files, bytes, key, size) {
    return call(() => wasm.planFolderFile(files, bytes, key, size));
  },
  folderMissing(folder, exists) {
    return call(() => wasm.planFolderMissing(folder, exists));
  },
  get generation() {
    return generation;
  },
};

return { Plan, Observations, renderHtml, render, runRuleTests, check, version, __attainInternal };
}
