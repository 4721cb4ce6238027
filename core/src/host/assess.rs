//! What-if inputs of one indicator (`AssessRequest`, with core's defaults and checks) and the verdict on them.

use super::Period;
use super::decode::number;
use crate::error::{Code, Error, Result};
use crate::judgement::{Inputs, Verdict};
use crate::model::{PeerStats, PeriodValue};
use crate::plan::{Indicator, Plan};
use crate::target::{TargetInput, polarity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What-if inputs of one indicator ([`Plan::assess`]), as a host gives them. Only `value` is
/// needed; everything else is decided by core: the period is the plan's when not given, the
/// target the indicator's own for that period, `previous` the last value of `history`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AssessRequest {
    /// The value judged; none gives `no_data` without running the rule.
    #[serde(default, deserialize_with = "number")]
    pub value: Option<f64>,
    /// The period judged (default: the plan's).
    #[serde(default)]
    pub period: Option<Period>,
    /// The target (default: the indicator's own for the period, if it has one): a number, or a
    /// comparison or direction as a plan writes one (`"≥ 30"`, `"minst 40"`, `"öka"`).
    #[serde(default)]
    pub target: Option<TargetInput>,
    /// The value of the period before (default: the last of `history`).
    #[serde(default, deserialize_with = "number")]
    pub previous: Option<f64>,
    /// Earlier values, oldest first, each period once.
    #[serde(default)]
    pub history: Vec<HistoryPoint>,
    /// The national value.
    #[serde(default, deserialize_with = "number")]
    pub national: Option<f64>,
    /// The peer group.
    #[serde(default)]
    pub peers: Option<PeersRequest>,
    /// Position among all municipalities, 0 (worst) to 1 (best).
    #[serde(default, deserialize_with = "number")]
    pub percentile: Option<f64>,
    /// The unweighted mean of the municipalities.
    #[serde(default, deserialize_with = "number")]
    pub municipal_mean: Option<f64>,
    /// Women's value.
    #[serde(default, deserialize_with = "number")]
    pub women: Option<f64>,
    /// Men's value.
    #[serde(default, deserialize_with = "number")]
    pub men: Option<f64>,
}

/// One earlier value.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryPoint {
    /// Its period.
    pub period: Period,
    /// Its value.
    pub value: f64,
}

/// A peer group as a caller states it: member values, and any statistic stated outright (a
/// statistic stated wins over the one derived from the values).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PeersRequest {
    /// Member values.
    #[serde(default)]
    pub values: Vec<f64>,
    /// Mean (or the group's published value).
    #[serde(default, deserialize_with = "number")]
    pub mean: Option<f64>,
    /// Median.
    #[serde(default, deserialize_with = "number")]
    pub median: Option<f64>,
    /// Lowest member value.
    #[serde(default, deserialize_with = "number")]
    pub min: Option<f64>,
    /// Highest member value.
    #[serde(default, deserialize_with = "number")]
    pub max: Option<f64>,
    /// Members with a value.
    #[serde(default)]
    pub count: Option<usize>,
    /// Whether `mean` is the group's own published row.
    #[serde(default)]
    pub published: bool,
}

impl PeersRequest {
    fn stats(&self) -> PeerStats {
        let mut s = PeerStats::from_values(self.values.clone()).with_stated(self.mean, self.median, self.min, self.max, self.count);
        s.published = self.published;
        s
    }
}

/// A rule's verdict on given inputs ([`Plan::assess`]), and the inputs it rests on after core
/// filled in what was not given.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Status id on the plan's scale, or `no_data`.
    pub status: String,
    /// The status's label on the scale.
    pub label: String,
    /// Why, in the plan's language.
    pub reason: String,
    /// The level's score on the plan's scale (1 best), as a report gives it; none for no_data.
    pub score: Option<f64>,
    /// The period judged.
    pub period: String,
    /// The target used: given, or the indicator's own for the period (none for `increase` and
    /// `decrease`).
    pub target: Option<f64>,
    /// How the value was judged against it: `>=`, `>`, `<=`, `<`, `=`, `increase` or `decrease`.
    pub target_op: Option<String>,
    /// The previous value used: given, or the last of the history.
    pub previous: Option<f64>,
    /// The figures the rule handed on with its verdict (`sdg_progress`'s `progress_value` and
    /// `score`), by name, as in a report's result; absent when none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measures: BTreeMap<String, f64>,
}

