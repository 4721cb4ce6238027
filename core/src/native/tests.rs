//! The twins against the scripts they stand in for: every rule test case, and generated inputs.

use super::{SCRIPTS_ONLY, StdAggregation, StdRule};
use crate::bound::settle;
use crate::judgement::{AggregationInput, IndicatorContext, Inputs, Part, PartKind};
use crate::model::{Language, PeerStats, PeriodValue};
use crate::script::{info_map, params_to_dynamic, targets_map};
use crate::stdlib::{RuleKind, STD_AGGREGATIONS, STD_RULES};
use crate::target::TargetOp;

/// The std scripts that run as scripts only: the Open SDG measure is rarely in a plan and its
/// rule tests pin it to the published outputs, so it has no twin to keep in step.
const NO_TWIN: &[&str] = &["sdg_progress", "sdg_mean_score"];
use crate::{Plan, PlanFiles, TestReport};
use std::collections::BTreeMap;

fn with_scripts_only<T>(f: impl FnOnce() -> T) -> T {
    SCRIPTS_ONLY.set(true);
    let out = f();
    SCRIPTS_ONLY.set(false);
    out
}

fn run_tests(path: &str) -> TestReport {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    crate::run_rule_tests(&dir).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every std rule test case, and the Östersund plan's, gives the same status and reason
/// from the twins as from the scripts.
#[test]
fn rule_test_cases_agree_between_scripts_and_twins() {
    for path in ["rules/std", "rules/ostersund-2023"] {
        let twins = run_tests(path);
        let scripts = with_scripts_only(|| run_tests(path));
        assert!(twins.cases.len() > 100, "{path}: only {} cases", twins.cases.len());
        assert_eq!(twins.failed, 0, "{path}: {:?}", twins.cases.iter().find(|c| !c.passed));
        assert_eq!(scripts.failed, 0, "{path}: {:?}", scripts.cases.iter().find(|c| !c.passed));
        for (t, s) in twins.cases.iter().zip(&scripts.cases) {
            assert_eq!((&t.name, &t.reason), (&s.name, &s.reason), "{path}: {}:{}", t.file, t.line);
        }
    }
}

/// Generated inputs from `check`'s reproducible generator.
struct Rng(crate::check::Rng);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// A number as data has them: small and round, sometimes one of `near` exactly.
    fn number(&mut self, near: &[f64]) -> f64 {
        if !near.is_empty() && self.chance(20) {
            return *self.pick(near);
        }
        let scale = *self.pick(&[1.0, 10.0, 100.0, 1000.0]);
        let x = (self.below(200_001) as f64 - 50_000.0) / scale;
        *self.pick(&[x, x, x, 0.0, 1e7 + x, -x])
    }
}

fn param(rng: &mut Rng, name: &str) -> Option<toml::Value> {
    use toml::Value::{Boolean, Float, Integer, String};
    if rng.chance(40) {
        return None;
    }
    // The target rule's flag and period count: mostly well typed, sometimes not.
    if name == "improving" && rng.chance(90) {
        return Some(Boolean(rng.chance(50)));
    }
    if name == "average_over" && rng.chance(80) {
        return Some(Float(*rng.pick(&[1.0, 2.0, 3.0, 4.0, 2.5, 0.0])));
    }
    if name == "partly_at" && rng.chance(70) {
        return Some(Float(*rng.pick(&[0.5, 0.8, 0.9, 1.0, 1.2])));
    }
    Some(match rng.below(10) {
        0 => String((*rng.pick(&["national", "peers", "mean", "2019", "2019-T1", "x", ""])).into()),
        1 => Boolean(rng.chance(50)),
        2 => Integer(*rng.pick(&[0, 1, 2, 3, -1, 2019, 2030])),
        3 if name == "baseline_period" => String((*rng.pick(&["2019", "2020", "2021-T1", "20x1"])).into()),
        4 => Float(*rng.pick(&[f64::NAN, f64::INFINITY, 1e300, 2019.0, 2.7])),
        _ => Float(rng.number(&[0.0, 0.05, 0.1, 0.5])),
    })
}

