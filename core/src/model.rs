//! Plain data types shared by the plan, the data and the report: genders, languages, values, peers, the scale and polarity.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Women, men or everyone. Kolada's codes: T (totalt), K (kvinnor), M (män).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// Everyone.
    T,
    /// Women.
    K,
    /// Men.
    M,
}

/// The total: what every call judges when no gender is given.
impl Default for Gender {
    fn default() -> Self {
        Gender::T
    }
}

impl Gender {
    /// All three, total first.
    pub const ALL: [Gender; 3] = [Gender::T, Gender::K, Gender::M];

    /// Parses `T`, `K`, `M` (also `F`/`W` for women, `total`, `women`, `men`), case-insensitive.
    pub fn parse(s: &str) -> Option<Gender> {
        // The one-letter codes first: every row of a large file gives one, and lowering allocates.
        match s {
            "T" => return Some(Gender::T),
            "K" => return Some(Gender::K),
            "M" => return Some(Gender::M),
            _ => {}
        }
        match s.trim().to_lowercase().as_str() {
            "t" | "total" | "totalt" | "" => Some(Gender::T),
            "k" | "f" | "w" | "women" | "kvinnor" => Some(Gender::K),
            "m" | "men" | "män" => Some(Gender::M),
            _ => None,
        }
    }
    /// The one-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Gender::T => "T",
            Gender::K => "K",
            Gender::M => "M",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Language of labels and reasons.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Swedish.
    Sv,
    /// English.
    #[default]
    En,
}

/// A value for one period, as rules see history.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodValue {
    /// Period id (`2022`, `2023-T1`).
    pub period: String,
    /// The value.
    pub value: f64,
}

/// Statistics of a peer group for one indicator and period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PeerStats {
    /// Mean of the members, or the group's published value.
    pub mean: Option<f64>,
    /// Median of the members.
    pub median: Option<f64>,
    /// Lowest member value.
    pub min: Option<f64>,
    /// Highest member value.
    pub max: Option<f64>,
    /// Members with a value (for a published group value: Kolada's `count`, else 0 when unknown).
    pub count: usize,
    /// Member values used, in member order.
    #[serde(default)]
    pub values: Vec<f64>,
    /// True when `mean` is the group's own published row rather than derived from members.
    #[serde(default)]
    pub published: bool,
}

impl PeerStats {
    /// Statistics derived from member values.
    pub fn from_values(values: Vec<f64>) -> PeerStats {
        if values.is_empty() {
            return PeerStats::default();
        }
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        PeerStats {
            mean: Some(values.iter().sum::<f64>() / n as f64),
            median: Some(median),
            min: sorted.first().copied(),
            max: sorted.last().copied(),
            count: n,
            values,
            published: false,
        }
    }

    /// Statistics stated in part, as a rule test, a what-if or a caller gives them: each one
    /// stated wins, the others are derived from the member values.
    #[must_use]
    pub fn with_stated(
        mut self,
        mean: Option<f64>,
        median: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
        count: Option<usize>,
    ) -> PeerStats {
        self.mean = mean.or(self.mean);
        self.median = median.or(self.median);
        self.min = min.or(self.min);
        self.max = max.or(self.max);
        self.count = count.unwrap_or(self.count);
        self
    }
}

/// Status of an assignment (uppdrag) at a follow-up.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// Done.
    Done,
    /// Expected to be done in time.
    OnTrack,
    /// In danger of not being done.
    AtRisk,
    /// Not done (at year end).
    NotDone,
    /// Not started.
    NotStarted,
}

impl AssignmentStatus {
    /// Parses the snake_case id (`on_track`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "done" => Self::Done,
            "on_track" => Self::OnTrack,
            "at_risk" => Self::AtRisk,
            "not_done" => Self::NotDone,
            "not_started" => Self::NotStarted,
            _ => return None,
        })
    }
    /// The snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::NotDone => "not_done",
            Self::NotStarted => "not_started",
        }
    }
    /// Where the assignment sits on the plan's scale: done and on track count as attained.
    pub(crate) fn scale_status(self) -> &'static str {
        match self {
            Self::Done | Self::OnTrack => "attained",
            Self::AtRisk | Self::NotStarted => "partly",
            Self::NotDone => "not_attained",
        }
    }
}

/// The year part of a period id (`2023-T1` → 2023).
pub(crate) fn period_year(period: &str) -> Option<i64> {
    period.get(..4)?.parse().ok()
}

