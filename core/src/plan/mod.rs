//! A compiled, validated plan: its goals, indicators and assignments, read through accessors.

mod basis;
mod build;
mod groups;
mod raw;

use crate::bound::BoundRule;
use crate::error::{Code, Error, Result};
use crate::files::{self, PlanFiles};
use crate::judgement::IndicatorContext;
use crate::model::{Direction, Language, Scale};
use crate::script::RuleEngine;
use crate::target::{Target, target_on_line};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

pub use basis::MinBasis;
pub use groups::KOLADA_GROUPS_FILE;
pub(crate) use raw::{Finite, MAX_WEIGHT, RawParams, params_table, toml_number};

const PLAN_FILE: &str = "plan.toml";

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
    /// Targets by period (year): the numbers (a target written `öka`/`minska` has none; see
    /// [`Indicator::target_at`] for the comparator).
    pub targets: BTreeMap<String, f64>,
    /// Every target as written, with its comparator.
    pub(crate) written_targets: BTreeMap<String, Target>,
    /// Years back a value may come from.
    pub max_age: u32,
    /// Decimals for display.
    pub decimals: Option<u32>,
    pub(crate) rule: BoundRule,
    /// What rules see as `indicator` and `targets`, built once.
    pub(crate) rhai_info: rhai::Dynamic,
    pub(crate) rhai_targets: rhai::Dynamic,
}

impl Indicator {
    /// Rule id: std name or script path.
    pub fn rule_id(&self) -> &str {
        self.rule.id()
    }
    /// Whether higher values are better.
    pub fn higher_is_better(&self) -> bool {
        self.direction == Direction::Higher
    }
    /// The target for a period: explicit, else on the straight line between the two nearest
    /// targets around it; `None` outside the first and last target.
    pub fn target_for(&self, period: &str) -> Option<f64> {
        self.target_at(period).and_then(|t| t.value)
    }
    /// Every target as written, by period, with its comparator.
    pub fn written_targets(&self) -> &BTreeMap<String, Target> {
        &self.written_targets
    }
    /// The target for a period with its comparator: explicit, else on the straight line between
    /// the two nearest targets around it when they have the same comparator.
    pub fn target_at(&self, period: &str) -> Option<Target> {
        target_on_line(&self.written_targets, period)
    }
    /// What its rule knows of it: polarity, targets, unit and decimals.
    pub(crate) fn context(&self) -> IndicatorContext<'_> {
        IndicatorContext {
            higher_is_better: self.higher_is_better(),
            targets: &self.targets,
            unit: &self.unit,
            decimals: self.decimals,
            info: &self.rhai_info,
            rhai_targets: &self.rhai_targets,
        }
    }
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
    /// The least its verdict may rest on: its own `min_basis`, else the plan's.
    pub min_basis: Option<MinBasis>,
    pub(crate) aggregate: BoundRule,
}

impl Goal {
    /// Aggregation id: std name or script path.
    pub fn aggregate_id(&self) -> &str {
        self.aggregate.id()
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
    /// Entity id whose rows are the published unweighted mean of the municipalities, if any.
    pub mean: Option<String>,
    /// Peer group id (its members in `groups`), if any.
    pub peer_group: Option<String>,
    /// Peer members.
    pub peers: Vec<String>,
    /// Defined groups: id → (title, members).
    pub groups: BTreeMap<String, (String, Vec<String>)>,
    /// Groups that name a Kolada group: id → Kolada id (`G124026`), whose rows are the group's own.
    pub kolada_groups: BTreeMap<String, String>,
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
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Description.
    pub(crate) description: Option<String>,
    /// Default entity.
    pub(crate) entity: Option<String>,
    /// Default period.
    pub(crate) period: Option<String>,
    /// Period kind: year, tertial, quarter, month.
    pub(crate) periods: String,
    /// Language of labels and reasons.
    pub(crate) language: Language,
    /// Years back a value may come from, unless the indicator says otherwise.
    pub(crate) max_age: u32,
    /// Display names of entities.
    pub(crate) entities: BTreeMap<String, String>,
    /// Comparison settings.
    pub(crate) comparison: Comparison,
    /// Scale.
    pub(crate) scale: Scale,
    /// Goals in file order.
    pub(crate) goals: Vec<Goal>,
    /// Indicators in file order.
    pub(crate) indicators: Vec<Indicator>,
    /// Assignments in file order.
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) engine: RuleEngine,
    pub(crate) files: Arc<PlanFiles>,
    pub(crate) indicator_index: HashMap<String, usize>,
    /// Goals ordered children first, for aggregation.
    pub(crate) goal_order: Vec<usize>,
    /// The observations of `data/`, read once (see [`Plan::data`]).
    pub(crate) bundled: Arc<std::sync::OnceLock<Result<Arc<crate::Observations>>>>,
}