/// Inputs as data has them, and the indicator's targets, from the generator.
fn generated_inputs(rng: &mut Rng) -> (Inputs, BTreeMap<String, f64>) {
    let value = (!rng.chance(5)).then(|| rng.number(&[]));
    let near: Vec<f64> = value.into_iter().collect();
    let periods = ["2015", "2018", "2019", "2020", "2021-T1", "2022", "2025", "2030", "20x0"];
    let mut history: Vec<PeriodValue> =
        (0..rng.below(5)).map(|_| PeriodValue { period: (*rng.pick(&periods[..8])).into(), value: rng.number(&near) }).collect();
    history.sort_by(|a, b| a.period.cmp(&b.period));
    let mut targets = BTreeMap::new();
    for _ in 0..rng.below(3) {
        targets.insert((*rng.pick(&periods)).to_string(), rng.number(&near));
    }
    let ops =
        [TargetOp::AtLeast, TargetOp::Above, TargetOp::AtMost, TargetOp::Below, TargetOp::Equal, TargetOp::Increase, TargetOp::Decrease];
    let target_op = (!rng.chance(20)).then(|| *rng.pick(&ops));
    let inputs = Inputs {
        value,
        target: (!rng.chance(15)).then(|| rng.number(&near)),
        target_op,
        previous: history.last().map(|h| h.value).or_else(|| rng.chance(20).then(|| rng.number(&near))),
        history,
        national: (!rng.chance(15)).then(|| rng.number(&near)),
        peers: (!rng.chance(15)).then(|| {
            let mut p = PeerStats::from_values((0..rng.below(4)).map(|_| rng.number(&near)).collect());
            if rng.chance(30) {
                p.mean = Some(rng.number(&near));
            }
            p
        }),
        percentile: (!rng.chance(10)).then(|| *rng.pick(&[0.0, 0.25, 0.5, 0.75, 1.0, 0.2468, 0.8123])),
        municipal_mean: (!rng.chance(15)).then(|| rng.number(&near)),
        women: None,
        men: None,
        period: (*rng.pick(&["2023", "2024-T2", "2023", "x"])).into(),
    };
    (inputs, targets)
}

/// The target rule's every branch is among the generated answers compared with the script.
fn assert_branches_reached(name: &str, lang: &str, reasons: &[String]) {
    let branches: &[&str] = match (name, lang) {
        ("target", "en") => &[
            "fulfils at least",
            "the mean of",
            "has increased",
            "has not decreased",
            "target > ",
            "target = ",
            "within",
            "better than before",
            "fewer than",
        ],
        ("target", _) => &["uppfyller minst", "medelvärdet av", "har ökat", "har inte minskat", "målet < ", "inom", "bättre än föregående"],
        _ => &[],
    };
    for b in branches {
        assert!(reasons.iter().any(|r| r.contains(b)), "{name} ({lang}): no generated case reached `{b}`");
    }
}

/// On generated inputs and params, a twin that answers gives the script's verdict (status and
/// reason, after the scale check), and twins answer for the well-typed inputs.
#[test]
fn twins_agree_with_scripts_on_generated_inputs() {
    let mut rng = Rng(crate::check::Rng(0x5EED_1234_ABCD_0001));
    let params_of = |rule: &str| -> &[&str] {
        match rule {
            "target" => &["tolerance", "partly_at", "improving", "average_over"],
            "reference" => &["against", "tolerance"],
            "trend" => &["n", "flat"],
            "trajectory" => &["baseline", "baseline_period", "tolerance"],
            "okr" => &["baseline"],
            _ => &[],
        }
    };
    for lang in ["en", "sv"] {
        let plan_toml = format!("[plan]\nid = \"p\"\ntitle = \"P\"\nlanguage = \"{lang}\"\n");
        let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan_toml)])).unwrap();
        let language = if lang == "sv" { Language::Sv } else { Language::En };
        assert_eq!(plan.language, language);
        for (name, source) in STD_RULES.iter().filter(|(n, _)| !NO_TWIN.contains(n)) {
            let rule = plan.engine.compile(name, RuleKind::Indicator, source, &format!("std/{name}.rhai")).unwrap();
            let (mut answered, mut statuses) = (0, std::collections::BTreeSet::new());
            let mut reasons = Vec::new();
            let cases = 3_000;
            for _ in 0..cases {
                let mut table = toml::Table::new();
                for p in params_of(name) {
                    if let Some(v) = param(&mut rng, p) {
                        table.insert((*p).to_string(), v);
                    }
                }
                let params = params_to_dynamic(&table).into_shared();
                let (inputs, targets) = generated_inputs(&mut rng);
                let unit = *rng.pick(&["", "%", "kr", "st/1000 inv"]);
                let decimals = *rng.pick(&[None, None, Some(0), Some(1), Some(3)]);
                let info = info_map("I", "Indicator", unit);
                let twin = StdRule::new(name, &params);
                let ctx = IndicatorContext {
                    higher_is_better: rng.chance(50),
                    targets: &targets,
                    unit,
                    decimals,
                    info: &info,
                    rhai_targets: &targets_map(&targets),
                };
                let settled = |o| settle(&plan.scale, language, &rule, o);
                let script = plan.engine.run_indicator(&rule, &params, &inputs, &ctx).and_then(settled);
                let Some(twin_verdict) = twin.as_ref().and_then(|t| t.run(&inputs, &ctx, language)) else { continue };
                answered += 1;
                let twin_verdict = settled(twin_verdict);
                assert_eq!(
                    twin_verdict.as_ref().map_err(|e| e.to_string()),
                    script.as_ref().map_err(|e| e.to_string()),
                    "{name} ({lang}) with params {table:?}, unit {unit:?}, decimals {decimals:?} on {inputs:#?}"
                );
                if let Ok(v) = &script {
                    reasons.push(v.reason.clone().unwrap_or_default());
                }
                statuses.insert(script.map(|v| v.status).unwrap_or_default());
            }
            assert_branches_reached(name, lang, &reasons);
            // Not vacuous: most generated cases are well typed and the twin answers them,
            // reaching every level.
            assert!(answered * 2 > cases, "{name} ({lang}): the twin answered {answered} of {cases}");
            for s in ["attained", "partly", "not_attained", "no_data"] {
                assert!(statuses.contains(s), "{name} ({lang}): no generated case gave {s}: {statuses:?}");
            }
        }
    }
}

