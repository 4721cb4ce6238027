//! The host boundary: what every front door (the CLI, Python, JavaScript) asks of core and what it
//! gets back. A binding converts its host's values into these types (through serde: pythonize,
//! serde-wasm-bindgen, or the CLI's flags), makes one call and converts the answer back. Every
//! default, check and policy of a call is decided here, once, so that the hosts cannot disagree;
//! the conformance vectors (tests/conformance) pin the answers.
//!
//! cedar-policy keeps its host boundary the same way (`cedar-policy/src/ffi/`).

use crate::data::Observations;
use crate::error::{Code, Error, Result};
use crate::eval::Query;
use crate::model::Direction;
use crate::model::{Gender, Language, PeerStats, PeriodValue, period_year};
use crate::plan::Plan;
use crate::render::Format;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

// ------------------------------------------------------------------ arguments

/// Reads a request from any serde deserializer (a Python object through pythonize, a JS value
/// through serde-wasm-bindgen, JSON), with an error that names the argument and the path inside
/// it: ``argument `history[2].value`: invalid type: string "x", expected f64``.
///
/// # Errors
/// A query error naming `what` and the path to the field that could not be read.
pub fn decode<'de, T: Deserialize<'de>, D: Deserializer<'de>>(what: &str, deserializer: D) -> Result<T> {
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let place = match path.as_str() {
            "." | "" => format!("`{what}`"),
            p if p.starts_with('[') => format!("`{what}{p}`"),
            p => format!("`{what}.{p}`"),
        };
        let inner = e.inner().to_string();
        let message = format!("{place}: {inner}");
        // A period's own error comes back through serde as text only (see `Period`'s visitor).
        let code = if inner.starts_with("period ") && inner.contains("is not a year") {
            Code::QueryInvalidPeriod
        } else {
            crate::error::serde_code(
                &message,
                [
                    Code::QueryUnknownField,
                    Code::QueryMissingField,
                    Code::QueryInvalidType,
                    Code::QueryInvalidValue,
                    Code::QueryInvalidArgument,
                ],
            )
        };
        Error::new(code, message)
    })
}

/// As [`decode`], from JSON text (the CLI's `--json` requests and the conformance vectors).
///
/// # Errors
/// As [`decode`]; malformed JSON is an error at its line and column.
pub fn decode_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let mut d = serde_json::Deserializer::from_str(text);
    let value = decode(what, &mut d)?;
    d.end().map_err(|e| Error::new(Code::QueryInvalidArgument, format!("`{what}`: {e}")))?;
    Ok(value)
}

/// A period as a caller names one: `2023`, `2023-T2` (tertial), `2023-Q1` (quarter) or `2023-05`
/// (month). Given as text or as a whole number (`2023`), the same in every host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Period(String);

impl Period {
    /// Checks a period's form.
    ///
    /// # Errors
    /// A query error naming the period when it is not a year, `YYYY-T1`..`T3`, `YYYY-Q1`..`Q4` or
    /// `YYYY-01`..`12`.
    pub fn parse(text: &str) -> Result<Period> {
        let ok = |n: &str, max: u32| n.len() <= 2 && n.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n));
        let valid = period_year(text).is_some()
            && text.get(..4).is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
            && match text.get(4..) {
                Some("") => true,
                Some(rest) => match rest.strip_prefix('-') {
                    Some(r) if r.starts_with('T') => ok(&r[1..], 3),
                    Some(r) if r.starts_with('Q') => ok(&r[1..], 4),
                    Some(r) => r.len() == 2 && ok(r, 12),
                    None => false,
                },
                None => false,
            };
        if valid {
            Ok(Period(text.to_string()))
        } else {
            Err(Error::new(
                Code::QueryInvalidPeriod,
                format!("period `{text}` is not a year (`2023`), a tertial (`2023-T2`), a quarter (`2023-Q1`) or a month (`2023-05`)"),
            ))
        }
    }

    /// The period as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A period: `2023`, `2023-T2`, `2023-Q1` or `2023-05`; a year may be a whole number.",
            "type": ["string", "integer"]
        })
    }
}

