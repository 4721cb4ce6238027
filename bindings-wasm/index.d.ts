// Types of attain-wasm. Everything that crosses from core is in core's JSON shape: snake_case
// keys, `null` for an absent value (see schema/report.schema.json for the report).

// ------------------------------------------------------------------ small types

/** Women (`K`, kvinnor), men (`M`) or everyone (`T`, totalt): Kolada's codes. */
export type Gender = 'T' | 'K' | 'M';
/** Core also reads `F`/`W` for women, `total`, `women`, `men`, in any case. */
export type GenderInput = Gender | (string & {});
/** Polarity of an indicator. */
export type Direction = 'higher' | 'lower';
/** Language of labels and reasons. */
export type Language = 'sv' | 'en';
/** Scored by a goal, or only shown. */
export type Role = 'indicator' | 'key_figure';
/** Status of an assignment follow-up. */
export type AssignmentStatus = 'done' | 'on_track' | 'at_risk' | 'not_done' | 'not_started';
/** The kind of an error. */
export type ErrorType = 'plan' | 'rule' | 'data' | 'query' | 'test' | 'io';
/** An id in host rows (indicator, entity, period); integers are read as their decimal text. */
export type Id = string | number;
/**
 * A period: `2023`, `"2023"`, `"2023-T2"` (tertial), `"2023-Q1"` (quarter) or `"2023-05"` (month);
 * a whole number is that year. Anything else (`"2024-13"`, `2023.5`) is a query error naming it.
 */
export type PeriodInput = string | number;

// ------------------------------------------------------------------ errors

/** The one serialised error shape of every binding (also inside reports, as `error`). */
/**
 * Core's stable code of an error, `kind.condition` (`plan.duplicate_id`, `rule.limit.operations`):
 * the same condition has the same code in every host. The catalogue is in docs/guide.md.
 */
export type ErrorCode = `${ErrorType | 'internal'}.${string}`;

export interface AttainErrorInfo {
  type: ErrorType;
  /** The stable code; its first segment is `type`. */
  code: ErrorCode;
  /** Lowercase, no final period, user input in backticks; no location in the text. */
  message: string;
  /** File relative to the plan folder, or as given (`data.csv`). */
  file: string | null;
  /** 1-based line. */
  line: number | null;
  /** 1-based column. */
  column: number | null;
  /** 1-based data row (1 = the first row after a CSV header, or the first array element). */
  row: number | null;
}

/** What every function of this package throws: a JS `Error` carrying the structured fields. */
export interface AttainError extends Error, Omit<AttainErrorInfo, 'type'> {
  name: 'AttainError';
  message: string;
  /**
   * Core's kind, or `internal` (Node entry): the WebAssembly instance trapped (a bug, or memory
   * ran out) and was loaded afresh; plans and observations made before are invalid, and using
   * one throws `internal` too (codes `internal.trap`, `internal.restarted`).
   */
  type: ErrorType | 'internal';
}

// ------------------------------------------------------------------ the report

/** A level of the plan's scale. */
export interface Level {
  id: string;
  label: string;
  color: string;
  /** 0..1, 1 best; null for no_data and error. */
  score: number | null;
}

/** The plan's scale: levels best first, and the levels for "not assessed" and "rule error". */
export interface Scale {
  levels: Level[];
  no_data: Level;
  error: Level;
}

export interface PlanInfo {
  id: string;
  title: string;
  language: Language;
}

export interface WeightedId {
  id: string;
  weight: number;
}

/** An assignment and its latest follow-up in the period's year. */
export interface AssignmentResult {
  id: string;
  text: string;
  /** Empty means all boards. */
  boards: string[];
  status: AssignmentStatus | null;
  period: string | null;
  comment: string | null;
}

/** A goal's result. */
export interface GoalResult {
  id: string;
  title: string;
  text: string;
  parent: string | null;
  /** A level id of the scale, `no_data` or `error`. */
  status: string;
  label: string;
  color: string;
  score: number | null;
  reason: string;
  /** Aggregation used. */
  rule: string;
  indicators: WeightedId[];
  key_figures: string[];
  children: string[];
  assignments: AssignmentResult[];
  /** Set when the aggregation failed. */
  error: AttainErrorInfo | null;
}

