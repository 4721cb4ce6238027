//! Rule tests (`*.test.toml`), property checks, explanations and required values.

use crate::data::{AssignmentUpdate, Observation, Observations};
use crate::error::line_column;
use crate::error::{Code, Error, Result};
use crate::eval::{Gathered, Query};
use crate::files::{self, PlanFiles};
use crate::model::{AssignmentStatus, Gender, Language, PeerStats, PeriodValue};
use crate::plan::{Finite, Indicator, MAX_WEIGHT, Plan, RawParams, params_table, toml_number};
use crate::report::{GoalResult, IndicatorResult};
use crate::rules::{self, IndicatorContext, Inputs};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    language: Option<Language>,
    #[serde(default)]
    case: Vec<Spanned<RuleCase>>,
    #[serde(default)]
    aggregate_case: Vec<Spanned<AggregateCase>>,
    #[serde(default)]
    plan_case: Vec<Spanned<PlanCase>>,
}

// Every number of a test case is `Finite` (NaN and infinities refused where they stand), every
// inline table strict, and every status checked against the scale before a case runs.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleCase {
    name: String,
    rule: String,
    #[serde(default)]
    params: RawParams,
    direction: Option<String>,
    unit: Option<String>,
    value: Option<Finite>,
    target: Option<Finite>,
    #[serde(default)]
    targets: BTreeMap<String, Finite>,
    previous: Option<Finite>,
    #[serde(default)]
    history: Vec<HistoryInput>,
    national: Option<Finite>,
    peers: Option<PeersInput>,
    percentile: Option<Finite>,
    women: Option<Finite>,
    men: Option<Finite>,
    period: Option<String>,
    expect: Spanned<String>,
    expect_reason_contains: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryInput {
    period: String,
    value: Finite,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeersInput {
    mean: Option<Finite>,
    median: Option<Finite>,
    min: Option<Finite>,
    max: Option<Finite>,
    count: Option<usize>,
    #[serde(default)]
    values: Vec<Finite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AggregateCase {
    name: String,
    rule: String,
    #[serde(default)]
    params: RawParams,
    #[serde(default)]
    indicators: Vec<AggItem>,
    #[serde(default)]
    assignments: Vec<AggItem>,
    #[serde(default)]
    children: Vec<AggItem>,
    expect: Spanned<String>,
    expect_reason_contains: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AggItem {
    id: Option<String>,
    status: Spanned<String>,
    weight: Option<Spanned<Finite>>,
    improving: Option<bool>,
    value: Option<Finite>,
    target: Option<Finite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanCase {
    name: String,
    entity: Option<String>,
    period: Option<String>,
    data: Option<String>,
    #[serde(default)]
    observations: Vec<ObservationInput>,
    #[serde(default)]
    assignments: Vec<AssignmentInput>,
    #[serde(default)]
    expect_indicators: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    expect_goals: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    expect_reasons_contain: BTreeMap<String, String>,
}

/// An observation as a plan case writes it: the row vocabulary of every reader
/// ([`crate::OBSERVATION_FIELDS`], aliases included; gender defaults to T), none other. Kept
/// as its own type so that an error stands at the key it is about.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationInput {
    #[serde(alias = "kpi")]
    indicator: String,
    #[serde(alias = "municipality")]
    entity: String,
    #[serde(alias = "year")]
    period: String,
    gender: Option<Gender>,
    value: Option<Finite>,
    #[serde(alias = "status")]
    missing: Option<String>,
    count: Option<u32>,
    source: Option<String>,
    /// A comment for people: accepted and not kept.
    #[allow(dead_code)]
    note: Option<String>,
}

impl From<&ObservationInput> for Observation {
    fn from(o: &ObservationInput) -> Observation {
        Observation {
            indicator: o.indicator.clone(),
            entity: o.entity.clone(),
            period: o.period.clone(),
            gender: o.gender.unwrap_or(Gender::T),
            value: o.value.map(|v| v.0),
            missing: o.missing.clone(),
            count: o.count,
            source: o.source.clone(),
        }
    }
}

/// A follow-up as a plan case writes it: the fields of [`AssignmentUpdate`], none other.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignmentInput {
    assignment: String,
    period: String,
    status: AssignmentStatus,
    #[serde(default)]
    comment: String,
}

impl From<&AssignmentInput> for AssignmentUpdate {
    fn from(a: &AssignmentInput) -> AssignmentUpdate {
        AssignmentUpdate { assignment: a.assignment.clone(), period: a.period.clone(), status: a.status, comment: a.comment.clone() }
    }
}

/// The outcome of one test case.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOutcome {
    /// Test file.
    pub file: String,
    /// 1-based line of the case.
    pub line: usize,
    /// Case name.
    pub name: String,
    /// Rule (or plan) under test.
    pub rule: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was expected, for a failure (`status attained`, `reason containing "x"`).
    pub expected: Option<String>,
    /// What the rule returned, for a failure.
    pub got: Option<String>,
    /// The reason the rule gave.
    pub reason: Option<String>,
}

/// The result of running rule tests.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TestReport {
    /// Every case in file order.
    pub cases: Vec<CaseOutcome>,
    /// Per rule, the scale levels no case reached.
    pub unreached: BTreeMap<String, Vec<String>>,
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
}

