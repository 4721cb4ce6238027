//! Queries about one indicator: `explain` (everything its rule saw) and `required` (the value that reaches the next level).

use crate::data::Observations;
use crate::error::{Code, Error, Result};
use crate::eval::{Gathered, Query};
use crate::locale::format_number;
use crate::model::Gender;
use crate::plan::{Indicator, Plan};
use crate::report::{GoalResult, IndicatorResult};
use crate::sandbox::limits;
use serde::{Deserialize, Serialize};

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
        let id = ind.rule.id();
        let source = match crate::stdlib::RuleKind::Indicator.std_source(id) {
            Some(std) => std.to_string(),
            None => self.files.get(id).cloned().unwrap_or_default(),
        };
        Ok(Explanation { result, params: serde_json::to_value(&ind.rule.params_toml).unwrap_or_default(), rule_source: source, goals })
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
        let tr = |en: String, sv: String| lang.pick(en, sv);
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
        let rank = match self.below_best(ind, &now) {
            Ok(rank) => rank,
            Err(message) => return Ok(Required { status: now, message, ..base }),
        };
        let next = self.scale.levels()[rank - 1].id.clone();
        let sign = if ind.higher_is_better() { 1.0 } else { -1.0 };
        let better_than_now = |s: &str| self.scale.rank(s).is_some_and(|r| r < rank);
        let reaches = |x: f64| -> Result<bool> { Ok(better_than_now(&status_at(x)?)) };
        let far = step_out(value, sign, &reaches)?;
        let Some(hi) = far else {
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
        let hi = bisect(value, hi, &reaches)?;
        // In the indicator's own precision: the value as the report would show it, if that
        // still reaches the better level, else one step of that precision further.
        let decimals = ind.decimals.unwrap_or(2).min(limits::MAX_DECIMALS);
        let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(2));
        let steps = (hi * scale).round();
        let hi = if better_than_now(&status_at(steps / scale)?) { steps / scale } else { (steps + sign) / scale };
        let reached = status_at(hi)?;
        let shown = format_number(Some(hi), Some(decimals), lang);
        let unit = if ind.unit.is_empty() { String::new() } else { format!(" {}", ind.unit) };
        let message = self.required_message(ind, &format!("{shown}{unit}"), &reached, &now);
        Ok(Required { status: now, next_status: Some(reached), required: Some(hi), message, ..base })
    }

    /// The rank of `now` on the scale when a better level exists; else why there is none.
    fn below_best(&self, ind: &Indicator, now: &str) -> Result<usize, String> {
        let lang = self.language;
        match self.scale.rank(now) {
            None => Err(lang.pick(
                format!("the rule gives `{now}`, which is not on the scale"),
                format!("regeln ger `{now}`, som inte finns på skalan"),
            )),
            Some(0) => Err(lang.pick(
                format!("`{}` is already at the best level ({now})", ind.title),
                format!("`{}` har redan bästa nivån ({now})", ind.title),
            )),
            Some(rank) => Ok(rank),
        }
    }

    fn required_message(&self, ind: &Indicator, shown: &str, reached: &str, now: &str) -> String {
        let label = |id: &str| self.scale.level(id).map_or(id.to_string(), |l| l.label.clone());
        self.language.pick(
            format!("{} must reach {shown} to be {reached} (now {now})", ind.title),
            format!("{} måste nå {shown} för att bli {} (nu {})", ind.title, label(reached), label(now)),
        )
    }
}

/// Steps from `value` in the better direction, doubling the step, to a value that reaches the
/// better level; `None` when none does within 80 doublings.
fn step_out(value: f64, sign: f64, reaches: &dyn Fn(f64) -> Result<bool>) -> Result<Option<f64>> {
    let mut step = value.abs().max(1.0) * 0.001;
    for _ in 0..80 {
        let x = value + sign * step;
        if reaches(x)? {
            return Ok(Some(x));
        }
        step *= 2.0;
        if step > 1e15 {
            break;
        }
    }
    Ok(None)
}

/// The nearest value to `lo` that reaches the better level, `hi` being one that does.
fn bisect(mut lo: f64, mut hi: f64, reaches: &dyn Fn(f64) -> Result<bool>) -> Result<f64> {
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
        if (hi - lo).abs() <= 1e-9 * hi.abs().max(1.0) {
            break;
        }
    }
    Ok(hi)
}
