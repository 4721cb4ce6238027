//! The shared judgement types: what a rule is given, what it returns, and the parts a goal is judged from.

use crate::model::{PeerStats, PeriodValue};
use crate::target::TargetOp;
use rhai::Dynamic;
use std::collections::BTreeMap;

/// A status with its reason: what a rule returns through `attained()`, `status("id")`, …, and,
/// once settled on the plan's scale, what every rule's run ends in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub status: String,
    pub reason: Option<String>,
    /// The score the rule returned, when it returned one instead of a status (`status` is then
    /// the scale's level nearest to it).
    pub score: Option<f64>,
    /// The named figures the rule handed on with its verdict (`.measure("score", 3.2)`): each
    /// name once, each value finite.
    pub measures: Measures,
}

/// A verdict's named figures, by name (sorted, so a report is the same on every run).
pub(crate) type Measures = BTreeMap<String, f64>;

impl Verdict {
    pub(crate) fn new(status: impl Into<String>, reason: Option<String>) -> Verdict {
        Verdict { status: status.into(), reason, score: None, measures: Measures::new() }
    }
}

/// What a script or a native twin answered: a status with its reason, or a bare score in 0..1
/// that the plan's scale turns into a level.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// A status id of the scale (or `no_data`) and a reason.
    Status(Verdict),
    /// A score in 0..1 (checked when the rule returned it).
    Score(f64),
}

/// Polarity-adjusted relative shortfall of `value` against `reference`: positive is worse.
pub(crate) fn shortfall(value: f64, reference: f64, higher_is_better: bool) -> f64 {
    let diff = if higher_is_better { reference - value } else { value - reference };
    if reference == 0.0 { diff } else { diff / reference.abs() }
}

/// What one aggregation judges: the goal's parts.
pub(crate) struct AggregationInput<'a> {
    pub indicators: &'a [Part],
    pub assignments: &'a [Part],
    pub children: &'a [Part],
}

impl AggregationInput<'_> {
    /// Every part: indicators, then assignments, then sub-goals.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Part> {
        self.indicators.iter().chain(self.assignments).chain(self.children)
    }
}

/// What a goal is aggregated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    Indicator,
    Assignment,
    Goal,
}

/// One part of a goal (a linked indicator, an assignment, a sub-goal) as an aggregation sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    pub kind: PartKind,
    pub id: String,
    /// Status id, `no_data` or `error`.
    pub status: String,
    /// The status's score on the scale.
    pub score: Option<f64>,
    pub weight: f64,
    // Indicators only:
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub previous: Option<f64>,
    /// Whether the value moved the right way since the previous one.
    pub improving: Option<bool>,
    /// Assignments only: the follow-up's own word (`completed`, `started`, …).
    pub progress: Option<String>,
    /// The figures the part's own rule handed on (indicators and sub-goals).
    pub measures: Measures,
}

impl Part {
    /// A part with the fields every kind has; the kind's own are set with struct update.
    pub(crate) fn new(kind: PartKind, id: &str, status: &str, score: Option<f64>, weight: f64) -> Part {
        Part {
            kind,
            id: id.to_string(),
            status: status.to_string(),
            score,
            weight,
            value: None,
            target: None,
            previous: None,
            improving: None,
            progress: None,
            measures: Measures::new(),
        }
    }
}

/// Whether a part's status counts as assessed.
pub(crate) fn assessed(status: &str) -> bool {
    status != "no_data" && status != "error" && !status.is_empty()
}

/// What an indicator rule sees for one entity, period and gender: gathered from observations
/// by [`Plan::evaluate`](crate::Plan::evaluate), or given directly to [`Plan::assess`](crate::Plan::assess).
/// The indicator's own facts (polarity, unit, targets, params) come from the plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// The value judged; `None` gives `no_data` without running the rule.
    pub value: Option<f64>,
    /// The target for the period.
    pub target: Option<f64>,
    /// How the value is judged against the target (`target_op`): the comparator as written, or
    /// for a plain number at or better than it by the indicator's direction.
    pub target_op: Option<TargetOp>,
    /// The value of the period before.
    pub previous: Option<f64>,
    /// Earlier values, oldest first.
    pub history: Vec<PeriodValue>,
    /// The national value.
    pub national: Option<f64>,
    /// The peer group's statistics.
    pub peers: Option<PeerStats>,
    /// Position among all municipalities, 0 (worst) to 1 (best).
    pub percentile: Option<f64>,
    /// The unweighted mean of the municipalities: the plan's published row for it
    /// (`[comparison] mean`), else computed from every municipality in the data.
    pub municipal_mean: Option<f64>,
    /// Women's value, for gendered indicators.
    pub women: Option<f64>,
    /// Men's value, for gendered indicators.
    pub men: Option<f64>,
    /// The period judged (`2023`, `2023-T1`).
    pub period: String,
}

/// The indicator a rule runs for: polarity, display and targets (the params are the bound rule's).
pub(crate) struct IndicatorContext<'a> {
    pub higher_is_better: bool,
    pub targets: &'a BTreeMap<String, f64>,
    pub unit: &'a str,
    pub decimals: Option<u32>,
    /// `#{id, title, unit}`, shared.
    pub info: &'a Dynamic,
    /// `#{period: target}`, shared.
    pub rhai_targets: &'a Dynamic,
}