/// A level of the plan's scale, ordered best first.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Level {
    /// Id rules return (`attained`).
    pub id: String,
    /// Label in the plan's language (`Uppfyllt`).
    pub label: String,
    /// Colour for reports.
    pub color: String,
    /// Score in 0..1 (1 best); none for no_data and error.
    pub score: Option<f64>,
}

/// The plan's scale: levels best first (at least one), and the levels for "not assessed" and
/// "rule error".
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ScaleFields")]
pub struct Scale {
    /// Levels, best first.
    levels: Vec<Level>,
    /// Shown when no value could be assessed.
    pub no_data: Level,
    /// Shown when a rule failed.
    pub error: Level,
}

/// A scale as written, before the check that it has a level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Scale"))]
#[derive(serde::Deserialize)]
struct ScaleFields {
    /// Levels, best first.
    levels: Vec<Level>,
    /// Shown when no value could be assessed.
    no_data: Level,
    /// Shown when a rule failed.
    error: Level,
}

impl TryFrom<ScaleFields> for Scale {
    type Error = String;
    fn try_from(f: ScaleFields) -> Result<Scale, String> {
        Scale::new(f.levels, f.no_data, f.error).ok_or_else(|| "the scale has no levels".to_string())
    }
}

impl Scale {
    /// A scale of these levels, best first; `None` when there are none.
    pub fn new(levels: Vec<Level>, no_data: Level, error: Level) -> Option<Scale> {
        (!levels.is_empty()).then_some(Scale { levels, no_data, error })
    }
    /// Levels, best first (never empty).
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }
    /// Levels to relabel or recolour in place (a scale cannot lose its levels).
    pub fn levels_mut(&mut self) -> &mut [Level] {
        &mut self.levels
    }
    pub(crate) fn default_for(lang: Language) -> Scale {
        let l = |id: &str, en: &str, svl: &str, color: &str, score: Option<f64>| Level {
            id: id.into(),
            label: lang.pick(en, svl).into(),
            color: color.into(),
            score,
        };
        Scale {
            levels: vec![
                l("attained", "Attained", "Uppfyllt", "#2e7d32", Some(1.0)),
                l("partly", "Partly attained", "Delvis uppfyllt", "#f9a825", Some(0.5)),
                l("not_attained", "Not attained", "Ej uppfyllt", "#c62828", Some(0.0)),
            ],
            no_data: l("no_data", "Not assessed", "Ej bedömd", "#9e9e9e", None),
            error: l("error", "Rule error", "Fel i regel", "#6a1b9a", None),
        }
    }
    /// The shipped scales a plan names with `[scale] preset = "…"`.
    pub const PRESETS: &'static [&'static str] = &["sdg"];

    /// A shipped scale by name: `sdg`, the Open SDG progress statuses (best first: target
    /// achieved, substantial, moderate and limited progress, deterioration; not available is
    /// `no_data`).
    pub(crate) fn preset(name: &str, lang: Language) -> Option<Scale> {
        let l = |id: &str, en: &str, svl: &str, color: &str, score: Option<f64>| Level {
            id: id.into(),
            label: lang.pick(en, svl).into(),
            color: color.into(),
            score,
        };
        match name {
            "sdg" => Some(Scale {
                levels: vec![
                    l("target_achieved", "Target achieved", "Målet nått", "#1b5e20", Some(1.0)),
                    l("substantial_progress", "Substantial progress", "Betydande framsteg", "#2e7d32", Some(0.75)),
                    l("moderate_progress", "Moderate progress", "Måttliga framsteg", "#f9a825", Some(0.5)),
                    l("limited_progress", "Limited progress", "Begränsade framsteg", "#ef6c00", Some(0.25)),
                    l("deterioration", "Deterioration", "Försämring", "#c62828", Some(0.0)),
                ],
                no_data: l("no_data", "Unable to assess", "Kan inte bedömas", "#9e9e9e", None),
                error: Scale::default_for(lang).error,
            }),
            _ => None,
        }
    }
    /// The level with this id (levels, then no_data and error).
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().chain([&self.no_data, &self.error]).find(|l| l.id == id)
    }
    /// Position best-first (0 = best); `None` for no_data/error.
    pub fn rank(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }
    /// Maps a score in 0..1 to the nearest level by score.
    pub fn level_for_score(&self, x: f64) -> &Level {
        let Some(mut best) = self.levels.first() else { return &self.no_data };
        for l in &self.levels {
            if (l.score.unwrap_or(0.0) - x).abs() < (best.score.unwrap_or(0.0) - x).abs() {
                best = l;
            }
        }
        best
    }
}

/// Polarity of an indicator.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Higher values are better.
    Higher,
    /// Lower values are better.
    Lower,
}