/// What `genders` accepts, for the schema: one gender or a list.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum GendersSchema {
    One(String),
    Many(Vec<String>),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a period: text such as \"2023\" or \"2023-T2\", or a year as a whole number")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Period, E> {
                Period::parse(s).map_err(|e| E::custom(e.message()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Period, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Period, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Period, E> {
                // JavaScript has only doubles: 2023 arrives as 2023.0.
                if x.fract() == 0.0 && (1000.0..=9999.0).contains(&x) {
                    self.visit_str(&format!("{x:.0}"))
                } else {
                    Err(E::custom(format!("period {x} is not a year")))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl std::str::FromStr for Gender {
    type Err = Error;

    /// `T`, `K`, `M`, or `total`, `women`, `men` and the other names [`Gender::parse`] reads.
    fn from_str(s: &str) -> Result<Gender> {
        Gender::parse(s).ok_or_else(|| Error::new(Code::QueryInvalidGender, format!("gender `{s}` is not T, K or M")))
    }
}

/// A gender as a caller names it: `T`, `K`, `M`, or `total`, `women`, `men` (any case).
fn gender<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Gender>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|s| s.parse::<Gender>().map_err(|e| de::Error::custom(e.message()))).transpose()
}

fn genders<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<Gender>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let given: Option<OneOrMany> = Option::deserialize(d)?;
    let names = match given {
        None => return Ok(None),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    };
    names
        .iter()
        .map(|s| s.parse::<Gender>().map_err(|e| de::Error::custom(e.message())))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map(Some)
}

/// A number or none (finiteness is checked by [`AssessRequest::resolve`], whoever built the
/// request). A visitor of its own rather than `Option<f64>`'s, so that a host deserializer that
/// hands over a bare float for an optional field is read too.
fn number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or nothing")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> std::result::Result<Self::Value, D2::Error> {
            f64::deserialize(d).map(Some)
        }
        fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x))
        }
        #[allow(clippy::cast_precision_loss)]
        fn visit_i64<E: de::Error>(self, x: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x as f64))
        }
        #[allow(clippy::cast_precision_loss)]
        fn visit_u64<E: de::Error>(self, x: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x as f64))
        }
    }
    d.deserialize_option(V)
}

// ------------------------------------------------------------------ evaluate, explain, required

/// Which entity and period to judge: [`Plan::evaluate`]'s [`Query`] as a host sends it.
/// Every field is optional: the plan's entity, the plan's period or the entity's latest period
/// with data, and total plus women and men.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// Entity id.
    #[serde(default)]
    pub entity: Option<String>,
    /// Period.
    #[serde(default)]
    pub period: Option<Period>,
    /// Genders: one or a list (`T`, `K`, `M`); the total is always judged.
    #[serde(default, deserialize_with = "genders")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<GendersSchema>"))]
    pub genders: Option<Vec<Gender>>,
}

impl EvaluateRequest {
    /// The query it asks.
    pub fn query(&self) -> Query {
        Query { entity: self.entity.clone(), period: self.period.as_ref().map(|p| p.0.clone()), genders: self.genders.clone() }
    }
}

/// Many entities and periods at once ([`Plan::evaluate_many`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluateManyRequest {
    /// Entity ids.
    pub entities: Vec<String>,
    /// Periods.
    pub periods: Vec<Period>,
}

/// One indicator of one entity and period: what [`Plan::explain`] and [`Plan::required`] take.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRequest {
    /// Indicator id.
    pub indicator: String,
    /// Entity id (default: the plan's).
    #[serde(default)]
    pub entity: Option<String>,
    /// Period (default: the plan's, else the latest with data).
    #[serde(default)]
    pub period: Option<Period>,
    /// Gender (default: total).
    #[serde(default, deserialize_with = "gender")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub gender: Option<Gender>,
}

impl IndicatorRequest {
    /// The query it asks and the gender.
    pub fn query(&self) -> (Query, Gender) {
        let query = Query { entity: self.entity.clone(), period: self.period.as_ref().map(|p| p.0.clone()), genders: None };
        (query, self.gender.unwrap_or_default())
    }
}

// ------------------------------------------------------------------ the data argument

/// What a host passed as the data of a call, classified by the binding (the only decision a
/// binding makes about it). One meaning in every host:
///
/// - nothing: the plan's own `data/` folder (read once, then kept with the plan);
/// - observations made by the host's constructors (from rows, CSV or JSON text, or a file);
/// - text: an error. A string is never read as a path or as CSV, because the browser has no
///   files and a string that is a path in one host and CSV in another is how the hosts came to
///   disagree; the constructors say which it is.
#[derive(Debug, Clone, Copy)]
pub enum DataArg<'a> {
    /// No data given.
    Absent,
    /// Observations the host made.
    Given(&'a Observations),
    /// A string.
    Text,
}

