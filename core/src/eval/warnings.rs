//! A report's warnings, from the index and the results: data the plan does not know, an entity or period without data, rules that failed.

use crate::data::{Index, Observations};
use crate::model::Gender;
use crate::plan::Plan;
use crate::report::{GoalResult, IndicatorResult};
use crate::warning::{Warning, WarningCode, leading_zeros_said, located, nearest, without_leading_zeros};

impl Plan {
    /// The warnings of a report for `entity` and `period`: unknown ids first (sorted), then
    /// missing data, then rule errors in plan order.
    pub(crate) fn warnings(
        &self,
        index: &Index,
        entity: &str,
        period: &str,
        results: &[IndicatorResult],
        goals: &[GoalResult],
    ) -> Vec<Warning> {
        let lang = self.language;
        let mut out = self.unknown_ids(index);
        if !self.indicators.is_empty() {
            let has_period = index.entity_periods(entity).is_some_and(|mut p| p.any(|x| x == period));
            if !has_period {
                let msg = lang.pick(
                    format!("entity {entity} has no values for period {period}"),
                    format!("{entity} har inga värden för perioden {period}"),
                );
                out.push(Warning::new(WarningCode::DataNoDataForPeriod, msg));
                if let Some(found) = without_leading_zeros(entity, |e| index.has_entity(e)) {
                    let msg = format!("{entity}: {}", leading_zeros_said(found, lang));
                    out.push(Warning { ids: vec![found.to_string()], ..Warning::new(WarningCode::DataLeadingZeros, msg) });
                }
            }
            let absent: Vec<String> =
                self.indicators.iter().filter(|i| index.series(&i.id, entity, Gender::T).is_none()).map(|i| i.id.clone()).collect();
            if !absent.is_empty() && absent.len() < self.indicators.len() {
                let (n, list) = (absent.len(), absent.join(", "));
                let msg = lang.pick(
                    format!("{n} {} no data at all for {entity}: {list}", if n == 1 { "indicator has" } else { "indicators have" }),
                    format!("{n} nyckeltal saknar data helt för {entity}: {list}"),
                );
                out.push(Warning { ids: absent, ..Warning::new(WarningCode::DataNoDataForEntity, msg) });
            }
        }
        for r in results.iter().filter(|r| r.gender == Gender::T) {
            if let Some(e) = &r.error {
                let msg = lang.pick(format!("indicator {}: {}", r.id, r.reason), format!("nyckeltal {}: {}", r.id, r.reason));
                out.push(Warning { indicator: Some(r.id.clone()), ..located(WarningCode::RuleError, msg, e) });
            }
        }
        for g in goals {
            if let Some(e) = &g.error {
                let msg = lang.pick(format!("goal {}: {}", g.id, g.reason), format!("mål {}: {}", g.id, g.reason));
                out.push(Warning { goal: Some(g.id.clone()), ..located(WarningCode::RuleGoalError, msg, e) });
            }
        }
        out
    }

    /// One warning (`data.unknown_indicator`) per indicator id in `data` that the plan does not
    /// define, with its row count and the nearest id the plan knows; sorted by id. `attain check`
    /// fails on these in the plan's own data.
    pub fn unknown_indicators(&self, data: &Observations) -> Vec<Warning> {
        self.unknown_ids(&data.index())
    }

    fn unknown_ids(&self, index: &Index) -> Vec<Warning> {
        let mut unknown: Vec<(&str, usize)> =
            index.rows_per_indicator().filter(|(id, _)| !self.indicators.iter().any(|i| i.id == *id)).collect();
        unknown.sort();
        unknown
            .into_iter()
            .map(|(id, rows)| {
                let near = nearest(id, self.indicators.iter().map(|i| i.id.as_str()));
                let lang = self.language;
                let what = lang.pick(
                    format!("{rows} {} for unknown indicator {id}", if rows == 1 { "row" } else { "rows" }),
                    format!("{rows} {} för okänt nyckeltal {id}", if rows == 1 { "rad" } else { "rader" }),
                );
                let msg = match near {
                    Some(n) => lang.pick(format!("{what} (did you mean {n}?)"), format!("{what} (menade du {n}?)")),
                    None => what,
                };
                Warning {
                    indicator: Some(id.to_string()),
                    rows: Some(rows),
                    nearest: near.map(String::from),
                    ..Warning::new(WarningCode::DataUnknownIndicator, msg)
                }
            })
            .collect()
    }
}
