//! `check`: properties every indicator rule should have, tried on generated inputs.

use crate::data::Observations;
use crate::error::{Code, Error, Result};
use crate::judgement::Inputs;
use crate::model::{PeerStats, PeriodValue};
use crate::plan::{Indicator, Plan};
use crate::target::TargetOp;
use serde::{Deserialize, Serialize};

/// Most generated inputs per indicator [`check`] takes: more says little, and each costs a rule
/// evaluation.
pub const MAX_CHECK_CASES: usize = 100_000;

/// Settings of [`check`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Generated inputs per indicator.
    pub cases: usize,
    /// Seed of the generator: the same seed gives the same inputs.
    pub seed: u64,
}

impl CheckOptions {
    /// Settings of `cases` generated inputs per indicator from `seed`.
    pub fn new(cases: usize, seed: u64) -> CheckOptions {
        CheckOptions { cases, seed }
    }
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
    /// Properties not checked for an indicator, each with the reason (a target written `= 100`
    /// is met by one value only, so a better value may rightly be judged worse: not monotone).
    #[serde(default)]
    pub not_checked: Vec<NotChecked>,
}

/// A property [`check`] left out for one indicator, and why.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotChecked {
    /// Indicator.
    pub indicator: String,
    /// Property: `monotone`.
    pub property: String,
    /// Why it does not apply.
    pub reason: String,
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
        check_indicator(plan, ind, domain(&data, ind), options.cases, &mut rng, &mut report);
    }
    Ok(report)
}

/// The values an indicator is tried on: those in the data widened by half their range, or 0..100.
fn domain(data: &Observations, ind: &Indicator) -> (f64, f64) {
    let seen: Vec<f64> = data.rows().filter(|r| r.indicator == ind.id).filter_map(|r| r.value).collect();
    if seen.is_empty() {
        return (0.0, 100.0);
    }
    let lo = seen.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = seen.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) / 2.0).max(hi.abs().max(1.0) * 0.2);
    (lo - pad, hi + pad)
}

/// One generated case: every input but the value, and the population the percentile is taken in.
fn generated(plan: &Plan, ind: &Indicator, (lo, hi): (f64, f64), rng: &mut Rng) -> (Inputs, Vec<f64>) {
    let population: Vec<f64> = (0..20).map(|_| rng.range(lo, hi)).collect();
    let mut base = Inputs {
        target: Some(rng.range(lo, hi)),
        target_op: Some(crate::target::TargetOp::plain(ind.higher_is_better())),
        national: Some(rng.range(lo, hi)),
        municipal_mean: Some(population.iter().sum::<f64>() / population.len() as f64),
        peers: Some(PeerStats::from_values(population[..8].to_vec())),
        women: ind.gender.then(|| rng.range(lo, hi)),
        men: ind.gender.then(|| rng.range(lo, hi)),
        period: plan.period.clone().unwrap_or_else(|| "2023".into()),
        ..Default::default()
    };
    if !ind.targets.is_empty() {
        let target = ind.target_at(&base.period);
        base.target = target.and_then(|t| t.value);
        base.target_op = target.map(|t| t.op);
    }
    let prev = rng.range(lo, hi);
    base.previous = Some(prev);
    base.history =
        vec![PeriodValue { period: "2019".into(), value: rng.range(lo, hi) }, PeriodValue { period: "2022".into(), value: prev }];
    (base, population)
}

fn check_indicator(plan: &Plan, ind: &Indicator, (lo, hi): (f64, f64), cases: usize, rng: &mut Rng, report: &mut CheckReport) {
    let fail = |report: &mut CheckReport, property: &str, message: String| {
        if !report.failures.iter().any(|f| f.indicator == ind.id && f.property == property) {
            report.failures.push(CheckFailure {
                indicator: ind.id.clone(),
                rule: ind.rule.id().to_string(),
                property: property.into(),
                message,
            });
        }
    };
    let mut best_counter: Option<(f64, String)> = None;
    let mut equal_target = None;
    for _ in 0..cases {
        let (base, population) = generated(plan, ind, (lo, hi), rng);
        // A target to be met exactly: a value past it is rightly worse than one on it.
        let monotone = base.target_op != Some(TargetOp::Equal);
        if !monotone {
            equal_target = Some(base.period.clone());
        }
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
            Ok(v) => fail(report, "missing_is_no_data", format!("a missing value gave `{}`, not no_data", v.status)),
            Err(e) => fail(report, "missing_is_no_data", format!("a missing value raised an error: {}", e.message())),
        }
        let (rw, rb) = match (run(Some(worse_v)), run(Some(better_v))) {
            (Ok(w), Ok(b)) => (w, b),
            (Err(e), _) | (_, Err(e)) => {
                fail(report, "no_error", format!("value {worse_v} or {better_v} raised an error: {}", e.message()));
                continue;
            }
        };
        if let Ok(again) = run(Some(better_v)) {
            if again != rb {
                fail(report, "deterministic", format!("value {better_v} gave `{}` then `{}`", rb.status, again.status));
            }
        }
        if let (true, Some(rank_w), Some(rank_b)) = (monotone, plan.scale.rank(&rw.status), plan.scale.rank(&rb.status)) {
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
        fail(report, "monotone", message);
    }
    if let Some(period) = equal_target {
        report.not_checked.push(NotChecked {
            indicator: ind.id.clone(),
            property: "monotone".into(),
            reason: format!("its target for {period} is written `=`: only the target itself meets it"),
        });
    }
}
