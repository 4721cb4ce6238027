//! The report: one stable JSON shape (schema/report.schema.json) every binding returns.

use crate::error::{Code, Error};
use crate::model::{Direction, Scale};
use crate::model::{Gender, Language, PeerStats, PeriodValue};
use crate::warning::Warning;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version tag of the report shape.
pub const REPORT_SCHEMA: &str = "attain-report/1";

/// The result of evaluating a plan for one entity and period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// The plan evaluated.
    pub plan: PlanInfo,
    /// Entity id.
    pub entity: String,
    /// Entity display name.
    pub entity_name: String,
    /// Period asked for.
    pub period: String,
    /// The plan's scale, for renderers.
    pub scale: Scale,
    /// Goals in plan order.
    pub goals: Vec<GoalResult>,
    /// Indicator results: every indicator and key figure, total first then women and men.
    pub indicators: Vec<IndicatorResult>,
    /// What a reader should know of: data for ids the plan does not know, an entity or period
    /// without data, rules that failed (empty in a report written before the field was added).
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// Identity of the plan in a report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInfo {
    /// Plan id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Language of labels and reasons.
    pub language: Language,
}

/// A goal's result.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalResult {
    /// Goal id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Political text.
    pub text: String,
    /// Parent goal.
    pub parent: Option<String>,
    /// Status id.
    pub status: String,
    /// Status label.
    pub label: String,
    /// Status colour.
    pub color: String,
    /// Score of the status on the scale.
    pub score: Option<f64>,
    /// Why.
    pub reason: String,
    /// The figures the aggregation handed on (`sdg_mean_score`'s `score`); absent when none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measures: BTreeMap<String, f64>,
    /// Aggregation used.
    pub rule: String,
    /// Scored indicator ids with their weights.
    pub indicators: Vec<WeightedId>,
    /// Key figure ids (shown, not scored).
    pub key_figures: Vec<String>,
    /// Sub-goal ids.
    pub children: Vec<String>,
    /// Assignments with their latest follow-up in the period's year.
    pub assignments: Vec<AssignmentResult>,
    /// Set when the aggregation failed.
    pub error: Option<Error>,
    /// On how many of its scored indicators the goal rests (`0 of 0` in a report written
    /// before the field was added).
    #[serde(default)]
    pub basis: Basis,
}

/// What a goal's verdict rests on: how many of its scored indicators were assessed, of how many
/// it links (key figures are shown, not scored, so they are not counted).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// Scored indicators with a status (not `no_data`, not `error`).
    pub assessed: usize,
    /// Scored indicators the goal links.
    pub of: usize,
}

impl Basis {
    /// The basis in words: "assessed on 1 of 12 indicators", "bedömt på 1 av 12 nyckeltal".
    ///
    /// ```
    /// use attain_core::{Basis, Language};
    /// assert_eq!(Basis { assessed: 1, of: 12 }.text(Language::Sv), "bedömt på 1 av 12 nyckeltal");
    /// assert_eq!(Basis { assessed: 1, of: 1 }.text(Language::En), "assessed on 1 of 1 indicator");
    /// assert_eq!(Basis { assessed: 0, of: 2 }.text(Language::En), "assessed on 0 of 2 indicators");
    /// ```
    pub fn text(&self, lang: Language) -> String {
        let Basis { assessed, of } = *self;
        // The noun agrees with the total: "1 of 1 indicator", "1 of 12 indicators".
        let of = crate::locale::plural(lang, of, ["indicator", "indicators"], ["nyckeltal", "nyckeltal"]);
        lang.pick(format!("assessed on {assessed} of {of}"), format!("bedömt på {assessed} av {of}"))
    }
}

/// An indicator id and weight.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedId {
    /// Indicator id.
    pub id: String,
    /// Weight.
    pub weight: f64,
}

/// An assignment and its follow-up.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentResult {
    /// Assignment id.
    pub id: String,
    /// Text.
    pub text: String,
    /// Boards; empty means all.
    pub boards: Vec<String>,
    /// Follow-up status (`done`, `on_track`, …), none when not followed up.
    pub status: Option<String>,
    /// Period of the follow-up.
    pub period: Option<String>,
    /// Comment of the follow-up.
    pub comment: Option<String>,
}

