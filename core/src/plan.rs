//! Loading and validating a plan: plan.toml plus its scripts.

use crate::error::{Code, Error, Result};
use crate::files::{self, PlanFiles};
use crate::model::{Language, period_year};
use crate::rules::{self, CompiledRule, RuleEngine};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

const PLAN_FILE: &str = "plan.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    plan: RawHeader,
    #[serde(default)]
    entities: BTreeMap<String, String>,
    #[serde(default)]
    comparison: RawComparison,
    scale: Option<Spanned<RawScale>>,
    #[serde(default, rename = "goal")]
    goals: Vec<RawGoal>,
    #[serde(default, rename = "indicator")]
    indicators: Vec<RawIndicator>,
    #[serde(default, rename = "assignment")]
    assignments: Vec<RawAssignment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    title: String,
    entity: Option<String>,
    period: Option<String>,
    periods: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    max_age: Option<u32>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawComparison {
    national: Option<String>,
    peers: Option<Spanned<RawPeers>>,
    #[serde(default)]
    groups: BTreeMap<String, RawGroup>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPeers {
    Group(String),
    List(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    title: Option<String>,
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    levels: Vec<RawLevel>,
    no_data: Option<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    id: String,
    label: String,
    color: Option<String>,
    score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    id: Spanned<String>,
    title: String,
    text: Option<String>,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicatorRef>>,
    #[serde(default)]
    key_figures: Vec<Spanned<String>>,
    aggregate: Option<Spanned<String>>,
    params: Option<Spanned<RawParams>>,
}

/// A goal's link to an indicator: `"I"`, or `{ id = "I", weight = 2 }` with no other key (an
/// untagged enum let a misspelt `wieght` pass as weight 1).
enum RawIndicatorRef {
    Id(String),
    Weighted(RawWeighted),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeighted {
    id: String,
    weight: Option<f64>,
}

impl<'de> Deserialize<'de> for RawIndicatorRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawIndicatorRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an indicator id or a table `{ id = \"…\", weight = … }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawIndicatorRef, E> {
                Ok(RawIndicatorRef::Id(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawIndicatorRef, A::Error> {
                // The table's keys go through the derived struct, so an unknown key is refused
                // at the key itself.
                RawWeighted::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawIndicatorRef::Weighted)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    title: String,
    description: Option<String>,
    unit: Option<String>,
    direction: Option<Spanned<String>>,
    source: Option<RawSource>,
    #[serde(default)]
    gender: bool,
    rule: Option<Spanned<String>>,
    params: Option<Spanned<RawParams>>,
    targets: Option<Spanned<BTreeMap<String, f64>>>,
    max_age: Option<u32>,
    decimals: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kolada: Option<String>,
    url: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssignment {
    id: Spanned<String>,
    goal: Spanned<String>,
    text: String,
    #[serde(default)]
    boards: Vec<String>,
}

/// Most decimals an indicator may ask reports to show (`decimals`): an f64 holds about 15
/// significant digits, and the formatter is given no more than it can say.
pub(crate) const MAX_DECIMALS: u32 = crate::rules::limits::MAX_DECIMALS;

/// Largest weight of an indicator in a goal (and of a part in an aggregation test case): any
/// number of parts at this weight still sums to a finite number, and a weight of 10⁶ against 1 is
/// already more than any plan means.
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// A number as TOML spells it (`nan`, `inf`, `-inf`, else as Rust prints it).
pub(crate) fn toml_number(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// An f64 that must be finite: NaN and infinities are refused where they stand (toml gives the
/// error the value's span, so it names file, line and column).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finite(pub(crate) f64);

impl<'de> Deserialize<'de> for Finite {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The check runs inside the visitor, so that toml places the error at the number even
        // as an element of an array (an error raised after `f64::deserialize` gets the array's).
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Finite;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a finite number")
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Finite, E> {
                if x.is_finite() { Ok(Finite(x)) } else { Err(E::custom(format!("`{}` is not a finite number", toml_number(x)))) }
            }
            fn visit_i64<E: serde::de::Error>(self, x: i64) -> Result<Finite, E> {
                Ok(Finite(x as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, x: u64) -> Result<Finite, E> {
                Ok(Finite(x as f64))
            }
        }
        d.deserialize_f64(Visitor)
    }
}

/// A TOML value (a param) in which every float, however deeply nested, is finite.
#[derive(Debug, Clone)]
pub(crate) struct FiniteValue(pub(crate) toml::Value);

impl<'de> Deserialize<'de> for FiniteValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn first_non_finite(v: &toml::Value) -> Option<f64> {
            match v {
                toml::Value::Float(x) if !x.is_finite() => Some(*x),
                toml::Value::Array(a) => a.iter().find_map(first_non_finite),
                toml::Value::Table(t) => t.values().find_map(first_non_finite),
                _ => None,
            }
        }
        let v = toml::Value::deserialize(d)?;
        match first_non_finite(&v) {
            None => Ok(FiniteValue(v)),
            Some(x) => Err(serde::de::Error::custom(format!("`{}` is not a finite number", toml_number(x)))),
        }
    }
}

/// Params as written: any keys (the rule decides which it reads), finite numbers only.
pub(crate) type RawParams = BTreeMap<String, FiniteValue>;

/// The params as the rules take them.
pub(crate) fn params_table(raw: RawParams) -> toml::Table {
    raw.into_iter().map(|(k, v)| (k, v.0)).collect()
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

/// The plan's scale: levels best first, and the level for "not assessed".
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scale {
    /// Levels, best first.
    pub levels: Vec<Level>,
    /// Shown when no value could be assessed.
    pub no_data: Level,
    /// Shown when a rule failed.
    pub error: Level,
}

impl Scale {
    fn default_for(lang: Language) -> Scale {
        let sv = lang == Language::Sv;
        let l = |id: &str, en: &str, svl: &str, color: &str, score: Option<f64>| Level {
            id: id.into(),
            label: if sv { svl.into() } else { en.into() },
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
        let mut best = &self.levels[0];
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

/// An indicator (key figure) of the plan.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// Id, e.g. a Kolada KPI id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit shown after values (`%`, `kr/inv`).
    pub unit: String,
    /// Polarity.
    pub direction: Direction,
    /// Evaluate women and men as well as total.
    pub gender: bool,
    /// Kolada id, when the source is Kolada.
    pub kolada: Option<String>,
    /// Source page.
    pub source_url: Option<String>,
    /// Targets by period (year).
    pub targets: BTreeMap<String, f64>,
    /// Years back a value may come from.
    pub max_age: u32,
    /// Decimals for display.
    pub decimals: Option<u32>,
    pub(crate) rule: CompiledRule,
    pub(crate) params: rhai::Dynamic,
    pub(crate) params_toml: toml::Table,
    /// What rules see as `indicator` and `targets`, built once.
    pub(crate) rhai_info: rhai::Dynamic,
    pub(crate) rhai_targets: rhai::Dynamic,
    /// The std rule's native twin with these params (`None`: the script runs).
    pub(crate) native: Option<crate::native::StdRule>,
}

impl Indicator {
    /// Rule id: std name or script path.
    pub fn rule_id(&self) -> &str {
        &self.rule.id
    }
    /// Whether higher values are better.
    pub fn higher_is_better(&self) -> bool {
        self.direction == Direction::Higher
    }
    /// The target for a period: explicit, else on the straight line between the two nearest
    /// targets around it; `None` outside the first and last target.
    pub fn target_for(&self, period: &str) -> Option<f64> {
        target_on_line(&self.targets, period)
    }
}

/// A target for `period`: explicit, else on the straight line between the two nearest targets
/// around its year; `None` outside the first and last target.
pub(crate) fn target_on_line(targets: &BTreeMap<String, f64>, period: &str) -> Option<f64> {
    if let Some(t) = targets.get(period) {
        return Some(*t);
    }
    let year = period_year(period)? as f64;
    let points: Vec<(f64, f64)> = targets.iter().filter_map(|(p, v)| Some((period_year(p)? as f64, *v))).collect();
    if let Some((_, v)) = points.iter().find(|(y, _)| *y == year) {
        return Some(*v);
    }
    let before = points.iter().rfind(|(y, _)| *y < year)?;
    let after = points.iter().find(|(y, _)| *y > year)?;
    Some(before.1 + (after.1 - before.1) * (year - before.0) / (after.0 - before.0))
}

/// An indicator's link to a goal.
#[derive(Debug, Clone)]
pub struct GoalIndicator {
    /// Indicator id.
    pub id: String,
    /// Weight in the goal's aggregation.
    pub weight: f64,
}

/// A goal.
#[derive(Debug, Clone)]
pub struct Goal {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Political text.
    pub text: String,
    /// Parent goal id.
    pub parent: Option<String>,
    /// Scored indicators.
    pub indicators: Vec<GoalIndicator>,
    /// Followed, shown, not scored.
    pub key_figures: Vec<String>,
    pub(crate) aggregate: CompiledRule,
    pub(crate) params: rhai::Dynamic,
    /// The std aggregation's native twin with these params (`None`: the script runs).
    pub(crate) native: Option<crate::native::StdAggregation>,
}

impl Goal {
    /// Aggregation id: std name or script path.
    pub fn aggregate_id(&self) -> &str {
        &self.aggregate.id
    }
}

/// An assignment (uppdrag).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    /// Id.
    pub id: String,
    /// Goal it serves.
    pub goal: String,
    /// What is to be done.
    pub text: String,
    /// Boards it is given to; empty means all boards.
    pub boards: Vec<String>,
}

/// How the plan compares an entity with others.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Entity id of the national value (Kolada: `0000`).
    pub national: Option<String>,
    /// Peer group id (its members in `groups`), if any.
    pub peer_group: Option<String>,
    /// Peer members.
    pub peers: Vec<String>,
    /// Defined groups: id → (title, members).
    pub groups: BTreeMap<String, (String, Vec<String>)>,
}

/// A compiled, validated plan.
///
/// ```
/// let files = attain_core::PlanFiles::from([
///     ("plan.toml".to_string(), r#"
///         [plan]
///         id = "demo"
///         title = "Demo"
///         entity = "2380"
///         [comparison]
///         national = "0000"
///         [[goal]]
///         id = "1"
///         title = "Full-time work"
///         indicators = ["N00209"]
///         [[indicator]]
///         id = "N00209"
///         title = "Full-time employees, %"
///         rule = "reference"
///         params = { against = "national" }
///     "#.to_string()),
/// ]);
/// let plan = attain_core::Plan::from_files(files)?;
/// let data = attain_core::Observations::from_csv(
///     "indicator,entity,period,gender,value\nN00209,2380,2022,T,72.3\nN00209,0000,2022,T,69.8\n",
///     "data.csv",
/// )?;
/// let report = plan.evaluate(&data, &attain_core::Query::default())?;
/// assert_eq!(report.goals[0].status, "attained");
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Plan {
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
    /// Period kind: year, tertial, quarter, month.
    pub periods: String,
    /// Language of labels and reasons.
    pub language: Language,
    /// Years back a value may come from, unless the indicator says otherwise.
    pub max_age: u32,
    /// Display names of entities.
    pub entities: BTreeMap<String, String>,
    /// Comparison settings.
    pub comparison: Comparison,
    /// Scale.
    pub scale: Scale,
    /// Goals in file order.
    pub goals: Vec<Goal>,
    /// Indicators in file order.
    pub indicators: Vec<Indicator>,
    /// Assignments in file order.
    pub assignments: Vec<Assignment>,
    pub(crate) engine: RuleEngine,
    pub(crate) files: Arc<PlanFiles>,
    pub(crate) indicator_index: HashMap<String, usize>,
    /// Goals ordered children first, for aggregation.
    pub(crate) goal_order: Vec<usize>,
    /// The observations of `data/`, read once (see [`Plan::data`]).
    pub(crate) bundled: Arc<std::sync::OnceLock<Result<Arc<crate::Observations>>>>,
}

fn spanned_err(text: &str, span: std::ops::Range<usize>, code: Code, msg: String) -> Error {
    Error::new(code, msg).in_file(PLAN_FILE).at_offset(text, span.start)
}

impl Plan {
    /// Loads a plan folder: `plan.toml`, its scripts and (for [`Plan::bundled_data`]) its data.
    ///
    /// # Errors
    /// An [`ErrorKind::Io`](crate::ErrorKind) error when the folder cannot be read, or any error of
    /// [`Plan::from_files`].
    pub fn load(dir: impl AsRef<Path>) -> Result<Plan> {
        Plan::from_files(files::read_dir(dir.as_ref())?)
    }

    /// Builds a plan from an in-memory map of relative path to text (the browser has no files).
    ///
    /// # Errors
    /// A plan error naming file, line and column for malformed TOML, unknown keys, duplicate ids,
    /// references to missing goals or indicators, parent cycles, an empty scale, a missing rule
    /// script or a param the rule does not read; a rule error for a script that does not compile.
    pub fn from_files(files: PlanFiles) -> Result<Plan> {
        files.check()?;
        let files = Arc::new(files::without_boms(files));
        let text =
            files.get(PLAN_FILE).ok_or_else(|| Error::new(Code::PlanMissingFile, "the plan has no `plan.toml`").in_file(PLAN_FILE))?;
        if text.trim().is_empty() {
            return Err(Error::new(Code::PlanEmpty, "`plan.toml` is empty").in_file(PLAN_FILE).at(1, 1));
        }
        let raw: RawPlan = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().replace('\n', "; ");
            let code = crate::error::serde_code(
                &msg,
                [Code::PlanUnknownField, Code::PlanMissingField, Code::PlanInvalidType, Code::PlanInvalidValue, Code::PlanSyntax],
            );
            let err = Error::new(code, msg).in_file(PLAN_FILE);
            match e.span() {
                Some(span) => err.at_offset(text, span.start),
                None => err,
            }
        })?;
        build(raw, text, files.clone())
    }

    /// The observations shipped in the plan's `data/` folder (CSV and JSON files), if any.
    ///
    /// # Errors
    /// A data error naming the file and row of the first bad row, or of a row that two files
    /// (or one file twice) hold, naming both files and rows.
    pub fn bundled_data(&self) -> Result<crate::Observations> {
        self.data().map(|d| (*d).clone())
    }

    /// The observations of the plan's `data/` folder, read on first use and then kept with the
    /// plan (every host's calls without data use them).
    ///
    /// # Errors
    /// As [`Plan::bundled_data`].
    pub fn data(&self) -> Result<Arc<crate::Observations>> {
        self.bundled.get_or_init(|| self.read_bundled_data().map(Arc::new)).clone()
    }

    fn read_bundled_data(&self) -> Result<crate::Observations> {
        let is_data = |p: &str| {
            let lower = p.to_ascii_lowercase();
            p.starts_with("data/") && (lower.ends_with(".csv") || lower.ends_with(".json"))
        };
        let parts = self.files.iter().filter(|(p, _)| is_data(p)).map(|(path, text)| crate::Observations::parse(text, path));
        crate::Observations::combine(parts.collect::<Result<Vec<_>>>()?)
    }

    /// The plan's files (plan.toml, scripts, data, tests) as loaded.
    pub fn files(&self) -> &PlanFiles {
        &self.files
    }

    /// Indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicator_index.get(id).map(|&i| &self.indicators[i])
    }

    /// Display name of an entity (its id when unnamed).
    pub fn entity_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.entities.get(id).map_or(id, String::as_str)
    }

    pub(crate) fn compile_rule(&self, rule: &str) -> Result<CompiledRule> {
        compile_named(&self.engine, &self.files, rule, true)
    }
}