impl Plan {
    /// The observations a call runs on, by the rule of [`DataArg`].
    ///
    /// # Errors
    /// A query error for text; the plan's data errors when its folder is read.
    pub fn data_for(&self, data: DataArg<'_>) -> Result<Arc<Observations>> {
        match data {
            DataArg::Absent => self.data(),
            DataArg::Given(d) => Ok(Arc::new(d.clone())),
            DataArg::Text => Err(Error::new(
                Code::QueryInvalidArgument,
                "`data` is a string, which is never read as a path or as CSV: make observations from a file, from CSV or JSON text, or from rows",
            )),
        }
    }
}

// ------------------------------------------------------------------ assess

/// What-if inputs of one indicator ([`Plan::assess`]), as a host gives them. Only `value` is
/// needed; everything else is decided by core: the period is the plan's when not given, the
/// target the indicator's own for that period, `previous` the last value of `history`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessRequest {
    /// The value judged; none gives `no_data` without running the rule.
    #[serde(default, deserialize_with = "number")]
    pub value: Option<f64>,
    /// The period judged (default: the plan's).
    #[serde(default)]
    pub period: Option<Period>,
    /// The target (default: the indicator's own for the period, if it has one).
    #[serde(default, deserialize_with = "number")]
    pub target: Option<f64>,
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
    /// The rule's score, when it gives one.
    pub score: Option<f64>,
    /// The period judged.
    pub period: String,
    /// The target used: given, or the indicator's own for the period.
    pub target: Option<f64>,
    /// The previous value used: given, or the last of the history.
    pub previous: Option<f64>,
}

impl AssessRequest {
    /// Every number given is finite: NaN and the infinities are refused, naming the input.
    fn check_finite(&self) -> Result<()> {
        let refuse = |name: String, x: f64| Err(Error::new(Code::QueryNotFinite, format!("`{name}` is {x}, not a finite number")));
        let single = [
            ("value", self.value),
            ("target", self.target),
            ("previous", self.previous),
            ("national", self.national),
            ("percentile", self.percentile),
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
    pub(crate) fn resolve(&self, plan: &Plan, indicator: &crate::plan::Indicator) -> Result<crate::judgement::Inputs> {
        self.check_finite()?;
        let period = match (&self.period, &plan.period) {
            (Some(p), _) => p.0.clone(),
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
            && last.period.0 >= period
        {
            return Err(Error::new(
                Code::QueryInvalidHistory,
                format!("`history`: period `{}` is not before the period judged (`{period}`)", last.period),
            ));
        }
        let history: Vec<PeriodValue> = self.history.iter().map(|h| PeriodValue { period: h.period.0.clone(), value: h.value }).collect();
        Ok(crate::judgement::Inputs {
            value: self.value,
            target: self.target.or_else(|| indicator.target_for(&period)),
            previous: self.previous.or_else(|| history.last().map(|h| h.value)),
            history,
            national: self.national,
            peers: self.peers.as_ref().map(PeersRequest::stats),
            percentile: self.percentile,
            women: self.women,
            men: self.men,
            period,
        })
    }
}

// ------------------------------------------------------------------ check and rule tests

/// Settings of [`check`](crate::check) as a host gives them: `{cases, seed}`, both optional.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckRequest {
    /// Generated inputs per indicator (default 200, at most [`MAX_CHECK_CASES`](crate::MAX_CHECK_CASES)).
    pub cases: usize,
    /// Seed of the generator (default 2023).
    pub seed: u64,
}

impl Default for CheckRequest {
    fn default() -> Self {
        let d = crate::CheckOptions::default();
        CheckRequest { cases: d.cases, seed: d.seed }
    }
}

impl CheckRequest {
    /// The options it asks for.
    pub fn options(&self) -> crate::CheckOptions {
        crate::CheckOptions { cases: self.cases, seed: self.seed }
    }
}

// ------------------------------------------------------------------ output format

impl std::str::FromStr for Format {
    type Err = Error;

    /// `table`, `json`, `md` (or `markdown`), `csv`, `html`.
    fn from_str(s: &str) -> Result<Format> {
        Format::parse(s)
            .ok_or_else(|| Error::new(Code::QueryInvalidFormat, format!("format `{s}` is not one of table, json, md, csv, html")))
    }
}

// ------------------------------------------------------------------ outline

/// A plan's structure as a host shows it: goals, indicators with their rules and targets,
/// assignments.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outline {
    /// Plan id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Default entity.
    pub entity: Option<String>,
    /// Default period.
    pub period: Option<String>,
    /// Language of labels and reasons.
    pub language: Language,
    /// Display names of entities.
    pub entities: BTreeMap<String, String>,
    /// Goals in file order.
    pub goals: Vec<OutlineGoal>,
    /// Indicators in file order.
    pub indicators: Vec<OutlineIndicator>,
    /// Assignments in file order.
    pub assignments: Vec<OutlineAssignment>,
}

/// A goal in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineGoal {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Parent goal.
    pub parent: Option<String>,
    /// Indicators judged for it.
    pub indicators: Vec<String>,
    /// Key figures shown with it, not judged.
    pub key_figures: Vec<String>,
    /// Aggregation rule.
    pub rule: String,
}

