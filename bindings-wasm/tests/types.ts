// Checked by `tsc --noEmit` (never run): the declarations in index.d.ts describe the API as
// a user writes it, and they are precise (the @ts-expect-error lines must be errors).
import init, {
  Observations,
  Plan,
  check,
  render,
  renderHtml,
  runRuleTests,
  version,
  type AssessInputs,
  type Assessment,
  type AttainError,
  type CheckReport,
  type Explanation,
  type GoalResult,
  type IndicatorResult,
  type PeerStats,
  type Report,
  type Required,
  type Scale,
  type TestReport,
} from 'attain-wasm';

export async function use(files: Record<string, string>): Promise<string> {
  await init();
  const plan: Plan = Plan.fromFiles(files);
  const report: Report = plan.evaluate(null, { entity: '2380', period: 2023, genders: ['T', 'K'] });
  const bundled: Report = plan.evaluate();
  const fromCsv: Report = plan.evaluate(Observations.fromCsv('indicator,entity,period,value\nA,1,2022,5\n'));
  const fromRows: Report = plan.evaluate(Observations.fromRows([{ indicator: 'A', entity: 1, period: '2022', value: 5, gender: 'K' }]));
  const withFollowUps = plan.evaluate(Observations.fromRows([], [{ assignment: 'A1', period: '2023', status: 'done' }]));
  const inputs: AssessInputs = { value: 60, period: 2023, history: [{ period: '2022', value: 55 }] };
  const what: Assessment = plan.assess('A', inputs);
  const used: number | null = what.target ?? what.previous ?? what.score;
  const judged: string = what.period;
  const batch: Assessment[] = plan.assessMany('A', [inputs, { value: 75 }]);

  const goal: GoalResult | undefined = report.goals[0];
  const status: string | undefined = goal?.status;
  const ind: IndicatorResult | undefined = report.indicators.find((r) => r.gender === 'K');
  const peers: PeerStats | null | undefined = ind?.peers;
  const median: number | null | undefined = peers?.median;
  const scale: Scale = report.scale;
  const best: string | undefined = scale.levels[0]?.label;
  const errorLine: number | null | undefined = ind?.error?.line;

  const data: Observations = plan.data();
  data.setValue('A', '2380', '2023', 'T', 72.5);
  data.setValue('A', '2380', '2023', null, null);
  const merged: Observations = data.merge(Observations.fromCsv('indicator,entity,period,value\n', 'x.csv'));
  const n: number = merged.length;
  const firstRow = merged.rows()[0];
  const gender: 'T' | 'K' | 'M' | undefined = firstRow?.gender;

  const many: Report[] = plan.evaluateMany(data, ['2380'], [2022, '2023']);
  const why: Explanation = plan.explain(data, 'A', { gender: 'K' });
  const need: Required = plan.required(null, 'A', {});
  const nextValue: number | null = need.required;
  const tests: TestReport = runRuleTests(files);
  const covered: TestReport = runRuleTests(files, { coverage: false });
  const lines: number | undefined = covered.coverage?.scripts[0]?.lines[0];
  const mutated: TestReport = runRuleTests(files, { mutants: true });
  const survivor: string | undefined = mutated.mutants?.mutants.find((m) => m.status === 'survived')?.original;
  const failedCase = tests.cases.find((c) => !c.passed)?.got;
  const checked: CheckReport = check(plan, { cases: 10, seed: 1 });
  const html: string = renderHtml(report) + render(report, 'md') + renderHtml(JSON.stringify(bundled));
  const outline = plan.outline();
  const rules: string[] = outline.indicators.map((i) => i.rule);
  const v: string = version().schema;

  try {
    Plan.fromFiles({ 'plan.toml': '' });
  } catch (e) {
    const err = e as AttainError;
    const where: string = `${err.file ?? '?'}:${err.line ?? '?'}:${err.column ?? '?'} row ${err.row ?? '-'}`;
    const kind: 'plan' | 'rule' | 'data' | 'query' | 'test' | 'io' | 'interrupted' | 'internal' = err.type;
    return `${where} ${kind} ${err.message}`;
  }

  // @ts-expect-error the status is a string, not a number
  const wrong: number = report.goals[0]!.status;
  // @ts-expect-error unknown query fields are refused
  plan.evaluate(null, { entity: '1', perod: '2022' });
  // @ts-expect-error a string is never data: say what it is with Observations.fromCsv or fromJson
  plan.evaluate('indicator,entity,period,value\n');
  // @ts-expect-error unknown what-if inputs are refused
  plan.assess('A', { valeu: 60 });
  // @ts-expect-error a value is a number or null
  data.setValue('A', '1', '2022', 'T', '5');
  // @ts-expect-error report fields are snake_case, as in core's JSON
  report.entityName;
  // @ts-expect-error the constructor is private: use Plan.fromFiles
  new Plan();

  const assignments: string[] = outline.assignments.map((a) => a.goal);
  return [used, judged, batch, assignments, fromCsv, fromRows, withFollowUps, status, median, best, errorLine, n, gender, many, why, nextValue, failedCase, checked, html, rules, v, wrong].join();
}