/// Runs every `*.test.toml` under `path` (a file or folder). A test file inside a plan folder
/// (a folder above it holds `plan.toml`) runs with that plan: its scripts, scale and data.
///
/// # Errors
/// A test error naming file, line and column for a malformed test file or unknown fields; an
/// io error when the path cannot be read.
pub fn run_rule_tests(path: impl AsRef<Path>) -> Result<TestReport> {
    let path = path.as_ref();
    let mut tests = Vec::new();
    collect_tests(path, &mut tests)?;
    if tests.is_empty() {
        return Err(Error::new(Code::TestNoFiles, format!("no `*.test.toml` files under `{}`", path.display())));
    }
    let mut report = TestReport::default();
    let mut plans: BTreeMap<std::path::PathBuf, Plan> = BTreeMap::new();
    let mut reached: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for test in tests {
        let text = files::read_text(&test)?;
        let plan_dir = test.ancestors().skip(1).find(|d| d.join("plan.toml").is_file()).map(Path::to_path_buf);
        let (plan, rel) = match plan_dir {
            Some(dir) => {
                if !plans.contains_key(&dir) {
                    plans.insert(dir.clone(), Plan::load(&dir)?);
                }
                let rel = test.strip_prefix(&dir).unwrap_or(&test).to_string_lossy().replace('\\', "/");
                (plans[&dir].clone(), rel)
            }
            None => (blank_plan(&text)?, test.display().to_string()),
        };
        run_file(&plan, &text, &rel, &mut report, &mut reached)?;
    }
    finish(report, reached)
}

/// Runs test files held in memory (the browser): every `*.test.toml` in `files`, with the plan
/// in `files` when it holds `plan.toml`.
///
/// # Errors
/// As [`run_rule_tests`].
pub fn run_rule_tests_in(files: &PlanFiles) -> Result<TestReport> {
    files.check()?;
    let mut report = TestReport::default();
    let mut reached = BTreeMap::new();
    let files = &files::without_boms(files.clone());
    let plan = if files.contains_key("plan.toml") { Some(Plan::from_files(files.clone())?) } else { None };
    let mut any = false;
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".test.toml")) {
        any = true;
        let plan = match &plan {
            Some(p) => p.clone(),
            None => blank_plan(text)?,
        };
        run_file(&plan, text, path, &mut report, &mut reached)?;
    }
    if !any {
        return Err(Error::new(Code::TestNoFiles, "no `*.test.toml` files given"));
    }
    finish(report, reached)
}

fn finish(mut report: TestReport, reached: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>) -> Result<TestReport> {
    for (rule, (levels, got)) in reached {
        let missing: Vec<String> = levels.difference(&got).cloned().collect();
        if !missing.is_empty() {
            report.unreached.insert(rule, missing);
        }
    }
    report.passed = report.cases.iter().filter(|c| c.passed).count();
    report.failed = report.cases.len() - report.passed;
    Ok(report)
}

fn collect_tests(path: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| files::io_error(&e, format!("cannot read `{}`: {e}", path.display())))?;
    // The entry's own type, not its target's: a linked folder is not walked (a link to `.` or
    // `/` would walk forever or the whole disk); a linked file is read when it is a regular file;
    // a FIFO or device named `*.test.toml` is never opened.
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().and_then(|e| Some((e.path(), e.file_type().ok()?)))).collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if kind.is_dir() {
            collect_tests(&p, out)?;
        } else if kind.is_symlink() && p.is_dir() {
            return Err(
                Error::new(Code::IoLink, "a link to a folder, which the test runner does not follow").in_file(p.display().to_string())
            );
        } else if name.ends_with(".test.toml") && (kind.is_file() || (kind.is_symlink() && p.is_file())) {
            out.push(p);
        }
    }
    Ok(())
}