/// An indicator in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineIndicator {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Whether it is judged for women and men too.
    pub gender: bool,
    /// Rule: a std rule id or a script path.
    pub rule: String,
    /// Targets by period.
    pub targets: BTreeMap<String, f64>,
}

/// An assignment in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineAssignment {
    /// Id.
    pub id: String,
    /// Goal it serves.
    pub goal: String,
    /// What is to be done.
    pub text: String,
    /// Boards it is given to.
    pub boards: Vec<String>,
}

impl Plan {
    /// The plan's structure: goals, indicators, rules, targets and assignments.
    pub fn outline(&self) -> Outline {
        Outline {
            id: self.id.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            entity: self.entity.clone(),
            period: self.period.clone(),
            language: self.language,
            entities: self.entities.clone(),
            goals: self
                .goals
                .iter()
                .map(|g| OutlineGoal {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    parent: g.parent.clone(),
                    indicators: g.indicators.iter().map(|l| l.id.clone()).collect(),
                    key_figures: g.key_figures.clone(),
                    rule: g.aggregate_id().to_string(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| OutlineIndicator {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    unit: i.unit.clone(),
                    direction: i.direction,
                    gender: i.gender,
                    rule: i.rule_id().to_string(),
                    targets: i.targets.clone(),
                })
                .collect(),
            assignments: self
                .assignments
                .iter()
                .map(|a| OutlineAssignment { id: a.id.clone(), goal: a.goal.clone(), text: a.text.clone(), boards: a.boards.clone() })
                .collect(),
        }
    }
}

// ------------------------------------------------------------------ schema

/// The JSON Schema of everything that crosses the host boundary, as shipped in
/// `schema/api.schema.json`: requests as core reads them, answers as core writes them. The
/// TypeScript declarations of the WebAssembly package are generated from it.
#[cfg(feature = "schema")]
pub fn api_schema() -> String {
    use schemars::generate::SchemaSettings;
    let mut defs = serde_json::Map::new();
    let mut read = SchemaSettings::draft2020_12().for_deserialize().into_generator();
    read.subschema_for::<AssessRequest>();
    read.subschema_for::<EvaluateRequest>();
    read.subschema_for::<EvaluateManyRequest>();
    read.subschema_for::<IndicatorRequest>();
    read.subschema_for::<CheckRequest>();
    let mut write = SchemaSettings::draft2020_12().for_serialize().into_generator();
    write.subschema_for::<Assessment>();
    write.subschema_for::<crate::Observation>();
    write.subschema_for::<crate::AssignmentUpdate>();
    write.subschema_for::<Outline>();
    write.subschema_for::<crate::Explanation>();
    write.subschema_for::<crate::Required>();
    write.subschema_for::<crate::CheckReport>();
    write.subschema_for::<crate::TestReport>();
    write.subschema_for::<crate::Report>();
    write.subschema_for::<crate::Error>();
    for (name, schema) in read.take_definitions(true).into_iter().chain(write.take_definitions(true)) {
        defs.entry(name).or_insert(schema);
    }
    let doc = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "attain API",
        "description": "Everything that crosses attain's host boundary (core/src/host.rs).",
        "$defs": defs,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(all(test, feature = "schema"))]
mod schema_tests {
    /// The shipped schema is the one the types produce; `UPDATE_SCHEMA=1` rewrites it.
    #[test]
    fn shipped_api_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/api.schema.json");
        let generated = super::api_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/api.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p attain-core --features schema shipped_api_schema`"
        );
    }
}