/// The same for the std aggregations, on generated goals (parts of every kind and status,
/// weights, improving or not) and params.
#[test]
fn aggregation_twins_agree_with_scripts_on_generated_goals() {
    let mut rng = Rng(crate::check::Rng(0x5EED_0000_0000_0A66));
    for lang in ["en", "sv"] {
        let plan_toml = format!("[plan]\nid = \"p\"\ntitle = \"P\"\nlanguage = \"{lang}\"\n");
        let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan_toml)])).unwrap();
        for (name, source) in STD_AGGREGATIONS.iter().filter(|(n, _)| !NO_TWIN.contains(n)) {
            let rule = plan.engine.compile(name, RuleKind::Aggregation, source, &format!("std/{name}.rhai")).unwrap();
            let (mut answered, mut statuses) = (0, std::collections::BTreeSet::new());
            let cases = 2_000;
            for _ in 0..cases {
                let mut table = toml::Table::new();
                for p in ["attained_share", "partly_share"] {
                    if *name != "mean_score" && *name != "worst" && (*name == "share" || p == "partly_share") {
                        if let Some(v) = param(&mut rng, p) {
                            table.insert(p.to_string(), v);
                        }
                    }
                }
                let params = params_to_dynamic(&table);
                let mut parts = |kind: PartKind| -> Vec<Part> {
                    (0..rng.below(5))
                        .map(|i| {
                            let status = *rng.pick(&["attained", "partly", "not_attained", "no_data", "error"]);
                            let score = plan.scale.level(status).and_then(|l| l.score);
                            let weight = *rng.pick(&[1.0, 1.0, 0.5, 2.0, 0.0, 3.5]);
                            let value = Some(rng.number(&[]));
                            let improving = *rng.pick(&[None, Some(true), Some(false)]);
                            Part { value, improving, ..Part::new(kind, &format!("p{i}"), status, score, weight) }
                        })
                        .collect()
                };
                let (indicators, assignments, children) = (parts(PartKind::Indicator), parts(PartKind::Assignment), parts(PartKind::Goal));
                let input = AggregationInput { indicators: &indicators, assignments: &assignments, children: &children };
                let settled = |o| settle(&plan.scale, plan.language, &rule, o);
                let script = plan.engine.run_aggregation(&rule, &params, &input).and_then(settled);
                let twin = StdAggregation::new(name, &params);
                let Some(twin_verdict) = twin.as_ref().and_then(|t| t.run(&input, plan.language)) else { continue };
                answered += 1;
                assert_eq!(
                    settled(twin_verdict).map_err(|e| e.to_string()),
                    script.clone().map_err(|e| e.to_string()),
                    "{name} ({lang}) with params {table:?} on {input:#?}",
                    input = (&indicators, &assignments, &children)
                );
                statuses.insert(script.map(|v| v.status).unwrap_or_default());
            }
            assert!(answered * 2 > cases, "{name} ({lang}): the twin answered {answered} of {cases}");
            for s in ["attained", "partly", "not_attained", "no_data"] {
                assert!(statuses.contains(s), "{name} ({lang}): no generated goal gave {s}: {statuses:?}");
            }
        }
    }
}

/// The twins exist for every std rule with its default params and step aside for params of
/// the wrong type.
#[test]
fn twins_read_params_as_the_scripts_do() {
    let empty = params_to_dynamic(&toml::Table::new());
    for (name, _) in STD_RULES {
        assert_eq!(StdRule::new(name, &empty).is_some(), !NO_TWIN.contains(name), "{name}");
    }
    for (name, _) in STD_AGGREGATIONS {
        assert_eq!(StdAggregation::new(name, &empty).is_some(), !NO_TWIN.contains(name), "{name}");
    }
    let with = |k: &str, v: toml::Value| params_to_dynamic(&toml::Table::from_iter([(k.to_string(), v)]));
    assert_eq!(StdRule::new("target", &with("tolerance", toml::Value::String("x".into()))), None);
    assert_eq!(StdRule::new("reference", &with("against", toml::Value::String("kommuner".into()))), None);
    assert_eq!(StdRule::new("trend", &with("n", toml::Value::Float(1e30))), None);
    assert_eq!(
        StdRule::new("trend", &with("n", toml::Value::Integer(0))),
        Some(StdRule::Trend { n: 1, flat: 0.01 }),
        "n < 1 is 1, as in the script"
    );
    assert_eq!(
        StdRule::new("trajectory", &with("baseline_period", toml::Value::Float(2019.0))),
        Some(StdRule::Trajectory { baseline: None, baseline_period: Some("2019".into()), tolerance: 0.0 })
    );
    assert_eq!(StdRule::new("no-such-rule", &empty), None);
}