fn compile_named(engine: &RuleEngine, files: &PlanFiles, name: &str, indicator_rule: bool) -> Result<CompiledRule> {
    let std_ok = if indicator_rule { rules::is_std_rule(name) } else { rules::is_std_aggregation(name) };
    if std_ok {
        let src = rules::std_source(name).unwrap_or_default();
        return engine.compile(name, src, &format!("std/{name}.rhai"));
    }
    if name.ends_with(".rhai") {
        let path = files::join("", name)
            .ok_or_else(|| Error::new(Code::PlanScriptPath, format!("script path `{name}` leaves the plan folder")))?;
        let src = files
            .get(&path)
            .ok_or_else(|| Error::new(Code::PlanMissingScript, format!("script `{name}` does not exist in the plan folder")))?;
        return engine.compile(&path, src, &path);
    }
    let names: Vec<&str> = if indicator_rule {
        rules::STD_RULES.iter().map(|(n, _)| *n).collect()
    } else {
        rules::STD_AGGREGATIONS.iter().map(|(n, _)| *n).collect()
    };
    Err(Error::new(
        Code::PlanUnknownRule,
        format!(
            "`{name}` is not a std {} ({}) nor a script path ending in `.rhai`",
            if indicator_rule { "rule" } else { "aggregation" },
            names.join(", ")
        ),
    ))
}

