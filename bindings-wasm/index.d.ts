// Types of attain-wasm. Everything that crosses from core is in core's JSON shape: snake_case
// keys, `null` for an absent value. Those types are generated from core's Rust types
// (schema/api.schema.json → types.generated.d.ts, by tools/gen-types.mjs; `make test` checks
// they are current); this file adds only what the host itself gives: classes, functions, and
// the looser spellings a caller may use.

import type {
  AssessRequest,
  Assessment,
  AssignmentStatus,
  AssignmentUpdate,
  AttainErrorInfo,
  CheckReport,
  CheckRequest,
  Code,
  ErrorKind,
  EvaluateRequest,
  Explanation,
  Gender,
  IndicatorRequest,
  Observation,
  Outline,
  Report,
  Required,
  TestOptions,
  TestReport,
} from './types.generated.js';

export type {
  AssessRequest,
  Assessment,
  AssignmentResult,
  AssignmentStatus,
  AssignmentUpdate,
  AttainErrorInfo,
  CaseOutcome,
  CheckFailure,
  CheckReport,
  CheckRequest,
  Code,
  Direction,
  ErrorKind,
  EvaluateManyRequest,
  EvaluateRequest,
  Explanation,
  Gender,
  GoalResult,
  HistoryPoint,
  IndicatorRequest,
  IndicatorResult,
  Language,
  Level,
  Observation,
  Outline,
  OutlineAssignment,
  OutlineGoal,
  OutlineIndicator,
  PeerStats,
  PeersRequest,
  Period,
  PeriodValue,
  PlanInfo,
  Report,
  Required,
  Role,
  Scale,
  MissedLine,
  ScriptCoverage,
  Coverage,
  Mutants,
  MutantOutcome,
  MutantStatus,
  TestOptions,
  TestReport,
  WeightedId,
} from './types.generated.js';

// ------------------------------------------------------------------ names kept from before

/** The what-if inputs of `plan.assess` (core's `AssessRequest`). */
export type AssessInputs = AssessRequest;
/** Which report (core's `EvaluateRequest`). */
export type Query = EvaluateRequest;
/** Which indicator result, beside the indicator argument (core's `IndicatorRequest`). */
export type IndicatorQuery = Omit<IndicatorRequest, 'indicator'>;
/** Settings of `check` (core's `CheckRequest`). */
export type CheckOptions = CheckRequest;
/** Core's outline of a plan. */
export type PlanOutline = Outline;
/** The kind of an error. */
export type ErrorType = Exclude<ErrorKind, 'internal'>;
/** Core's stable code of an error (the catalogue is in docs/guide.md). */
export type ErrorCode = Code;

// ------------------------------------------------------------------ what a caller may write

/** Core also reads `F`/`W` for women, `total`, `women`, `men`, in any case. */
export type GenderInput = Gender | (string & {});
/** An id in host rows (indicator, entity, period); integers are read as their decimal text. */
export type Id = string | number;
/**
 * A period: `2023`, `"2023"`, `"2023-T2"` (tertial), `"2023-Q1"` (quarter) or `"2023-05"` (month);
 * a whole number is that year. Anything else (`"2024-13"`, `2023.5`) is a query error naming it.
 */
export type PeriodInput = string | number;

/**
 * A host row, read by core in its one vocabulary (docs/guide.md): `kpi`, `municipality`, `year`
 * and `status` are accepted for `indicator`, `entity`, `period` and `missing`; `note` is read and
 * not kept. `Observations.rows()` gives rows back as `Observation`.
 */
export interface RowInput {
  indicator?: Id;
  kpi?: Id;
  entity?: Id;
  municipality?: Id;
  period?: Id;
  year?: Id;
  /** Defaults to `T`. */
  gender?: GenderInput | null;
  /** A number (or its text); absent or null is a gap. NaN and infinities are refused. */
  value?: number | string | null;
  /** Why the value is missing (Kolada's marker or status). */
  missing?: string | null;
  status?: string | null;
  /** For a group row: members contributing. */
  count?: number | null;
  source?: string | null;
  note?: string | null;
}

/** An assignment follow-up as a caller gives it (`AssignmentUpdate` is how core gives it back). */
export interface AssignmentUpdateInput {
  assignment: string;
  period: Id;
  status: AssignmentStatus;
  comment?: string | null;
}

/** What every function of this package throws: a JS `Error` carrying core's error fields. */
export interface AttainError extends Error, Omit<AttainErrorInfo, 'type' | 'code'> {
  name: 'AttainError';
  message: string;
  /**
   * Core's kind, or `internal`: the WebAssembly instance trapped (a bug, or memory ran out) and
   * a fresh one was made; plans and observations made before are invalid, and using one throws
   * `internal` too (codes `internal.trap`, `internal.restarted`).
   */
  type: ErrorKind;
  /** The stable code; its first segment is `type`. */
  code: Code;
}