/// A plan with no goals, for test files outside any plan folder.
fn blank_plan(test_text: &str) -> Result<Plan> {
    let lang = if test_text.lines().any(|l| l.trim().replace(' ', "") == "language=\"sv\"") { "sv" } else { "en" };
    Plan::from_files(PlanFiles::from([(
        "plan.toml".to_string(),
        format!("[plan]\nid = \"tests\"\ntitle = \"tests\"\nlanguage = \"{lang}\"\n"),
    )]))
}

fn run_file(
    plan: &Plan,
    text: &str,
    file: &str,
    report: &mut TestReport,
    reached: &mut BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
) -> Result<()> {
    let tf: TestFile = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', "; ");
        let code = crate::error::serde_code(
            &msg,
            [Code::TestUnknownField, Code::TestMissingField, Code::TestInvalidType, Code::TestInvalidValue, Code::TestSyntax],
        );
        let err = Error::new(code, msg).in_file(file);
        match e.span() {
            Some(s) => err.at_offset(text, s.start),
            None => err,
        }
    })?;
    let _ = tf.language;
    let mut names = BTreeSet::new();
    let levels: BTreeSet<String> = plan.scale.levels.iter().map(|l| l.id.clone()).chain(["no_data".to_string()]).collect();
    check_statuses(plan, &tf, text, file)?;
    // Line starts, so that each case's line is a binary search (a line count from the start of
    // the file for every case made a large test file quadratic).
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |span: std::ops::Range<usize>| line_starts.partition_point(|&start| start <= span.start).max(1);
    let dup = |name: &str, line: usize| {
        Error::new(Code::TestDuplicateCase, format!("case name `{name}` is used twice")).in_file(file).at(line, 1)
    };
    for c in &tf.case {
        let line = line_of(c.span());
        let c = c.get_ref();
        if !names.insert(c.name.clone()) {
            return Err(dup(&c.name, line));
        }
        let rule = plan.compile_rule(&c.rule).map_err(|e| if e.file().is_some() { e } else { e.in_file(file).at(line, 1) })?;
        let outcome = run_rule_case(plan, &rule, c);
        let entry = reached.entry(rule.id.clone()).or_insert_with(|| (levels.clone(), BTreeSet::new()));
        let (got, reason) = match &outcome {
            Ok((status, reason)) => {
                entry.1.insert(status.clone());
                (status.clone(), Some(reason.clone()))
            }
            Err(e) => (format!("error: {}", e.message()), None),
        };
        report.cases.push(compare(file, line, &c.name, &rule.id, c.expect.get_ref(), c.expect_reason_contains.as_deref(), got, reason));
    }
    for c in &tf.aggregate_case {
        let line = line_of(c.span());
        let c = c.get_ref();
        if !names.insert(c.name.clone()) {
            return Err(dup(&c.name, line));
        }
        let rule = compile_aggregation(plan, &c.rule).map_err(|e| if e.file().is_some() { e } else { e.in_file(file).at(line, 1) })?;
        let entry = reached.entry(rule.id.clone()).or_insert_with(|| (levels.clone(), BTreeSet::new()));
        let outcome = run_aggregate_case(plan, &rule, c);
        let (got, reason) = match outcome {
            Ok(v) => {
                entry.1.insert(v.status.clone());
                (v.status, v.reason)
            }
            Err(e) => (format!("error: {}", e.message()), None),
        };
        report.cases.push(compare(file, line, &c.name, &rule.id, c.expect.get_ref(), c.expect_reason_contains.as_deref(), got, reason));
    }
    for c in &tf.plan_case {
        let line = line_of(c.span());
        let c = c.get_ref();
        if !names.insert(c.name.clone()) {
            return Err(dup(&c.name, line));
        }
        report.cases.extend(run_plan_case(plan, c, file, line)?);
    }
    Ok(())
}