/** Statistics of a peer group for one indicator and period. */
export interface PeerStats {
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  count: number;
  values: number[];
  /** True when `mean` is the group's own published row. */
  published: boolean;
}

export interface PeriodValue {
  period: string;
  value: number;
}

/** One indicator, for one gender: its inputs, status and reason. */
export interface IndicatorResult {
  id: string;
  title: string;
  unit: string;
  decimals: number | null;
  direction: Direction;
  gender: Gender;
  role: Role;
  goals: string[];
  rule: string;
  /** A level id of the scale, `no_data` or `error`. */
  status: string;
  label: string;
  color: string;
  score: number | null;
  reason: string;
  /** Set when the rule failed (status `error`). */
  error: AttainErrorInfo | null;
  /** Period whose value was judged (may be older than the report's period). */
  period: string | null;
  value: number | null;
  target: number | null;
  national: number | null;
  peers: PeerStats | null;
  percentile: number | null;
  previous: number | null;
  /** Earlier values, oldest first. */
  history: PeriodValue[];
  women: number | null;
  men: number | null;
  source: string | null;
}

/** The result of evaluating a plan for one entity and period. */
export interface Report {
  /** `attain-report/1`. */
  schema: string;
  plan: PlanInfo;
  entity: string;
  entity_name: string;
  period: string;
  scale: Scale;
  goals: GoalResult[];
  /** Every indicator and key figure, total first then women and men. */
  indicators: IndicatorResult[];
}

// ------------------------------------------------------------------ explain, required, tests, check

/** Everything an indicator's rule saw, what it returned, and the goals it feeds. */
export interface Explanation {
  result: IndicatorResult;
  /** Params given to the rule (from plan.toml). */
  params: Record<string, unknown>;
  rule_source: string;
  goals: GoalResult[];
}

/** The nearest value that moves an indicator to the next better level. */
export interface Required {
  indicator: string;
  gender: Gender;
  period: string | null;
  value: number | null;
  status: string;
  next_status: string | null;
  required: number | null;
  /** A sentence for a person. */
  message: string;
}

/**
 * What `Plan.assess` judges: inputs given directly instead of data (core's `AssessRequest`).
 * Unknown fields are refused; every number must be finite; `null` is the same as not given.
 */
export interface AssessInputs {
  /** The value judged; none gives `no_data` without running the rule. */
  value?: number | null;
  /** Default: the plan's period. */
  period?: PeriodInput | null;
  /** Default: the indicator's own target for the period (as `plan.targetFor`). */
  target?: number | null;
  /** Default: the last history value. */
  previous?: number | null;
  /** Earlier values, oldest first, each period once, all before `period`. */
  history?: { period: PeriodInput; value: number }[] | null;
  national?: number | null;
  /** Peer statistics; a statistic stated wins over the one derived from `values`. */
  peers?: {
    values?: number[] | null;
    mean?: number | null;
    median?: number | null;
    min?: number | null;
    max?: number | null;
    count?: number | null;
    /** Whether `mean` is the group's own published row. */
    published?: boolean | null;
  } | null;
  /** 0 (worst) to 1 (best). */
  percentile?: number | null;
  women?: number | null;
  men?: number | null;
}

/** A rule's verdict on given inputs, and the inputs it rests on after core filled them in. */
export interface Assessment {
  /** A level id of the scale, or `no_data`. */
  status: string;
  label: string;
  reason: string;
  score: number | null;
  /** The period judged. */
  period: string;
  /** The target used: given, or the indicator's own for the period. */
  target: number | null;
  /** The previous value used: given, or the last of the history. */
  previous: number | null;
}

/** The outcome of one rule test case. */
export interface CaseOutcome {
  file: string;
  line: number;
  name: string;
  rule: string;
  passed: boolean;
  expected: string | null;
  got: string | null;
  reason: string | null;
}