/// Each rule compiled once per plan, however many indicators or goals name it.
#[derive(Default)]
struct CompiledRules(HashMap<(String, bool), CompiledRule>);

impl CompiledRules {
    fn get(&mut self, engine: &RuleEngine, files: &PlanFiles, name: &str, indicator_rule: bool) -> Result<CompiledRule> {
        if let Some(rule) = self.0.get(&(name.to_string(), indicator_rule)) {
            return Ok(rule.clone());
        }
        let rule = compile_named(engine, files, name, indicator_rule)?;
        self.0.insert((name.to_string(), indicator_rule), rule.clone());
        Ok(rule)
    }
}

fn build(raw: RawPlan, text: &str, files: Arc<PlanFiles>) -> Result<Plan> {
    let mut compiled = CompiledRules::default();
    let language = match raw.plan.language.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("en", _)) => Language::En,
        Some(("sv", _)) => Language::Sv,
        Some((other, span)) => {
            return Err(spanned_err(text, span, Code::PlanInvalidValue, format!("unknown language `{other}` (use `sv` or `en`)")));
        }
    };
    let periods = match raw.plan.periods.as_ref() {
        None => "year".to_string(),
        Some(p) if ["year", "tertial", "quarter", "month"].contains(&p.get_ref().as_str()) => p.get_ref().clone(),
        Some(p) => {
            return Err(spanned_err(
                text,
                p.span(),
                Code::PlanInvalidValue,
                format!("unknown period kind `{}` (use year, tertial, quarter or month)", p.get_ref()),
            ));
        }
    };
    let engine = RuleEngine::new(language, files.clone());

    // Scale.
    let mut scale = Scale::default_for(language);
    if let Some(s) = raw.scale {
        let span = s.span();
        let s = s.into_inner();
        if s.levels.is_empty() {
            return Err(spanned_err(text, span, Code::PlanInvalidValue, "the scale has no levels".into()));
        }
        let n = s.levels.len();
        let mut seen = BTreeSet::new();
        scale.levels = Vec::new();
        for (i, l) in s.levels.into_iter().enumerate() {
            if !seen.insert(l.id.clone()) || l.id == "no_data" || l.id == "error" {
                return Err(spanned_err(
                    text,
                    span,
                    Code::PlanDuplicateId,
                    format!("scale level `{}` is defined twice or uses a reserved id", l.id),
                ));
            }
            let score = l.score.unwrap_or(if n == 1 { 1.0 } else { 1.0 - i as f64 / (n - 1) as f64 });
            if !score.is_finite() || !(0.0..=1.0).contains(&score) {
                return Err(spanned_err(
                    text,
                    span,
                    Code::PlanInvalidValue,
                    format!("scale level `{}` has score {score}; scores are between 0 and 1", l.id),
                ));
            }
            scale.levels.push(Level { id: l.id, label: l.label, color: l.color.unwrap_or_else(|| "#607d8b".into()), score: Some(score) });
        }
        if let Some(nd) = s.no_data {
            scale.no_data = Level { id: "no_data".into(), label: nd.label, color: nd.color.unwrap_or(scale.no_data.color), score: None };
        }
    }

    // Comparison.
    let mut comparison = Comparison { national: raw.comparison.national.clone(), ..Default::default() };
    for (id, g) in &raw.comparison.groups {
        comparison.groups.insert(id.clone(), (g.title.clone().unwrap_or_else(|| id.clone()), g.members.clone()));
    }
    if let Some(p) = &raw.comparison.peers {
        match p.get_ref() {
            RawPeers::Group(id) => {
                let (_, members) = comparison.groups.get(id).ok_or_else(|| {
                    spanned_err(
                        text,
                        p.span(),
                        Code::PlanUnknownReference,
                        format!("peer group `{id}` is not defined in [comparison.groups]"),
                    )
                })?;
                comparison.peers = members.clone();
                comparison.peer_group = Some(id.clone());
            }
            RawPeers::List(ids) => comparison.peers = ids.clone(),
        }
    }

    let max_age = raw.plan.max_age.unwrap_or(2);

    // Indicators.
    let mut indicators = Vec::new();
    let mut indicator_index = HashMap::new();
    for ri in raw.indicators {
        let id = ri.id.get_ref().clone();
        if id.trim().is_empty() {
            return Err(spanned_err(text, ri.id.span(), Code::PlanInvalidValue, "indicator id is empty".into()));
        }
        if indicator_index.insert(id.clone(), indicators.len()).is_some() {
            return Err(spanned_err(text, ri.id.span(), Code::PlanDuplicateId, format!("indicator `{id}` is defined twice")));
        }
        let direction = match ri.direction.as_ref().map(|d| (d.get_ref().as_str(), d.span())) {
            None | Some(("higher", _)) => Direction::Higher,
            Some(("lower", _)) => Direction::Lower,
            Some((other, span)) => {
                return Err(spanned_err(
                    text,
                    span,
                    Code::PlanInvalidValue,
                    format!("direction `{other}` is neither `higher` nor `lower`"),
                ));
            }
        };
        let (rule_name, rule_span) = match &ri.rule {
            Some(r) => (r.get_ref().clone(), r.span()),
            None => ("target".to_string(), ri.id.span()),
        };
        let rule = compiled.get(&engine, &files, &rule_name, true).map_err(|e| relocate(e, text, rule_span.clone()))?;
        let (params_toml, params_span) = match ri.params {
            Some(p) => {
                let span = p.span();
                (params_table(p.into_inner()), span)
            }
            None => (toml::Table::new(), rule_span.clone()),
        };
        check_params(&rule, &params_toml).map_err(|m| spanned_err(text, params_span, Code::PlanUnknownParam, m))?;
        let mut targets = BTreeMap::new();
        if let Some(t) = ri.targets {
            let span = t.span();
            for (period, v) in t.into_inner() {
                if period_year(&period).is_none() {
                    return Err(spanned_err(
                        text,
                        span,
                        Code::PlanInvalidValue,
                        format!("target period `{period}` does not start with a year"),
                    ));
                }
                if !v.is_finite() {
                    return Err(spanned_err(text, span, Code::PlanInvalidValue, format!("target for `{period}` is not a finite number")));
                }
                targets.insert(period, v);
            }
        }
        let (kolada, source_url) = ri.source.map_or((None, None), |s| {
            let _ = s.note;
            (s.kolada, s.url)
        });
        let _ = ri.description;
        let unit = ri.unit.unwrap_or_default();
        let decimals = match ri.decimals {
            None => None,
            Some(d) if *d.get_ref() <= MAX_DECIMALS => Some(d.into_inner()),
            Some(d) => {
                return Err(spanned_err(
                    text,
                    d.span(),
                    Code::PlanInvalidValue,
                    format!("decimals `{}` is more than {MAX_DECIMALS}", d.get_ref()),
                ));
            }
        };
        let params = rules::params_to_dynamic(&params_toml).into_shared();
        let native = if rules::is_std_rule(&rule.id) { crate::native::StdRule::new(&rule.id, &params) } else { None };
        indicators.push(Indicator {
            rhai_info: rules::info_map(&id, &ri.title, &unit),
            rhai_targets: rules::targets_map(&targets),
            id,
            title: ri.title,
            unit,
            direction,
            gender: ri.gender,
            kolada,
            source_url,
            targets,
            max_age: ri.max_age.unwrap_or(max_age),
            decimals,
            params,
            params_toml,
            rule,
            native,
        });
    }

    // Goals.
    let mut goal_ids: HashMap<String, usize> = HashMap::new();
    for (i, g) in raw.goals.iter().enumerate() {
        if goal_ids.insert(g.id.get_ref().clone(), i).is_some() {
            return Err(spanned_err(text, g.id.span(), Code::PlanDuplicateId, format!("goal `{}` is defined twice", g.id.get_ref())));
        }
    }
    // Where each goal's id stands, for cycle errors found after the goals are built (turned into
    // a line and column only for the goal named in an error: doing it for every goal made
    // loading quadratic in the plan's size).
    let goal_spans: Vec<usize> = raw.goals.iter().map(|g| g.id.span().start).collect();
    let mut goals = Vec::new();
    for g in raw.goals {
        if let Some(p) = &g.parent {
            if !goal_ids.contains_key(p.get_ref()) {
                return Err(spanned_err(
                    text,
                    p.span(),
                    Code::PlanUnknownReference,
                    format!("goal `{}` has parent `{}`, which is not a goal", g.id.get_ref(), p.get_ref()),
                ));
            }
        }
        let mut links = Vec::new();
        let mut seen = BTreeSet::new();
        for r in &g.indicators {
            let (id, weight) = match r.get_ref() {
                RawIndicatorRef::Id(id) => (id.clone(), 1.0),
                RawIndicatorRef::Weighted(w) => (w.id.clone(), w.weight.unwrap_or(1.0)),
            };
            if !indicator_index.contains_key(&id) {
                return Err(spanned_err(
                    text,
                    r.span(),
                    Code::PlanUnknownReference,
                    format!("goal `{}` links indicator `{id}`, which is not defined", g.id.get_ref()),
                ));
            }
            if !(weight.is_finite() && weight > 0.0 && weight <= MAX_WEIGHT) {
                return Err(spanned_err(
                    text,
                    r.span(),
                    Code::PlanInvalidValue,
                    format!("weight of `{id}` is `{}`; a weight is a number above 0 and at most {MAX_WEIGHT}", toml_number(weight)),
                ));
            }
            if !seen.insert(id.clone()) {
                return Err(spanned_err(
                    text,
                    r.span(),
                    Code::PlanDuplicateLink,
                    format!("goal `{}` links indicator `{id}` twice", g.id.get_ref()),
                ));
            }
            links.push(GoalIndicator { id, weight });
        }
        for k in &g.key_figures {
            if !indicator_index.contains_key(k.get_ref()) {
                return Err(spanned_err(
                    text,
                    k.span(),
                    Code::PlanUnknownReference,
                    format!("goal `{}` lists key figure `{}`, which is not defined", g.id.get_ref(), k.get_ref()),
                ));
            }
        }
        let (agg_name, agg_span) = match &g.aggregate {
            Some(a) => (a.get_ref().clone(), a.span()),
            None => ("share".to_string(), g.id.span()),
        };
        let aggregate = compiled.get(&engine, &files, &agg_name, false).map_err(|e| relocate(e, text, agg_span.clone()))?;
        let (params_toml, params_span) = match g.params {
            Some(p) => {
                let span = p.span();
                (params_table(p.into_inner()), span)
            }
            None => (toml::Table::new(), agg_span),
        };
        check_params(&aggregate, &params_toml).map_err(|m| spanned_err(text, params_span, Code::PlanUnknownParam, m))?;
        let params_toml_dynamic = rules::params_to_dynamic(&params_toml);
        goals.push(Goal {
            id: g.id.into_inner(),
            title: g.title,
            text: g.text.unwrap_or_default(),
            parent: g.parent.map(Spanned::into_inner),
            indicators: links,
            key_figures: g.key_figures.into_iter().map(Spanned::into_inner).collect(),
            native: if rules::is_std_aggregation(&aggregate.id) {
                crate::native::StdAggregation::new(&aggregate.id, &params_toml_dynamic)
            } else {
                None
            },
            params: params_toml_dynamic,
            aggregate,
        });
    }
    let goal_order = children_first(&goals, &goal_ids, text, &goal_spans)?;

    // Assignments.
    let mut assignments = Vec::new();
    let mut seen = BTreeSet::new();
    for a in raw.assignments {
        if !seen.insert(a.id.get_ref().clone()) {
            return Err(spanned_err(text, a.id.span(), Code::PlanDuplicateId, format!("assignment `{}` is defined twice", a.id.get_ref())));
        }
        if !goal_ids.contains_key(a.goal.get_ref()) {
            return Err(spanned_err(
                text,
                a.goal.span(),
                Code::PlanUnknownReference,
                format!("assignment `{}` names goal `{}`, which is not defined", a.id.get_ref(), a.goal.get_ref()),
            ));
        }
        assignments.push(Assignment { id: a.id.into_inner(), goal: a.goal.into_inner(), text: a.text, boards: a.boards });
    }

    Ok(Plan {
        id: raw.plan.id,
        title: raw.plan.title,
        description: raw.plan.description,
        entity: raw.plan.entity,
        period: raw.plan.period,
        periods,
        language,
        max_age,
        entities: raw.entities,
        comparison,
        scale,
        goals,
        indicators,
        assignments,
        engine,
        files,
        indicator_index,
        goal_order,
        bundled: Arc::default(),
    })
}