/// Every status a test file expects or states (`expect`, an aggregation part's `status`, a plan
/// case's `expect_indicators` and `expect_goals`) is a level of the plan's scale, `no_data` or
/// `error`, and every weight of a part is in range: a typo is an error where it stands, not a
/// case that can never pass (or a part silently left without a score).
fn check_statuses(plan: &Plan, tf: &TestFile, text: &str, file: &str) -> Result<()> {
    let known: Vec<&str> = plan.scale.levels.iter().map(|l| l.id.as_str()).chain(["no_data", "error"]).collect();
    let at = |span: std::ops::Range<usize>, code: Code, msg: String| {
        let (line, column) = line_column(text, span.start);
        Error::new(code, msg).in_file(file).at(line, column)
    };
    let check = |s: &Spanned<String>| -> Result<()> {
        if known.contains(&s.get_ref().as_str()) {
            Ok(())
        } else {
            Err(at(
                s.span(),
                Code::TestUnknownStatus,
                format!("unknown status `{}` (the scale's statuses are {})", s.get_ref(), known.join(", ")),
            ))
        }
    };
    for c in &tf.case {
        check(&c.get_ref().expect)?;
    }
    for c in &tf.aggregate_case {
        let c = c.get_ref();
        check(&c.expect)?;
        for item in c.indicators.iter().chain(&c.assignments).chain(&c.children) {
            check(&item.status)?;
            if let Some(w) = &item.weight {
                let x = w.get_ref().0;
                if !(x > 0.0 && x <= MAX_WEIGHT) {
                    return Err(at(
                        w.span(),
                        Code::TestInvalidValue,
                        format!("weight `{}` is not above 0 and at most {MAX_WEIGHT}", toml_number(x)),
                    ));
                }
            }
        }
    }
    for c in &tf.plan_case {
        for s in c.get_ref().expect_indicators.values().chain(c.get_ref().expect_goals.values()) {
            check(s)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn compare(
    file: &str,
    line: usize,
    name: &str,
    rule: &str,
    expect: &str,
    contains: Option<&str>,
    got: String,
    reason: Option<String>,
) -> CaseOutcome {
    // A rule that raised an error comes back as `error: …`; `expect = "error"` expects just that.
    let status_ok = got == expect || (expect == "error" && got.starts_with("error: "));
    let reason_ok = contains.is_none_or(|c| reason.as_deref().is_some_and(|r| r.contains(c)));
    let passed = status_ok && reason_ok;
    let expected = (!passed).then(|| match contains {
        Some(c) => format!("{expect}, reason containing \"{c}\""),
        None => expect.to_string(),
    });
    CaseOutcome {
        file: file.to_string(),
        line,
        name: name.to_string(),
        rule: rule.to_string(),
        passed,
        expected,
        got: (!passed).then(|| got.clone()),
        reason,
    }
}

fn compile_aggregation(plan: &Plan, name: &str) -> Result<rules::CompiledRule> {
    if rules::is_std_aggregation(name) {
        return plan.engine.compile(name, rules::std_source(name).unwrap_or_default(), &format!("std/{name}.rhai"));
    }
    let src = plan.files.get(name).ok_or_else(|| {
        Error::new(Code::TestUnknownAggregation, format!("aggregation `{name}` is neither a std aggregation nor a script in the plan"))
    })?;
    plan.engine.compile(name, src, name)
}

fn run_rule_case(plan: &Plan, rule: &rules::CompiledRule, c: &RuleCase) -> Result<(String, String)> {
    let higher = match c.direction.as_deref() {
        None | Some("higher") => true,
        Some("lower") => false,
        Some(other) => return Err(Error::new(Code::TestInvalidValue, format!("direction `{other}` is neither `higher` nor `lower`"))),
    };
    let f = |x: Option<Finite>| x.map(|x| x.0);
    let mut history: Vec<PeriodValue> = c.history.iter().map(|h| PeriodValue { period: h.period.clone(), value: h.value.0 }).collect();
    if history.is_empty() {
        if let Some(p) = f(c.previous) {
            history.push(PeriodValue { period: "previous".into(), value: p });
        }
    }
    let period = c.period.clone().unwrap_or_else(|| "2023".into());
    let case_targets: BTreeMap<String, f64> = c.targets.iter().map(|(p, v)| (p.clone(), v.0)).collect();
    let target = f(c.target).or_else(|| crate::plan::target_on_line(&case_targets, &period));
    let inputs = Inputs {
        value: f(c.value),
        target,
        previous: f(c.previous).or_else(|| history.last().map(|h| h.value)),
        history,
        national: f(c.national),
        peers: c.peers.as_ref().map(|p| {
            PeerStats::from_values(p.values.iter().map(|v| v.0).collect()).with_stated(f(p.mean), f(p.median), f(p.min), f(p.max), p.count)
        }),
        percentile: f(c.percentile),
        women: f(c.women),
        men: f(c.men),
        period,
    };
    let params = rules::params_to_dynamic(&params_table(c.params.clone()));
    let unit = c.unit.as_deref().unwrap_or("");
    let (info, targets) = (rules::info_map("test", &c.name, unit), rules::targets_map(&case_targets));
    let native = if rules::is_std_rule(&rule.id) { crate::native::StdRule::new(&rule.id, &params) } else { None };
    let ctx = IndicatorContext {
        higher_is_better: higher,
        targets: &case_targets,
        unit,
        decimals: None,
        params: &params,
        info: &info,
        rhai_targets: &targets,
        native: native.as_ref(),
    };
    let v = plan.run_rule_ctx(rule, &ctx, &inputs)?;
    Ok((v.status, v.reason.unwrap_or_default()))
}

fn run_aggregate_case(plan: &Plan, rule: &rules::CompiledRule, c: &AggregateCase) -> Result<rules::Verdict> {
    let parts = |items: &[AggItem]| -> Vec<rules::Part> {
        items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let id = it.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
                let score = plan.scale.level(it.status.get_ref()).and_then(|l| l.score);
                let weight = it.weight.as_ref().map_or(1.0, |w| w.get_ref().0);
                rules::Part {
                    value: it.value.map(|v| v.0),
                    target: it.target.map(|v| v.0),
                    improving: it.improving,
                    ..rules::Part::new(rules::PartKind::Indicator, &id, it.status.get_ref(), score, weight)
                }
            })
            .collect()
    };
    let params = rules::params_to_dynamic(&params_table(c.params.clone()));
    let native = if rules::is_std_aggregation(&rule.id) { crate::native::StdAggregation::new(&rule.id, &params) } else { None };
    let (indicators, assignments, children) = (parts(&c.indicators), parts(&c.assignments), parts(&c.children));
    let input = rules::AggregationInput { indicators: &indicators, assignments: &assignments, children: &children, params: &params };
    plan.run_aggregation(rule, native.as_ref(), &input)
}

fn run_plan_case(plan: &Plan, c: &PlanCase, file: &str, line: usize) -> Result<Vec<CaseOutcome>> {
    let mut data = match c.data.as_deref() {
        Some("plan") => plan.bundled_data()?,
        None => Observations::default(),
        Some(other) => {
            return Err(Error::new(
                Code::TestInvalidValue,
                format!("data = `{other}`: the only value is \"plan\" (the plan's data folder)"),
            )
            .in_file(file)
            .at(line, 1));
        }
    };
    let rows = c.observations.iter().map(Observation::from).collect();
    data.merge_checked(Observations::from_rows(rows).map_err(|e| e.in_file(file))?).map_err(|e| e.in_file(file))?;
    let mut extra = Observations::default();
    for (i, a) in c.assignments.iter().enumerate() {
        extra.add_assignment(AssignmentUpdate::from(a)).map_err(|e| e.in_file(file).at_row(i + 1))?;
    }
    data.merge(extra);
    let query = Query { entity: c.entity.clone(), period: c.period.clone(), genders: None };
    let report = plan.evaluate(&data, &query).map_err(|e| e.in_file(file).at(line, 1))?;
    let mut out = Vec::new();
    let mut push = |what: String, expect: &str, contains: Option<&str>, got: Option<(String, String)>| {
        let (status, reason) = got.unwrap_or_else(|| ("missing from the report".into(), String::new()));
        out.push(compare(file, line, &format!("{} › {what}", c.name), &plan.id, expect, contains, status, Some(reason)));
    };
    for (id, expect) in &c.expect_indicators {
        let got = report.indicator(id, Gender::T).map(|r| (r.status.clone(), r.reason.clone()));
        push(format!("indicator {id}"), expect.get_ref(), c.expect_reasons_contain.get(id).map(String::as_str), got);
    }
    for (id, expect) in &c.expect_goals {
        let got = report.goal(id).map(|g| (g.status.clone(), g.reason.clone()));
        push(format!("goal {id}"), expect.get_ref(), c.expect_reasons_contain.get(id).map(String::as_str), got);
    }
    if c.expect_goals.is_empty() && c.expect_indicators.is_empty() {
        return Err(Error::new(Code::TestExpectsNothing, format!("plan case `{}` expects nothing", c.name)).in_file(file).at(line, 1));
    }
    Ok(out)
}

/// Most generated inputs per indicator [`check`] takes: more says little, and each costs a rule
/// evaluation.
pub const MAX_CHECK_CASES: usize = 100_000;

/// Settings of [`check`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOptions {
    /// Generated inputs per indicator.
    pub cases: usize,
    /// Seed of the generator: the same seed gives the same inputs.
    pub seed: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { cases: 200, seed: 2023 }
    }
}