impl AssessRequest {
    /// Every number given is finite: NaN and the infinities are refused, naming the input.
    fn check_finite(&self) -> Result<()> {
        let refuse = |name: String, x: f64| Err(Error::new(Code::QueryNotFinite, format!("`{name}` is {x}, not a finite number")));
        let single = [
            ("value", self.value),
            (
                "target",
                match self.target {
                    Some(TargetInput::Number(x)) => Some(x),
                    _ => None,
                },
            ),
            ("previous", self.previous),
            ("national", self.national),
            ("percentile", self.percentile),
            ("municipal_mean", self.municipal_mean),
            ("women", self.women),
            ("men", self.men),
        ];
        for (name, x) in single {
            if let Some(x) = x.filter(|x| !x.is_finite()) {
                return refuse(name.to_string(), x);
            }
        }
        if let Some(h) = self.history.iter().enumerate().find(|(_, h)| !h.value.is_finite()) {
            return refuse(format!("history[{}].value", h.0), h.1.value);
        }
        if let Some(p) = &self.peers {
            let stated = [("mean", p.mean), ("median", p.median), ("min", p.min), ("max", p.max)];
            if let Some((name, x)) = stated.into_iter().find_map(|(n, x)| x.filter(|x| !x.is_finite()).map(|x| (n, x))) {
                return refuse(format!("peers.{name}"), x);
            }
            if let Some((i, x)) = p.values.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return refuse(format!("peers.values[{i}]"), *x);
            }
        }
        Ok(())
    }

    /// The rule's inputs, with every default and check of [`AssessRequest`] applied.
    pub(crate) fn resolve(&self, plan: &Plan, indicator: &Indicator) -> Result<Inputs> {
        self.check_finite()?;
        let period = match (&self.period, &plan.period) {
            (Some(p), _) => p.as_str().to_string(),
            (None, Some(p)) => p.clone(),
            (None, None) => {
                return Err(Error::new(Code::QueryInvalidPeriod, "`period` is not given and the plan sets none ([plan] period)"));
            }
        };
        if let Some(p) = self.percentile
            && !(0.0..=1.0).contains(&p)
        {
            return Err(Error::new(Code::QueryInvalidValue, format!("`percentile` is {p}: it is a position from 0 (worst) to 1 (best)")));
        }
        for pair in self.history.windows(2) {
            if pair[0].period >= pair[1].period {
                let why = if pair[0].period == pair[1].period { "twice" } else { "after a later one: history is oldest first" };
                return Err(Error::new(Code::QueryInvalidHistory, format!("`history`: period `{}` comes {why}", pair[1].period)));
            }
        }
        if let Some(last) = self.history.last()
            && last.period.as_str() >= period.as_str()
        {
            return Err(Error::new(
                Code::QueryInvalidHistory,
                format!("`history`: period `{}` is not before the period judged (`{period}`)", last.period),
            ));
        }
        let history: Vec<PeriodValue> =
            self.history.iter().map(|h| PeriodValue { period: h.period.as_str().to_string(), value: h.value }).collect();
        let target = match &self.target {
            Some(written) => {
                let invalid = |msg: String| Error::new(Code::QueryInvalidValue, msg);
                polarity(Some(indicator.higher_is_better()), &[(&period, written)]).map_err(|(_, msg)| invalid(msg))?;
                Some(written.target(indicator.higher_is_better()).map_err(invalid)?)
            }
            None => indicator.target_at(&period),
        };
        Ok(Inputs {
            value: self.value,
            target: target.and_then(|t| t.value),
            target_op: target.map(|t| t.op),
            previous: self.previous.or_else(|| history.last().map(|h| h.value)),
            history,
            national: self.national,
            peers: self.peers.as_ref().map(PeersRequest::stats),
            percentile: self.percentile,
            municipal_mean: self.municipal_mean,
            women: self.women,
            men: self.men,
            period,
        })
    }
}

impl Plan {
    /// The status an indicator's rule gives to inputs given directly instead of gathered from
    /// observations: what-if questions. Core fills in what is not given (see [`AssessRequest`]):
    /// the plan's period, the indicator's own target for it, `previous` from the history. A
    /// missing value is `no_data` without running the rule.
    ///
    /// ```
    /// use attain_core::{AssessRequest, Plan, PlanFiles};
    /// let plan = Plan::from_files(PlanFiles::from([(
    ///     "plan.toml".to_string(),
    ///     "[plan]\nid = \"p\"\ntitle = \"P\"\nperiod = \"2023\"\n[[indicator]]\nid = \"I\"\ntitle = \"Satisfaction\"\nrule = \"reference\"\n".to_string(),
    /// )]))?;
    /// let mut inputs = AssessRequest::default();
    /// inputs.value = Some(72.0);
    /// inputs.national = Some(70.0);
    /// let a = plan.assess("I", &inputs)?;
    /// assert_eq!((a.status.as_str(), a.reason.as_str()), ("attained", "72 is at least as good as the national value (70)"));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// A query error for an indicator the plan does not have or an input [`AssessRequest`]
    /// refuses; the rule's error when it fails.
    pub fn assess(&self, indicator: &str, request: &AssessRequest) -> Result<Assessment> {
        let ind = self.find_indicator(indicator)?;
        self.assess_resolved(ind, request.resolve(self, ind)?)
    }

    /// [`Plan::assess`] for many rows of one indicator; an error names its 1-based row.
    ///
    /// # Errors
    /// As [`Plan::assess`], for the first row that fails.
    pub fn assess_many(&self, indicator: &str, requests: &[AssessRequest]) -> Result<Vec<Assessment>> {
        let ind = self.find_indicator(indicator)?;
        let mut out = Vec::new();
        out.try_reserve_exact(requests.len())
            .map_err(|_| Error::new(Code::QueryLimitRows, format!("out of memory for the results of {} rows", requests.len())))?;
        for (i, r) in requests.iter().enumerate() {
            let at_row = |e: Error| if e.row().is_none() { e.at_row(i + 1) } else { e };
            out.push(r.resolve(self, ind).and_then(|inputs| self.assess_resolved(ind, inputs)).map_err(at_row)?);
        }
        Ok(out)
    }

    fn assess_resolved(&self, ind: &Indicator, inputs: Inputs) -> Result<Assessment> {
        let verdict = if inputs.value.is_none() {
            Verdict::new("no_data", Some(self.language.text("no value", "inget värde")))
        } else {
            self.run_rule(ind, &inputs)?
        };
        let level = self.scale.level(&verdict.status).unwrap_or(&self.scale.error);
        Ok(Assessment {
            status: level.id.clone(),
            label: level.label.clone(),
            reason: verdict.reason.unwrap_or_default(),
            score: level.score,
            period: inputs.period,
            target: inputs.target,
            target_op: inputs.target_op.map(|op| op.as_str().to_string()),
            previous: inputs.previous,
            measures: verdict.measures,
        })
    }
}
