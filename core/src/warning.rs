//! A report's warnings and their closed catalogue of codes; a failed rule's place in the plan's language.

use crate::error::Error;
use crate::model::Language;
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
    /// The report's entity has no data, but the data holds its id without the leading zeros (`0180` as `180`: a number cell in a spreadsheet drops them); `ids` holds the id found.
    DataLeadingZeros = "data.leading_zeros",
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
    pub(crate) fn new(code: WarningCode, message: String) -> Warning {
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

/// A failed rule's reason in the plan's language, with its place and its cause in the same
/// language: "regelfel i rules/x.rhai rad 3, kolumn 1: funktionen finns inte: attaind ()".
pub(crate) fn rule_error_reason(e: &Error, lang: Language) -> String {
    let place = rule_place(e, lang);
    let said = e.said(lang);
    lang.pick(format!("rule error in {place}: {said}"), format!("regelfel i {place}: {said}"))
}

/// The id the data holds for `entity` without its leading zeros (`180` for `0180`), when
/// `entity` is digits with a leading zero and the data names no `entity` but does name that.
pub(crate) fn without_leading_zeros(entity: &str, in_data: impl Fn(&str) -> bool) -> Option<&str> {
    let stripped = entity.trim_start_matches('0');
    let digits = !entity.is_empty() && entity.bytes().all(|b| b.is_ascii_digit());
    (digits && stripped.len() < entity.len() && !stripped.is_empty() && !in_data(entity) && in_data(stripped)).then_some(stripped)
}

/// What to say of it, in `lang`: "the data has `180`: a number cell loses its leading zero; write the ids as text".
pub(crate) fn leading_zeros_said(found: &str, lang: Language) -> String {
    lang.pick(
        format!("the data has `{found}`: a number cell loses its leading zero; write the ids as text"),
        format!("datan har `{found}`: en sifferruta tappar sin inledande nolla; skriv id:n som text"),
    )
}

/// The nearest of `known` to `id` by edit distance, when it is close (at most a third of the id's
/// length, at least 1 edit): a likely typo.
pub(crate) fn nearest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (id.chars().count() / 3).max(1);
    known.map(|k| (strsim::levenshtein(id, k), k)).filter(|(d, _)| *d <= limit).min_by_key(|(d, k)| (*d, *k)).map(|(_, k)| k)
}

pub(crate) fn located(code: WarningCode, message: String, e: &Error) -> Warning {
    Warning { file: e.file().map(String::from), line: e.line(), column: e.column(), ..Warning::new(code, message) }
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