/// A property that did not hold.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckFailure {
    /// Indicator whose rule failed.
    pub indicator: String,
    /// Rule id.
    pub rule: String,
    /// Property: `monotone`, `missing_is_no_data`, `no_error`, `deterministic`.
    pub property: String,
    /// What happened, with the smallest counterexample found.
    pub message: String,
}

/// The result of [`check`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CheckReport {
    /// Indicators checked.
    pub indicators: usize,
    /// Rule evaluations run.
    pub evaluations: usize,
    /// Failures, at most one per indicator and property.
    pub failures: Vec<CheckFailure>,
}

/// xorshift64*: small, seeded, reproducible on every platform (`check`, and the native twins' tests).
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn next(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// Checks every indicator rule of the plan on generated inputs: a better value never gives a
/// worse status (polarity-aware), a missing value gives `no_data`, no input in the domain raises
/// an error, and the same input gives the same output.
///
/// The domain of each indicator is taken from its values in the plan's data (widened by half
/// their range), or 0..100 when there are none.
///
/// # Errors
/// A data error when the plan's bundled data cannot be read.
pub fn check(plan: &Plan, options: &CheckOptions) -> Result<CheckReport> {
    if options.cases > MAX_CHECK_CASES {
        return Err(Error::new(Code::QueryLimitCases, format!("`cases` must be at most {MAX_CHECK_CASES}, got {}", options.cases)));
    }
    let data = plan.bundled_data()?;
    let mut report = CheckReport::default();
    let mut rng = Rng(options.seed.max(1));
    for ind in &plan.indicators {
        report.indicators += 1;
        let seen: Vec<f64> = data.rows().iter().filter(|r| r.indicator == ind.id).filter_map(|r| r.value).collect();
        let (lo, hi) = if seen.is_empty() {
            (0.0, 100.0)
        } else {
            let lo = seen.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = seen.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) / 2.0).max(hi.abs().max(1.0) * 0.2);
            (lo - pad, hi + pad)
        };
        let fail = |report: &mut CheckReport, property: &str, message: String| {
            if !report.failures.iter().any(|f| f.indicator == ind.id && f.property == property) {
                report.failures.push(CheckFailure {
                    indicator: ind.id.clone(),
                    rule: ind.rule.id.clone(),
                    property: property.into(),
                    message,
                });
            }
        };
        let mut best_counter: Option<(f64, String)> = None;
        for _ in 0..options.cases {
            let population: Vec<f64> = (0..20).map(|_| rng.range(lo, hi)).collect();
            let mut base = Inputs {
                target: Some(rng.range(lo, hi)),
                national: Some(rng.range(lo, hi)),
                peers: Some(PeerStats::from_values(population[..8].to_vec())),
                women: ind.gender.then(|| rng.range(lo, hi)),
                men: ind.gender.then(|| rng.range(lo, hi)),
                period: plan.period.clone().unwrap_or_else(|| "2023".into()),
                ..Default::default()
            };
            if !ind.targets.is_empty() {
                base.target = ind.target_for(&base.period);
            }
            let prev = rng.range(lo, hi);
            base.previous = Some(prev);
            base.history =
                vec![PeriodValue { period: "2019".into(), value: rng.range(lo, hi) }, PeriodValue { period: "2022".into(), value: prev }];
            let run = |v: Option<f64>| {
                let mut i = base.clone();
                i.value = v;
                i.percentile = v.map(|x| {
                    let worse = population.iter().filter(|p| if ind.higher_is_better() { **p < x } else { **p > x }).count();
                    worse as f64 / population.len() as f64
                });
                plan.run_rule(ind, &i)
            };
            let (a, b) = (rng.range(lo, hi), rng.range(lo, hi));
            let (worse_v, better_v) = if (a < b) == ind.higher_is_better() { (a, b) } else { (b, a) };
            report.evaluations += 4;
            match run(None) {
                Ok(v) if v.status == "no_data" => {}
                Ok(v) => fail(&mut report, "missing_is_no_data", format!("a missing value gave `{}`, not no_data", v.status)),
                Err(e) => fail(&mut report, "missing_is_no_data", format!("a missing value raised an error: {}", e.message())),
            }
            let (rw, rb) = match (run(Some(worse_v)), run(Some(better_v))) {
                (Ok(w), Ok(b)) => (w, b),
                (Err(e), _) | (_, Err(e)) => {
                    fail(&mut report, "no_error", format!("value {worse_v} or {better_v} raised an error: {}", e.message()));
                    continue;
                }
            };
            if let Ok(again) = run(Some(better_v)) {
                if again != rb {
                    fail(&mut report, "deterministic", format!("value {better_v} gave `{}` then `{}`", rb.status, again.status));
                }
            }
            if let (Some(rank_w), Some(rank_b)) = (plan.scale.rank(&rw.status), plan.scale.rank(&rb.status)) {
                if rank_b > rank_w {
                    let gap = (better_v - worse_v).abs();
                    if best_counter.as_ref().is_none_or(|(g, _)| gap < *g) {
                        best_counter = Some((
                            gap,
                            format!(
                                "the better value {} gave `{}` but the worse value {} gave `{}` ({} is better)",
                                better_v,
                                rb.status,
                                worse_v,
                                rw.status,
                                if ind.higher_is_better() { "higher" } else { "lower" }
                            ),
                        ));
                    }
                }
            }
        }
        if let Some((_, message)) = best_counter {
            fail(&mut report, "monotone", message);
        }
    }
    Ok(report)
}

