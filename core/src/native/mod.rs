//! Native twins of the std rules and aggregations: the same judgement as `rules/std/*.rhai`,
//! without the interpreter. The Rhai scripts stay the specification (they are what users read, copy and
//! test against); a twin only answers where its result is the script's, byte for byte, reason
//! included, and otherwise steps aside so the script runs and reports the problem itself (a
//! param of the wrong type, a `throw`, a history long enough to meet a sandbox limit).
//!
//! This is CPython's accelerator-module pattern (PEP 399: `heapq`/`_heapq`): one reference
//! implementation, one fast one, and tests that run both. The tests compare the twins with the
//! scripts on every std rule test case and on generated inputs.

/// `tr(en, sv)` as the scripts write it: only the plan's language is formatted.
macro_rules! tr {
    ($lang:expr, ($($en:tt)*), ($($sv:tt)*)) => {
        if $lang.pick(false, true) { format!($($sv)*) } else { format!($($en)*) }
    };
}

mod aggregations;
mod rules;
mod target;
#[cfg(test)]
mod tests;

use crate::judgement::{AggregationInput, IndicatorContext, Inputs, Outcome, Verdict};
use crate::model::Language;
use crate::stdlib::RuleKind;
use rhai::{Dynamic, Map};

pub(crate) use aggregations::StdAggregation;
pub(crate) use rules::StdRule;

/// The native twin of a std rule or aggregation, with its params read once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Twin {
    Rule(StdRule),
    Aggregation(StdAggregation),
}

impl Twin {
    /// The twin of std script `name` of this kind with these params; `None` when the script must run.
    pub(crate) fn new(kind: RuleKind, name: &str, params: &Dynamic) -> Option<Twin> {
        match kind {
            RuleKind::Indicator => StdRule::new(name, params).map(Twin::Rule),
            RuleKind::Aggregation => StdAggregation::new(name, params).map(Twin::Aggregation),
        }
    }

    /// What the script would answer for an indicator, or `None` when it must run to answer.
    pub(crate) fn judge(&self, i: &Inputs, ctx: &IndicatorContext<'_>, lang: Language) -> Option<Outcome> {
        match self {
            Twin::Rule(r) if enabled() => r.run(i, ctx, lang),
            _ => None,
        }
    }

    /// What the script would answer for a goal, or `None` when it must run to answer.
    pub(crate) fn aggregate(&self, input: &AggregationInput<'_>, lang: Language) -> Option<Outcome> {
        match self {
            Twin::Aggregation(a) if enabled() => a.run(input, lang),
            _ => None,
        }
    }
}

/// A param the script reads as `params.NAME ?? default`: absent is the default, a float is
/// itself, anything else is the script's business (`None`). TOML integers arrive as floats.
pub(super) fn float_param(params: &Map, name: &str, default: Option<f64>) -> Option<Option<f64>> {
    match params.get(name) {
        None => Some(default),
        Some(d) if d.is_unit() => Some(default),
        Some(d) => d.as_float().ok().map(Some),
    }
}

/// Rhai's `to_int()` of a float: out of range is an error (the script's), else truncation.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
pub(super) fn to_int(x: f64) -> Option<i64> {
    if x > i64::MAX as f64 || x < i64::MIN as f64 { None } else { Some(x.trunc() as i64) }
}

/// Float comparisons as a checked Rhai build makes them: relative to the larger magnitude,
/// within `f64::EPSILON` counts as equal (rhai `func/builtin.rs`). Only comparisons the scripts
/// write as operators use these; the helpers (`better`, `at_least_as_good`) compare exactly.
pub(super) mod rhai_float {
    fn scale(x: f64, y: f64) -> f64 {
        if x * y == 0.0 { 1.0 } else { x.abs().max(y.abs()) }
    }
    pub fn le(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (y - x) / max > -f64::EPSILON
    }
    pub fn ge(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (x - y) / max > -f64::EPSILON
    }
    pub fn lt(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max != 0.0 && (y - x) / max > f64::EPSILON
    }
    pub fn eq(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (x - y).abs() / max <= f64::EPSILON
    }
}

pub(super) fn verdict(status: &str, reason: String) -> Verdict {
    Verdict::new(status, Some(reason))
}

#[cfg(test)]
thread_local! {
    static SCRIPTS_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether twins answer; tests turn them off to run the scripts they are compared with.
#[cfg(not(test))]
pub(crate) const fn enabled() -> bool {
    true
}

#[cfg(test)]
pub(crate) fn enabled() -> bool {
    !SCRIPTS_ONLY.get()
}