/// Role of an indicator in its goals.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Scored by a goal.
    Indicator,
    /// Followed and shown only.
    KeyFigure,
}

/// One indicator, for one gender: its inputs, status and reason.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorResult {
    /// Indicator id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Decimals for display.
    pub decimals: Option<u32>,
    /// Polarity.
    pub direction: Direction,
    /// Gender of this result.
    pub gender: Gender,
    /// Scored or shown.
    pub role: Role,
    /// Goals it belongs to.
    pub goals: Vec<String>,
    /// Rule id.
    pub rule: String,
    /// Status id.
    pub status: String,
    /// Status label.
    pub label: String,
    /// Status colour.
    pub color: String,
    /// Score on the scale.
    pub score: Option<f64>,
    /// Why, in the plan's language.
    pub reason: String,
    /// The figures the rule handed on with its verdict (`sdg_progress`'s `progress_value` and
    /// `score`), by name; absent when none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measures: BTreeMap<String, f64>,
    /// Set when the rule failed (status `error`).
    pub error: Option<Error>,
    /// Period whose value was judged (may be older than the report's period).
    pub period: Option<String>,
    /// The value judged.
    pub value: Option<f64>,
    /// Target for that period.
    pub target: Option<f64>,
    /// How the value was judged against the target: `>=`, `>`, `<=`, `<`, `=`, `increase` or
    /// `decrease` (the comparator as the plan writes it; none without a target).
    pub target_op: Option<String>,
    /// National value for that period.
    pub national: Option<f64>,
    /// Peer statistics for that period.
    pub peers: Option<PeerStats>,
    /// Position among all entities in the data (1 = best).
    pub percentile: Option<f64>,
    /// The unweighted mean of the municipalities for that period (published or computed).
    pub municipal_mean: Option<f64>,
    /// The comparisons the rule judges against: `national` (riket, the national entity),
    /// `peers` (the peer group), `mean` (the unweighted mean of the municipalities), `rank`
    /// (the position among them), `fixed` (a number in the rule's params).
    #[serde(default)]
    pub compared_with: Vec<String>,
    /// Previous value.
    pub previous: Option<f64>,
    /// Earlier values, oldest first.
    pub history: Vec<PeriodValue>,
    /// Women's value for that period (gendered indicators).
    pub women: Option<f64>,
    /// Men's value.
    pub men: Option<f64>,
    /// Kolada id or source page.
    pub source: Option<String>,
}

impl Report {
    /// The report's warnings as lines in its plan's language, as `attain report` prints them
    /// on standard error: "varning: 142 rader för okänt nyckeltal N2103O (menade du N21030?)".
    pub fn warning_lines(&self) -> Vec<String> {
        let word = self.plan.language.pick("warning", "varning");
        self.warnings.iter().map(|w| format!("{word}: {} [{}]", w.message, w.code.as_str())).collect()
    }
    /// Goal by id.
    pub fn goal(&self, id: &str) -> Option<&GoalResult> {
        self.goals.iter().find(|g| g.id == id)
    }
    /// Indicator result by id and gender.
    pub fn indicator(&self, id: &str, gender: Gender) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|r| r.id == id && r.gender == gender)
    }
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
    /// Parses a report from JSON.
    ///
    /// # Errors
    /// A data error for JSON that is not a report.
    pub fn from_json(text: &str) -> Result<Report, Error> {
        serde_json::from_str(text)
            .map_err(|e| Error::new(Code::DataNotAReport, format!("not an attain report: {e}")).at(e.line(), e.column()))
    }
}

/// The JSON Schema of [`Report`], as shipped in `schema/report.schema.json`.
#[cfg(feature = "schema")]
pub fn report_schema() -> String {
    serde_json::to_string_pretty(&schemars::schema_for!(Report)).unwrap_or_default() + "\n"
}

#[cfg(all(test, feature = "schema"))]
mod schema_tests {
    /// The shipped schema is the one the types produce; `UPDATE_SCHEMA=1` rewrites it.
    #[test]
    fn shipped_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/report.schema.json");
        let generated = super::report_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/report.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p attain-core --features schema shipped_schema`"
        );
    }
}