/// Everything an indicator's rule saw, what it returned, and the goals it feeds.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The indicator's result with every input (value, target, references, history).
    pub result: IndicatorResult,
    /// Params given to the rule.
    pub params: serde_json::Value,
    /// The rule's source text.
    pub rule_source: String,
    /// Goals the indicator feeds, with their results.
    pub goals: Vec<GoalResult>,
}

/// The nearest value that moves an indicator to the next better level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Required {
    /// Indicator id.
    pub indicator: String,
    /// Gender.
    pub gender: Gender,
    /// Period judged.
    pub period: Option<String>,
    /// Current value.
    pub value: Option<f64>,
    /// Current status.
    pub status: String,
    /// The next better level, when there is one.
    pub next_status: Option<String>,
    /// The value that reaches it, when one exists.
    pub required: Option<f64>,
    /// A sentence for a person.
    pub message: String,
}

impl Plan {
    pub(crate) fn find_indicator(&self, id: &str) -> Result<&Indicator> {
        self.indicator(id).ok_or_else(|| Error::new(Code::QueryUnknownIndicator, format!("the plan has no indicator `{id}`")))
    }

    /// Explains one indicator: every input, the status and reason, and the goal results it feeds.
    ///
    /// # Errors
    /// A query error for an unknown indicator or entity.
    pub fn explain(&self, data: &Observations, query: &Query, indicator: &str, gender: Gender) -> Result<Explanation> {
        let ind = self.find_indicator(indicator)?;
        let report = self.evaluate(data, &Query { genders: Some(Gender::ALL.to_vec()), ..query.clone() })?;
        let result = report.indicator(indicator, gender).cloned().ok_or_else(|| {
            Error::new(
                Code::QueryInvalidGender,
                format!("indicator `{indicator}` is not split by gender, so there is no result for {gender}"),
            )
        })?;
        let goals = report.goals.iter().filter(|g| result.goals.contains(&g.id)).cloned().collect();
        let source = if rules::is_std_rule(&ind.rule.id) {
            rules::std_source(&ind.rule.id).unwrap_or_default().to_string()
        } else {
            self.files.get(&ind.rule.id).cloned().unwrap_or_default()
        };
        Ok(Explanation { result, params: serde_json::to_value(&ind.params_toml).unwrap_or_default(), rule_source: source, goals })
    }