fn children_first(goals: &[Goal], ids: &HashMap<String, usize>, text: &str, spans: &[usize]) -> Result<Vec<usize>> {
    // Depth of each goal along its parent chain (1 = a top goal), each found once: a walk up
    // from a goal stops at the first goal whose depth is known, so the whole pass is linear in
    // the number of goals however long the chains are. A walk that meets a goal on its own path
    // is a cycle; goals are walked in file order, so the cycle is named from the first goal
    // (in file order) whose chain has one, as a full walk from every goal would name it.
    const UNKNOWN: usize = 0;
    let mut depth = vec![UNKNOWN; goals.len()];
    let mut on_path = vec![false; goals.len()];
    let mut path: Vec<usize> = Vec::new();
    for i in 0..goals.len() {
        if depth[i] != UNKNOWN {
            continue;
        }
        path.clear();
        let mut cur = Some(i);
        let mut above = 0;
        while let Some(j) = cur {
            if depth[j] != UNKNOWN {
                above = depth[j];
                break;
            }
            if on_path[j] {
                let names: Vec<String> = path.iter().map(|&k| format!("`{}`", goals[k].id)).collect();
                let (line, col) = crate::error::line_column(text, spans[i]);
                return Err(Error::new(Code::PlanCycle, format!("goal parents form a cycle: {} → `{}`", names.join(" → "), goals[j].id))
                    .in_file(PLAN_FILE)
                    .at(line.max(1), col.max(1)));
            }
            on_path[j] = true;
            path.push(j);
            cur = goals[j].parent.as_ref().and_then(|p| ids.get(p).copied());
        }
        for (k, &j) in path.iter().rev().enumerate() {
            depth[j] = above.saturating_add(k + 1);
            on_path[j] = false;
        }
    }
    let mut order: Vec<usize> = (0..goals.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    Ok(order)
}

fn check_params(rule: &CompiledRule, params: &toml::Table) -> Result<(), String> {
    for key in params.keys() {
        if !rule.params_used.contains(key) {
            let takes: Vec<&str> = rule.params_used.iter().map(String::as_str).collect();
            return Err(format!(
                "rule `{}` takes no param `{key}` ({})",
                rule.id,
                if takes.is_empty() { "it takes none".to_string() } else { format!("it takes {}", takes.join(", ")) }
            ));
        }
    }
    Ok(())
}

/// An error from compiling a referenced script keeps the script's own position; an error about
/// the reference itself is placed at the reference in plan.toml.
fn relocate(e: Error, text: &str, span: std::ops::Range<usize>) -> Error {
    if e.file().is_some() { e } else { spanned_err(text, span, e.code(), e.message().to_string()) }
}