/** The files of a plan, keyed by path relative to the plan folder (`rules/x.rhai`): their text, or their bytes (UTF-8, as `Plan.load` reads them). */
export type PlanFiles = Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;

/**
 * What to evaluate: `null`/`undefined` for the plan's own `data/` folder (read once, kept with
 * the plan), or `Observations` made by `Observations.fromRows`, `fromCsv` or `fromJson`. A
 * string is never read as data: the constructors say whether it is CSV or JSON.
 */
export type DataInput = Observations | null | undefined;

/** A report format of core's renderers. */
/** `html-fragment`: a compact fragment for a host page, one root element with its styles scoped to it. */
export type RenderFormat = 'html' | 'html-fragment' | 'md' | 'markdown' | 'csv' | 'json' | 'table';

// ------------------------------------------------------------------ classes and functions

/** Observations: tidy rows of values plus assignment follow-ups. */
export class Observations {
  private constructor();
  /** From host rows and, optionally, assignment follow-ups. Errors name the row (no file). */
  static fromRows(rows: RowInput[], assignments?: AssignmentUpdateInput[] | null): Observations;
  /** From CSV text: `indicator,entity,period,gender,value` (+ `status`, `count`, `source`). */
  static fromCsv(text: string, file?: string | null): Observations;
  /** From JSON text: a Kolada API response, an array of rows, or `{observations, assignments}`. */
  static fromJson(text: string, file?: string | null): Observations;
  /** These and `other`'s together, as new observations; a row in both is an error. */
  merge(other: Observations): Observations;
  /** Sets one value in place, adding the row when absent; `null` makes it a gap. */
  setValue(indicator: string, entity: string, period: string, gender: GenderInput | null | undefined, value: number | null | undefined): void;
  /** A copy that later `setValue` calls on either do not share. */
  clone(): Observations;
  rows(): Observation[];
  assignments(): AssignmentUpdate[];
  /** Number of rows. */
  readonly length: number;
  /** Frees the memory now rather than at garbage collection. */
  free(): void;
  [Symbol.dispose](): void;
}

/** A loaded, validated plan: goals, indicators and compiled rules. */
export class Plan {
  private constructor();
  /** Builds a plan from `{path: text}`: `plan.toml`, its scripts and optionally `data/`. */
  static fromFiles(files: PlanFiles): Plan;
  /**
   * Node only (not in the browser build): loads a plan folder as the CLI does (every `.toml`,
   * `.rhai`, `.csv` and `.json` file; hidden entries, `node_modules` and `target` left out).
   * A missing folder is an `AttainError` of code `io.not_found` naming it.
   */
  static load(folder: string | URL): Plan;
  /** Evaluates for one entity and period. A failing rule gives status `error`; the rest completes. */
  evaluate(data?: DataInput, query?: Query | null): Report;
  /** Every entity for every period (totals only), entity by entity. */
  evaluateMany(data: DataInput, entities: string[], periods: PeriodInput[]): Report[];
  /** Everything one indicator's rule saw and returned, and the goals it feeds. */
  explain(data: DataInput, indicator: string, query?: IndicatorQuery | null): Explanation;
  /** The nearest value that moves an indicator to the next better level. */
  required(data: DataInput, indicator: string, query?: IndicatorQuery | null): Required;
  /** One indicator's rule on inputs given directly instead of data: what if the value were 72? */
  assess(indicator: string, inputs: AssessInputs): Assessment;
  /** `assess` for many rows of one indicator, in order; an error names its 1-based `row`. */
  assessMany(indicator: string, rows: AssessInputs[]): Assessment[];
  /** The indicator's target for a period (explicit, else on the line between targets); null outside. */
  targetFor(indicator: string, period: PeriodInput): number | null;
  /** The observations in the plan's `data/` folder. */
  data(): Observations;
  outline(): PlanOutline;
  /** The plan's files as loaded. */
  files(): Record<string, string>;
  free(): void;
  [Symbol.dispose](): void;
}

/** A report as a self-contained HTML page (core's renderer): the report object or its JSON. */
export function renderHtml(report: Report | string): string;
/** A report in one of core's formats. */
export function render(report: Report | string, format: RenderFormat): string;
/** Runs every `*.test.toml` in the files, with the plan when `plan.toml` is among them. */
export function runRuleTests(files: PlanFiles, options?: TestOptions | null): TestReport;
/** Checks every rule of the plan on generated inputs. */
export function check(plan: Plan, options?: CheckOptions | null): CheckReport;
/** This binding's version and the report schema tag. */
export function version(): { binding: string; schema: string };

/**
 * Loads the WebAssembly module. In the browser, await it once before anything else (by default
 * it fetches `attain_wasm_bg.wasm` next to the JS file; a URL, Response, bytes or a
 * `WebAssembly.Module` may be given). In Node it does nothing: the module is ready on import.
 */
export default function init(moduleOrPath?: unknown): Promise<unknown>;
/** As `init`, synchronously, from bytes or a compiled module. */
export function initSync(module?: unknown): unknown;