/** The result of running rule tests. */
export interface TestReport {
  cases: CaseOutcome[];
  /** Per rule, the scale levels no case reached. */
  unreached: Record<string, string[]>;
  passed: number;
  failed: number;
}

/** A property that did not hold. */
export interface CheckFailure {
  indicator: string;
  rule: string;
  /** `monotone`, `missing_is_no_data`, `no_error` or `deterministic`. */
  property: string;
  message: string;
}

/** The result of `check`. */
export interface CheckReport {
  indicators: number;
  evaluations: number;
  failures: CheckFailure[];
}

export interface CheckOptions {
  /** Generated inputs per indicator (200). */
  cases?: number;
  /** Seed of the generator (2023): the same seed gives the same inputs. */
  seed?: number;
}

// ------------------------------------------------------------------ inputs

/** The text files of a plan, keyed by path relative to the plan folder (`rules/x.rhai`). */
export type PlanFiles = Record<string, string> | Map<string, string>;

/** A host row: the fields of core's `Observation`. */
export interface RowInput {
  indicator: Id;
  entity: Id;
  period: Id;
  /** Defaults to `T`. */
  gender?: GenderInput | null;
  /** A number; absent or null is a gap. NaN and infinities are refused. */
  value?: number | null;
  /** Why the value is missing (Kolada's marker or status). */
  missing?: string | null;
  /** For a group row: members contributing. */
  count?: number | null;
  source?: string | null;
}

/** A row as `Observations.rows()` returns it (and as `fromRows` accepts it back). */
export interface Observation {
  indicator: string;
  entity: string;
  period: string;
  gender: Gender;
  value: number | null;
  missing?: string;
  count?: number;
  source?: string;
}

/** An assignment follow-up. */
export interface AssignmentUpdateInput {
  assignment: string;
  period: Id;
  status: AssignmentStatus;
  comment?: string | null;
}

export interface AssignmentUpdate {
  assignment: string;
  period: string;
  status: AssignmentStatus;
  comment: string;
}

/**
 * What to evaluate: `null`/`undefined` for the plan's own `data/` folder (read once, kept with
 * the plan), or `Observations` made by `Observations.fromRows`, `fromCsv` or `fromJson`. A
 * string is never read as data: the constructors say whether it is CSV or JSON.
 */
export type DataInput = Observations | null | undefined;

/** Which report: every field optional (the plan's entity; its period or the latest with data). */
export interface Query {
  entity?: string | null;
  period?: PeriodInput | null;
  /** Genders to evaluate (one or a list); total is always evaluated. Default: all three. */
  genders?: GenderInput[] | GenderInput | null;
}

/** Which indicator result: as `Query`, with one gender (default `T`). */
export interface IndicatorQuery {
  entity?: string | null;
  period?: PeriodInput | null;
  gender?: GenderInput | null;
}

/** A report format of core's renderers. */
export type RenderFormat = 'html' | 'md' | 'markdown' | 'csv' | 'json' | 'table';

// ------------------------------------------------------------------ outline

export interface OutlineGoal {
  id: string;
  title: string;
  parent: string | null;
  indicators: string[];
  key_figures: string[];
  /** Aggregation rule. */
  rule: string;
}

export interface OutlineIndicator {
  id: string;
  title: string;
  unit: string;
  direction: Direction;
  gender: boolean;
  /** A std rule name (`target`) or a script path in the plan (`rules/x.rhai`). */
  rule: string;
  targets: Record<string, number>;
}

/** Core's outline of a plan: what a page needs to list it. */
export interface PlanOutline {
  id: string;
  title: string;
  description: string | null;
  entity: string | null;
  period: string | null;
  language: Language;
  entities: Record<string, string>;
  goals: OutlineGoal[];
  indicators: OutlineIndicator[];
  assignments: OutlineAssignment[];
}

export interface OutlineAssignment {
  id: string;
  /** The goal it serves. */
  goal: string;
  text: string;
  /** Empty means all boards. */
  boards: string[];
}

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
export function runRuleTests(files: PlanFiles): TestReport;
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