/// Each data file `(path, text)` parsed on its own, the results in file order: on a task of its
/// own each with the `parallel` feature and two threads or more, else one after the other.
fn parse_each(files: &[(&str, &str)]) -> Vec<Result<crate::Observations>> {
    let parse = |&(path, text): &(&str, &str)| crate::Observations::parse(text, path);
    #[cfg(feature = "parallel")]
    if files.len() > 1 && rayon::current_num_threads() > 1 {
        use rayon::prelude::*;
        return files.par_iter().map(parse).collect();
    }
    files.iter().map(parse).collect()
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
    /// script, a file path [`PlanFiles`] refused (`plan.file_path`) or a param the rule does not
    /// read; a rule error for a script that does not compile or reads a name it does not have
    /// (`rule.unknown_name`, at the name).
    pub fn from_files(files: PlanFiles) -> Result<Plan> {
        files.check()?;
        let files = Arc::new(files::without_boms(files));
        let text =
            files.get(PLAN_FILE).ok_or_else(|| Error::new(Code::PlanMissingFile, "the plan has no `plan.toml`").in_file(PLAN_FILE))?;
        if text.trim().is_empty() {
            return Err(Error::new(Code::PlanEmpty, "`plan.toml` is empty").in_file(PLAN_FILE).at(1, 1));
        }
        let raw: raw::RawPlan = toml::from_str(text).map_err(|e| {
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
        build::build(raw, text, files.clone())
    }

    /// The observations shipped in the plan's `data/` folder (CSV and JSON files), if any.
    ///
    /// # Errors
    /// `data.unread_workbook` when the folder holds a workbook (`.xlsx`) and the data was not
    /// given with [`Plan::with_data`] (as `attain_excel::load_plan` gives it).
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

    /// The plan with `data` as the data of its folder: what a reader outside core found there
    /// (attain-excel's `load_plan` adds the folder's workbooks, which core does not read, so
    /// that the browser build carries no zip or XML reader). Every call without data then runs
    /// on `data`, as on a folder's CSV and JSON.
    #[must_use]
    pub fn with_data(mut self, data: crate::Observations) -> Plan {
        self.bundled = Arc::new(std::sync::OnceLock::from(Ok(Arc::new(data))));
        self
    }

    fn read_bundled_data(&self) -> Result<crate::Observations> {
        if let Some(book) = self.files.workbooks().first() {
            return Err(files::unread_workbook(book));
        }
        self.data_with(Vec::new())
    }

    /// The observations of the plan's CSV and JSON files under `data/` with `workbooks`, those
    /// of the folder's workbooks as a reader outside core read them (attain-excel), as one set:
    /// a row two files hold is a duplicate naming both.
    ///
    /// # Errors
    /// As [`Plan::bundled_data`], but not for the workbooks core did not read.
    pub fn data_with(&self, workbooks: Vec<crate::Observations>) -> Result<crate::Observations> {
        let is_data = |p: &str| {
            let lower = p.to_ascii_lowercase();
            p.starts_with("data/") && (lower.ends_with(".csv") || lower.ends_with(".json"))
        };
        let files = self.files.iter().filter(|(p, _)| is_data(p)).map(|(path, text)| (path.as_str(), text.as_str())).collect::<Vec<_>>();
        // The first error in file order, whichever task met its error first.
        let mut parts = parse_each(&files).into_iter().collect::<Result<Vec<_>>>()?;
        parts.extend(workbooks);
        crate::Observations::combine(parts)
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

    /// Plan id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Default entity.
    pub fn entity(&self) -> Option<&str> {
        self.entity.as_deref()
    }
    /// Default period.
    pub fn period(&self) -> Option<&str> {
        self.period.as_deref()
    }
    /// Period kind: `year`, `tertial`, `quarter` or `month`.
    pub fn periods(&self) -> &str {
        &self.periods
    }
    /// Language of labels and reasons.
    pub fn language(&self) -> Language {
        self.language
    }
    /// Years back a value may come from, unless the indicator says otherwise.
    pub fn max_age(&self) -> u32 {
        self.max_age
    }
    /// Display names of entities, by id.
    pub fn entities(&self) -> &BTreeMap<String, String> {
        &self.entities
    }
    /// How the plan compares an entity with others.
    pub fn comparison(&self) -> &Comparison {
        &self.comparison
    }
    /// The scale.
    pub fn scale(&self) -> &Scale {
        &self.scale
    }
    /// Goals in file order.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }
    /// Indicators in file order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }
    /// Assignments in file order.
    pub fn assignments(&self) -> &[Assignment] {
        &self.assignments
    }

    /// Resolves and compiles a rule or aggregation name as the plan would (rule tests use it).
    pub(crate) fn compile_named(&self, name: &str, kind: crate::stdlib::RuleKind) -> Result<crate::script::CompiledRule> {
        self.engine.compile_named(&self.files, name, kind)
    }
}
