//! A report's warnings: data the plan does not know, an entity or period without data, rules that failed; in the plan's language.

use crate::data::{Index, Observations};
use crate::error::Error;
use crate::model::{Gender, Language};
use crate::plan::Plan;
use crate::report::IndicatorResult;
use serde::{Deserialize, Serialize};

/// Defines the closed catalogue of warning codes, as `error::code` does for errors.
macro_rules! warning_codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal,)+) => {
        /// The stable code of a report warning (`data.unknown_indicator`); serialised as its text.
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum WarningCode {
            $($(#[doc = $doc])+ #[serde(rename = $code)] $variant,)+
        }

        impl WarningCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [WarningCode] = &[$(WarningCode::$variant,)+];

            /// The code's text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $code,)+
                }
            }

            /// What the code means, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => concat!($($doc),+).trim(),)+
                }
            }
        }
    };
}

warning_codes! {
    /// The data holds rows for an indicator id the plan does not define (a typo?); `indicator`, `rows` and the `nearest` known id.
    DataUnknownIndicator = "data.unknown_indicator",
    /// The report's entity has no value at all in the report's period.
    DataNoDataForPeriod = "data.no_data_for_period",
    /// Indicators of the plan of which the data holds no row at all for the report's entity (`ids`).
    DataNoDataForEntity = "data.no_data_for_entity",
    /// An indicator's rule failed (status `error`); `indicator`, `file`, `line`, `column` and the rule's message.
    RuleError = "rule.error",
    /// A goal's aggregation failed (status `error`); `goal`, `file`, `line`, `column` and the rule's message.
    RuleGoalError = "rule.goal_error",
}

/// Something in a report a reader should know of: it does not stop the report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// Stable code.
    pub code: WarningCode,
    /// The warning in the plan's language.
    pub message: String,
    /// The indicator id it concerns.
    pub indicator: Option<String>,
    /// The goal id it concerns.
    pub goal: Option<String>,
    /// Ids it concerns (`data.no_data_for_entity`).
    #[serde(default)]
    pub ids: Vec<String>,
    /// Rows of the data it concerns.
    pub rows: Option<usize>,
    /// The nearest id the plan knows (`data.unknown_indicator`), when one is close.
    pub nearest: Option<String>,
    /// File of a rule error.
    pub file: Option<String>,
    /// Line of a rule error.
    pub line: Option<usize>,
    /// Column of a rule error.
    pub column: Option<usize>,
}

impl Warning {
    fn new(code: WarningCode, message: String) -> Warning {
        Warning { code, message, indicator: None, goal: None, ids: vec![], rows: None, nearest: None, file: None, line: None, column: None }
    }
}

/// Where a rule failed, in words: "rules/x.rhai rad 3, kolumn 1" / "rules/x.rhai line 3, column 1".
pub(crate) fn rule_place(e: &Error, lang: Language) -> String {
    let file = e.file().unwrap_or("?");
    match (e.line(), e.column()) {
        (Some(l), Some(c)) => lang.pick(format!("{file} line {l}, column {c}"), format!("{file} rad {l}, kolumn {c}")),
        (Some(l), None) => lang.pick(format!("{file} line {l}"), format!("{file} rad {l}")),
        _ => file.to_string(),
    }
}

/// A failed rule's reason in the plan's language, with its place: "regelfel i rules/x.rhai rad 3, kolumn 1: …".
pub(crate) fn rule_error_reason(e: &Error, lang: Language) -> String {
    let place = rule_place(e, lang);
    lang.pick(format!("rule error in {place}: {}", e.message()), format!("regelfel i {place}: {}", e.message()))
}

/// The nearest of `known` to `id` by edit distance, when it is close (at most a third of the id's
/// length, at least 1 edit): a likely typo.
pub(crate) fn nearest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (id.chars().count() / 3).max(1);
    known.map(|k| (strsim::levenshtein(id, k), k)).filter(|(d, _)| *d <= limit).min_by_key(|(d, k)| (*d, *k)).map(|(_, k)| k)
}

impl Plan {
    /// The warnings of a report for `entity` and `period`: unknown ids first (sorted), then
    /// missing data, then rule errors in plan order.
    pub(crate) fn warnings(
        &self,
        index: &Index,
        entity: &str,
        period: &str,
        results: &[IndicatorResult],
        goals: &[crate::GoalResult],
    ) -> Vec<Warning> {
        let lang = self.language;
        let mut out = self.unknown_ids(index);
        if !self.indicators.is_empty() {
            let has_period = index.entity_periods.get(entity).is_some_and(|p| p.iter().any(|x| x == period));
            if !has_period {
                let msg = lang.pick(
                    format!("entity {entity} has no values for period {period}"),
                    format!("{entity} har inga värden för perioden {period}"),
                );
                out.push(Warning::new(WarningCode::DataNoDataForPeriod, msg));
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
        let mut unknown: Vec<(&String, &usize)> =
            index.rows_per_indicator.iter().filter(|(id, _)| !self.indicators.iter().any(|i| &i.id == *id)).collect();
        unknown.sort();
        unknown
            .into_iter()
            .map(|(id, &rows)| {
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
                    indicator: Some(id.clone()),
                    rows: Some(rows),
                    nearest: near.map(String::from),
                    ..Warning::new(WarningCode::DataUnknownIndicator, msg)
                }
            })
            .collect()
    }
}

fn located(code: WarningCode, message: String, e: &Error) -> Warning {
    Warning { file: e.file().map(String::from), line: e.line(), column: e.column(), ..Warning::new(code, message) }
}

impl crate::Report {
    /// The report's warnings as lines in its plan's language, as `attain report` prints them
    /// on standard error: "varning: 142 rader för okänt nyckeltal N2103O (menade du N21030?)".
    pub fn warning_lines(&self) -> Vec<String> {
        let word = self.plan.language.pick("warning", "varning");
        self.warnings.iter().map(|w| format!("{word}: {} [{}]", w.message, w.code.as_str())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_id_is_a_close_one() {
        let known = ["N21030", "N00002", "U00401"];
        assert_eq!(nearest("N2103O", known.iter().copied()), Some("N21030"));
        assert_eq!(nearest("X99999", known.iter().copied()), None);
    }

    /// docs/guide.md's warning table is the catalogue, row for row.
    #[test]
    fn the_guide_lists_the_warning_codes() {
        let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/guide.md")).unwrap();
        let section = guide.split("### Warnings").nth(1).expect("the guide has a Warnings section");
        let section = section.split("\n#").next().unwrap_or_default();
        let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
        let want: Vec<String> =
            WarningCode::ALL.iter().map(|c| format!("| `{}` | {} |", c.as_str(), c.description().replace('|', "\\|"))).collect();
        assert_eq!(rows, want, "docs/guide.md's warning codes differ from core's catalogue (core/src/warning.rs)");
    }
}