    /// For a monotone rule, the nearest value that moves the indicator to the next better level,
    /// found by bisection over the rule with every other input held as the data gives it.
    ///
    /// # Errors
    /// A query error for an unknown indicator or entity; a rule error when the rule fails.
    pub fn required(&self, data: &Observations, query: &Query, indicator: &str, gender: Gender) -> Result<Required> {
        let ind = self.find_indicator(indicator)?;
        let index = data.index();
        let (entity, period) = self.resolve_query(&index, query)?;
        let Gathered { inputs, period_used, .. } = self.gather(&index, None, ind, &entity, &period, gender);
        let lang = self.language;
        let tr = |en: String, sv: String| if lang == Language::Sv { sv } else { en };
        let base = Required {
            indicator: ind.id.clone(),
            gender,
            period: period_used.clone(),
            value: inputs.value,
            status: "no_data".into(),
            next_status: None,
            required: None,
            message: String::new(),
        };
        let Some(value) = inputs.value else {
            return Ok(Required {
                message: tr(format!("`{}` has no value to start from", ind.id), format!("`{}` saknar värde att utgå från", ind.id)),
                ..base
            });
        };
        let status_at = |x: f64| -> Result<String> {
            let mut i = inputs.clone();
            i.value = Some(x);
            // The percentile moves with the value (the quartile rule reads it).
            if let Some(at) = &period_used {
                i.percentile = self.percentile(&index, ind, at, gender, &entity, x);
            }
            Ok(self.run_rule(ind, &i)?.status)
        };
        let now = status_at(value)?;
        let Some(rank) = self.scale.rank(&now) else {
            return Ok(Required {
                status: now.clone(),
                message: tr(
                    format!("the rule gives `{now}`, which is not on the scale"),
                    format!("regeln ger `{now}`, som inte finns på skalan"),
                ),
                ..base
            });
        };
        if rank == 0 {
            return Ok(Required {
                status: now.clone(),
                message: tr(
                    format!("`{}` is already at the best level ({now})", ind.title),
                    format!("`{}` har redan bästa nivån ({now})", ind.title),
                ),
                ..base
            });
        }
        let next = self.scale.levels[rank - 1].id.clone();
        let sign = if ind.higher_is_better() { 1.0 } else { -1.0 };
        let better_than_now = |s: &str| self.scale.rank(s).is_some_and(|r| r < rank);
        // Step outwards in the better direction until the status improves.
        let mut step = value.abs().max(1.0) * 0.001;
        let mut far = None;
        for _ in 0..80 {
            let x = value + sign * step;
            if better_than_now(&status_at(x)?) {
                far = Some(x);
                break;
            }
            step *= 2.0;
            if step > 1e15 {
                break;
            }
        }
        let Some(mut hi) = far else {
            return Ok(Required {
                status: now,
                next_status: Some(next),
                message: tr(
                    format!("no value of `{}` moves it to a better level with the other inputs as they are", ind.title),
                    format!("inget värde på `{}` ger en bättre nivå med övriga indata oförändrade", ind.title),
                ),
                ..base
            });
        };
        let mut lo = value;
        for _ in 0..100 {
            let mid = (lo + hi) / 2.0;
            if better_than_now(&status_at(mid)?) {
                hi = mid;
            } else {
                lo = mid;
            }
            if (hi - lo).abs() <= 1e-9 * hi.abs().max(1.0) {
                break;
            }
        }
        // In the indicator's own precision: the value as the report would show it, if that
        // still reaches the better level, else one step of that precision further.
        let decimals = ind.decimals.unwrap_or(2).min(rules::limits::MAX_DECIMALS);
        let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(2));
        let steps = (hi * scale).round();
        let hi = if better_than_now(&status_at(steps / scale)?) { steps / scale } else { (steps + sign) / scale };
        let reached = status_at(hi)?;
        let shown = rules::format_number(Some(hi), Some(decimals), lang);
        let unit = if ind.unit.is_empty() { String::new() } else { format!(" {}", ind.unit) };
        Ok(Required {
            status: now.clone(),
            next_status: Some(reached.clone()),
            required: Some(hi),
            message: tr(
                format!("{} must reach {shown}{unit} to be {reached} (now {now})", ind.title),
                format!(
                    "{} måste nå {shown}{unit} för att bli {} (nu {})",
                    ind.title,
                    self.scale.level(&reached).map_or(reached.as_str(), |l| l.label.as_str()),
                    self.scale.level(&now).map_or(now.as_str(), |l| l.label.as_str())
                ),
            ),
            ..base
        })
    }
}
