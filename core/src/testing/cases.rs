//! The cases of one test file: rule, aggregation and plan cases as written, run and compared with what they expect.

use super::case_targets::CaseTargets;
use super::measures::Expected;
use super::{CaseOutcome, Reached, TestReport};
use crate::bound::{BoundRule, settle};
use crate::data::{AssignmentUpdate, Observation, Observations};
use crate::error::line_column;
use crate::error::{Code, Error, Result};
use crate::eval::Query;
use crate::judgement::{AggregationInput, IndicatorContext, Inputs, Measures, Part, PartKind, Verdict};
use crate::model::{AssignmentStatus, Gender, Language, PeerStats, PeriodValue};
use crate::plan::{Finite, MAX_WEIGHT, Plan, RawParams, params_table, toml_number};
use crate::script::{info_map, targets_map};
use crate::stdlib::RuleKind;
use crate::target::{TargetInput, target_on_line};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    language: Option<Language>,
    /// The shipped scale the blank plan of a test file outside a plan folder is on (`sdg`).
    scale: Option<String>,
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
    target: Option<Spanned<TargetInput>>,
    #[serde(default)]
    targets: BTreeMap<String, Spanned<TargetInput>>,
    previous: Option<Finite>,
    #[serde(default)]
    history: Vec<HistoryInput>,
    national: Option<Finite>,
    peers: Option<PeersInput>,
    percentile: Option<Finite>,
    municipal_mean: Option<Finite>,
    women: Option<Finite>,
    men: Option<Finite>,
    period: Option<String>,
    expect: Spanned<String>,
    expect_reason_contains: Option<String>,
    /// Measures the verdict must carry, each within `measure_tolerance` (default 1e-9).
    #[serde(default)]
    expect_measures: BTreeMap<String, Finite>,
    measure_tolerance: Option<Finite>,
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
    /// Measures the verdict must carry, each within `measure_tolerance` (default 1e-9).
    #[serde(default)]
    expect_measures: BTreeMap<String, Finite>,
    measure_tolerance: Option<Finite>,
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
    /// The measures the part's own rule handed on (`score` for `sdg_mean_score`).
    #[serde(default)]
    measures: BTreeMap<String, Finite>,
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

pub(super) fn run_file(plan: &Plan, text: &str, file: &str, report: &mut TestReport, reached: &mut Reached) -> Result<()> {
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
    check_scale(plan, tf.scale.as_deref(), file)?;
    let mut names = BTreeSet::new();
    let levels: BTreeSet<String> = plan.scale.levels().iter().map(|l| l.id.clone()).chain(["no_data".to_string()]).collect();
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
        let (id, rule) = bind_case(plan, &c.rule, RuleKind::Indicator, &c.params, file, line)?;
        let targets = CaseTargets::read(c.direction.as_deref(), c.period.as_deref(), c.target.as_ref(), &c.targets, (text, file))?;
        let outcome = rule.and_then(|rule| run_rule_case(plan, &rule, c, &targets));
        let entry = reached.entry(id.clone()).or_insert_with(|| (levels.clone(), BTreeSet::new()));
        let (got, reason, measures) = match outcome {
            Ok(v) => {
                entry.1.insert(v.status.clone());
                (v.status, v.reason, v.measures)
            }
            Err(e) => (format!("error: {}", e.message()), None, Measures::new()),
        };
        let expected = Expected { measures: &c.expect_measures, tolerance: c.measure_tolerance };
        let mut outcome = compare(file, line, &c.name, &id, c.expect.get_ref(), c.expect_reason_contains.as_deref(), got, reason);
        with_measures(&mut outcome, &expected, &measures);
        report.cases.push(outcome);
    }
    for c in &tf.aggregate_case {
        let line = line_of(c.span());
        let c = c.get_ref();
        if !names.insert(c.name.clone()) {
            return Err(dup(&c.name, line));
        }
        let (id, rule) = bind_case(plan, &c.rule, RuleKind::Aggregation, &c.params, file, line)?;
        let entry = reached.entry(id.clone()).or_insert_with(|| (levels.clone(), BTreeSet::new()));
        let outcome = rule.and_then(|rule| run_aggregate_case(plan, &rule, c));
        let (got, reason, measures) = match outcome {
            Ok(v) => {
                entry.1.insert(v.status.clone());
                (v.status, v.reason, v.measures)
            }
            Err(e) => (format!("error: {}", e.message()), None, Measures::new()),
        };
        let expected = Expected { measures: &c.expect_measures, tolerance: c.measure_tolerance };
        let mut outcome = compare(file, line, &c.name, &id, c.expect.get_ref(), c.expect_reason_contains.as_deref(), got, reason);
        with_measures(&mut outcome, &expected, &measures);
        report.cases.push(outcome);
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
    let known: Vec<&str> = plan.scale.levels().iter().map(|l| l.id.as_str()).chain(["no_data", "error"]).collect();
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
    let errored = expect == "error" && got.starts_with("error: ");
    let status_ok = got == expect || errored;
    // With `expect = "error"`, `expect_reason_contains` is looked for in the error's message.
    let reason_ok = contains.is_none_or(|c| reason.as_deref().is_some_and(|r| r.contains(c)) || (errored && got.contains(c)));
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

/// A case that passed on status and reason fails when a measure it expects is missing or off.
fn with_measures(outcome: &mut CaseOutcome, expected: &Expected<'_>, got: &Measures) {
    if let (true, Some((want, have))) = (outcome.passed, expected.mismatch(got)) {
        outcome.passed = false;
        outcome.expected = Some(want);
        outcome.got = Some(have);
    }
}

/// A test file's `scale` names the shipped scale its cases run on: outside a plan folder the
/// blank plan is on it; inside one, the plan's own scale must be that one.
fn check_scale(plan: &Plan, scale: Option<&str>, file: &str) -> Result<()> {
    let Some(name) = scale else { return Ok(()) };
    let ids = |s: &crate::model::Scale| s.levels().iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    match crate::model::Scale::preset(name, plan.language) {
        Some(preset) if ids(&preset) == ids(&plan.scale) => Ok(()),
        Some(_) => {
            Err(Error::new(Code::TestInvalidValue, format!("scale = `{name}`, but the test's plan is on a scale of its own")).in_file(file))
        }
        None => Err(Error::new(
            Code::TestInvalidValue,
            format!("unknown scale preset `{name}` (the presets are {})", crate::model::Scale::PRESETS.join(", ")),
        )
        .in_file(file)),
    }
}

/// The rule a case names, resolved as the plan resolves it (an error about the name stands at the
/// case and stops the file), and bound to the case's params: a param the rule does not read is
/// that case's failure, as a rule error is, and the other cases still run.
fn bind_case(plan: &Plan, name: &str, kind: RuleKind, params: &RawParams, file: &str, line: usize) -> Result<(String, Result<BoundRule>)> {
    let at_case = |e: Error| if e.file().is_some() { e } else { e.in_file(file).at(line, 1) };
    let script = plan.compile_named(name, kind).map_err(at_case)?;
    let id = script.id.clone();
    Ok((id, BoundRule::bind(script, params_table(params.clone())).map_err(|(code, m)| Error::new(code, m))))
}

fn run_rule_case(plan: &Plan, rule: &BoundRule, c: &RuleCase, written: &CaseTargets) -> Result<Verdict> {
    let higher = match c.direction.as_deref() {
        None => written.higher,
        Some("higher") => true,
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
    let case_targets: BTreeMap<String, f64> = written.targets.iter().filter_map(|(p, t)| Some((p.clone(), t.value?))).collect();
    let target = written.target.or_else(|| target_on_line(&written.targets, &period));
    let inputs = Inputs {
        value: f(c.value),
        target: target.and_then(|t| t.value),
        target_op: target.map(|t| t.op),
        previous: f(c.previous).or_else(|| history.last().map(|h| h.value)),
        history,
        national: f(c.national),
        peers: c.peers.as_ref().map(|p| {
            PeerStats::from_values(p.values.iter().map(|v| v.0).collect()).with_stated(f(p.mean), f(p.median), f(p.min), f(p.max), p.count)
        }),
        percentile: f(c.percentile),
        municipal_mean: f(c.municipal_mean),
        women: f(c.women),
        men: f(c.men),
        period,
    };
    let unit = c.unit.as_deref().unwrap_or("");
    let (info, targets) = (info_map("test", &c.name, unit), targets_map(&case_targets));
    let ctx =
        IndicatorContext { higher_is_better: higher, targets: &case_targets, unit, decimals: None, info: &info, rhai_targets: &targets };
    let outcome = rule.judge(&plan.engine, plan.language, &ctx, &inputs)?;
    settle(&plan.scale, plan.language, &rule.script, outcome)
}

fn run_aggregate_case(plan: &Plan, rule: &BoundRule, c: &AggregateCase) -> Result<Verdict> {
    let parts = |items: &[AggItem]| -> Vec<Part> {
        items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let id = it.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
                let score = plan.scale.level(it.status.get_ref()).and_then(|l| l.score);
                let weight = it.weight.as_ref().map_or(1.0, |w| w.get_ref().0);
                Part {
                    value: it.value.map(|v| v.0),
                    target: it.target.map(|v| v.0),
                    improving: it.improving,
                    measures: it.measures.iter().map(|(k, v)| (k.clone(), v.0)).collect(),
                    ..Part::new(PartKind::Indicator, &id, it.status.get_ref(), score, weight)
                }
            })
            .collect()
    };
    let (indicators, assignments, children) = (parts(&c.indicators), parts(&c.assignments), parts(&c.children));
    let input = AggregationInput { indicators: &indicators, assignments: &assignments, children: &children };
    let outcome = rule.aggregate(&plan.engine, plan.language, &input)?;
    settle(&plan.scale, plan.language, &rule.script, outcome)
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
