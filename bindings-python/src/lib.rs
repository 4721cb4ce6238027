//! `attain._native`: the Python binding of attain-core.
//!
//! Each method converts its arguments (convert.rs), makes one core call with the GIL released,
//! and maps the error (errors.rs). No semantics live here; the facade in `python/attain`
//! only chooses which constructor to call and wraps results.

mod convert;
mod errors;

use attain_core::{Assessment, CheckOptions, Error, Format, Indicator, Inputs, Language, Observations, Plan, Query, Report};
use convert::{AssessColumns, At};
use errors::{ConvertError, guard, run, run_rows, run_stoppable};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

// The sandbox bounds the memory a rule holds by counting allocations here.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

/// A loaded, validated plan: goals, indicators, rules. Immutable and safe to share between
/// threads.
#[pyclass(module = "attain._native", name = "Plan", frozen)]
struct PyPlan {
    inner: Arc<Plan>,
    /// The plan's own data folder, read once on first use.
    bundled: OnceLock<attain_core::Result<Arc<Observations>>>,
}

impl PyPlan {
    /// The indicator with this id, or core's query error.
    fn known(&self, id: &str) -> PyResult<&Indicator> {
        self.inner
            .indicator(id)
            .ok_or_else(|| ConvertError::new(attain_core::Code::QueryUnknownIndicator, format!("the plan has no indicator `{id}`")).into())
    }

    fn new(plan: Plan) -> Self {
        PyPlan { inner: Arc::new(plan), bundled: OnceLock::new() }
    }
    /// The given observations, or the plan's own data folder.
    fn data_or_bundled(&self, data: Option<Arc<Observations>>) -> attain_core::Result<Arc<Observations>> {
        match data {
            Some(d) => Ok(d),
            None => self.bundled.get_or_init(|| self.inner.bundled_data().map(Arc::new)).clone(),
        }
    }
}

fn query(entity: Option<String>, period: Option<String>, genders: Option<&Bound<'_, PyAny>>) -> PyResult<Query> {
    Ok(Query { entity, period, genders: convert::genders(genders)? })
}

fn observations(data: Option<Bound<'_, PyObservations>>) -> Option<Arc<Observations>> {
    data.map(|d| d.get().inner.clone())
}

#[pymethods]
impl PyPlan {
    /// Loads a plan folder (plan.toml, its scripts, data and tests).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        run(py, || Plan::load(&path)).map(PyPlan::new)
    }

    /// Builds a plan from a dict of relative path to text.
    #[staticmethod]
    fn from_files(py: Python<'_>, files: &Bound<'_, PyAny>) -> PyResult<Self> {
        let files = guard(py, || convert::plan_files(files))?;
        run(py, || Plan::from_files(files)).map(PyPlan::new)
    }

    /// Plan id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// Description, if any.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description.as_deref()
    }

    /// Language of labels and reasons: `sv` or `en`.
    #[getter]
    fn language(&self) -> &'static str {
        match self.inner.language {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// Default entity, if the plan sets one.
    #[getter]
    fn entity(&self) -> Option<&str> {
        self.inner.entity.as_deref()
    }

    /// Default period, if the plan sets one.
    #[getter]
    fn period(&self) -> Option<&str> {
        self.inner.period.as_deref()
    }

    /// Goal ids in plan order.
    #[getter]
    fn goals(&self) -> Vec<String> {
        self.inner.goals.iter().map(|g| g.id.clone()).collect()
    }

    /// Indicator ids in plan order.
    #[getter]
    fn indicators(&self) -> Vec<String> {
        self.inner.indicators.iter().map(|i| i.id.clone()).collect()
    }

    /// The observations in the plan's own `data/` folder.
    fn data(&self, py: Python<'_>) -> PyResult<PyObservations> {
        run(py, || self.data_or_bundled(None)).map(|inner| PyObservations { inner })
    }

    /// Evaluates the plan for one entity and period.
    #[pyo3(signature = (data=None, entity=None, period=None, genders=None, timeout=None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        data: Option<Bound<'_, PyObservations>>,
        entity: Option<String>,
        period: Option<String>,
        genders: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<PyReport> {
        let (data, query) = (observations(data), guard(py, || query(entity, period, genders))?);
        run_stoppable(py, timeout, || self.inner.evaluate(&*self.data_or_bundled(data)?, &query)).map(|inner| PyReport { inner })
    }

    /// Evaluates every pair of entity and period, in parallel.
    #[pyo3(signature = (data, entities, periods, timeout=None))]
    fn evaluate_many(
        &self,
        py: Python<'_>,
        data: Option<Bound<'_, PyObservations>>,
        entities: &Bound<'_, PyAny>,
        periods: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<Vec<PyReport>> {
        let data = observations(data);
        let entities = guard(py, || convert::strings(entities, "entities"))?;
        let periods = guard(py, || convert::strings(periods, "periods"))?;
        let reports = run_stoppable(py, timeout, || self.inner.evaluate_many(&*self.data_or_bundled(data)?, &entities, &periods))?;
        Ok(reports.into_iter().map(|inner| PyReport { inner }).collect())
    }

    /// What an indicator's rule says of inputs given directly: `(status, label, reason)`.
    #[pyo3(signature = (
        indicator, value, period, target=None, previous=None, history=None, national=None, peers=None,
        percentile=None, women=None, men=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess(
        &self,
        py: Python<'_>,
        indicator: &str,
        value: &Bound<'_, PyAny>,
        period: &Bound<'_, PyAny>,
        target: Option<&Bound<'_, PyAny>>,
        previous: Option<&Bound<'_, PyAny>>,
        history: Option<&Bound<'_, PyAny>>,
        national: Option<&Bound<'_, PyAny>>,
        peers: Option<&Bound<'_, PyAny>>,
        percentile: Option<&Bound<'_, PyAny>>,
        women: Option<&Bound<'_, PyAny>>,
        men: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(String, String, String)> {
        self.known(indicator)?;
        let at = |arg| At { arg, row: None };
        let number = |v: Option<&Bound<'_, PyAny>>, arg| v.map_or(Ok(None), |v| convert::number(v, at(arg)));
        let inputs = guard(py, || {
            Ok(Inputs {
                value: convert::number(value, at("value"))?,
                target: number(target, "target")?,
                previous: number(previous, "previous")?,
                history: history.map_or(Ok(Vec::new()), |h| convert::history(h, at("history")))?,
                national: number(national, "national")?,
                peers: peers.map_or(Ok(None), |p| convert::peers(p, at("peers")))?,
                percentile: number(percentile, "percentile")?,
                women: number(women, "women")?,
                men: number(men, "men")?,
                period: convert::period(period, at("period"))?,
            })
        })?;
        let a = run(py, || self.inner.assess(indicator, &inputs))?;
        Ok((a.status, a.label, a.reason))
    }

    /// `assess` over rows given as columns: each argument one value for every row or a
    /// sequence with one per row. Returns the lists `(statuses, labels, reasons)`.
    #[pyo3(signature = (
        indicator, value, period, target=None, previous=None, history=None, national=None, peers=None,
        percentile=None, women=None, men=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess_many<'py>(
        &self,
        py: Python<'py>,
        indicator: &str,
        value: &Bound<'py, PyAny>,
        period: &Bound<'py, PyAny>,
        target: Option<&Bound<'py, PyAny>>,
        previous: Option<&Bound<'py, PyAny>>,
        history: Option<&Bound<'py, PyAny>>,
        national: Option<&Bound<'py, PyAny>>,
        peers: Option<&Bound<'py, PyAny>>,
        percentile: Option<&Bound<'py, PyAny>>,
        women: Option<&Bound<'py, PyAny>>,
        men: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>, Bound<'py, PyList>)> {
        self.known(indicator)?;
        let columns = guard(py, || {
            Ok(AssessColumns {
                value: convert::number_column(Some(value), "value")?,
                period: convert::period_column(period)?,
                target: convert::number_column(target, "target")?,
                previous: convert::number_column(previous, "previous")?,
                history: convert::history_column(history)?,
                national: convert::number_column(national, "national")?,
                peers: convert::peers_column(peers)?,
                percentile: convert::number_column(percentile, "percentile")?,
                women: convert::number_column(women, "women")?,
                men: convert::number_column(men, "men")?,
            })
        })?;
        let rows = columns.rows()?;
        let plan = &*self.inner;
        let out = run_rows(py, move || assess_rows(plan, indicator, columns, rows))?;
        guard(py, || out.into_python(py))
    }

    /// An indicator's own target for a period: explicit, else on the straight line between
    /// the two nearest targets; `None` without one.
    fn target_for(&self, indicator: &str, period: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        let ind = self.known(indicator)?;
        Ok(ind.target_for(&convert::period(period, At { arg: "period", row: None })?))
    }

    /// Every input of one indicator, its status and reason, and the goals it feeds.
    #[pyo3(signature = (data, indicator, entity=None, period=None, gender="T"))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        data: Option<Bound<'py, PyObservations>>,
        indicator: String,
        entity: Option<String>,
        period: Option<String>,
        gender: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (data, query, gender) = (observations(data), query(entity, period, None)?, convert::gender(gender)?);
        let out = run(py, || self.inner.explain(&*self.data_or_bundled(data)?, &query, &indicator, gender))?;
        convert::to_python(py, &out)
    }

    /// The nearest value that moves an indicator to the next better level.
    #[pyo3(signature = (data, indicator, entity=None, period=None, gender="T"))]
    fn required<'py>(
        &self,
        py: Python<'py>,
        data: Option<Bound<'py, PyObservations>>,
        indicator: String,
        entity: Option<String>,
        period: Option<String>,
        gender: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (data, query, gender) = (observations(data), query(entity, period, None)?, convert::gender(gender)?);
        let out = run(py, || self.inner.required(&*self.data_or_bundled(data)?, &query, &indicator, gender))?;
        convert::to_python(py, &out)
    }

    fn __repr__(&self) -> String {
        format!("<attain.Plan {:?}: {} goals, {} indicators>", self.inner.id, self.inner.goals.len(), self.inner.indicators.len())
    }
}

/// The assessments of `assess_many`: each distinct status and label once, and per row the
/// index of its status and the end of its reason in one text (so that each row's strings are
/// freed at once, and the memory reused by the next row).
struct Assessed {
    levels: Vec<(String, String)>,
    level: Vec<u32>,
    reasons: String,
    ends: Vec<usize>,
}

impl Assessed {
    /// Three Python lists: statuses, labels (each distinct string one object) and reasons.
    fn into_python<'py>(self, py: Python<'py>) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>, Bound<'py, PyList>)> {
        let statuses: Vec<Bound<'_, PyString>> = self.levels.iter().map(|(s, _)| PyString::new(py, s)).collect();
        let labels: Vec<Bound<'_, PyString>> = self.levels.iter().map(|(_, l)| PyString::new(py, l)).collect();
        // Every index was made by `assess_rows` from these vectors; `get` keeps it total anyway.
        let empty = PyString::new(py, "");
        let at = |list: &[Bound<'py, PyString>], k: u32| usize::try_from(k).ok().and_then(|k| list.get(k)).unwrap_or(&empty).clone();
        let status = PyList::new(py, self.level.iter().map(|&k| at(&statuses, k)))?;
        let label = PyList::new(py, self.level.iter().map(|&k| at(&labels, k)))?;
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        let reason = PyList::new(py, starts.zip(&self.ends).map(|(a, &b)| PyString::new(py, self.reasons.get(a..b).unwrap_or(""))))?;
        Ok((status, label, reason))
    }
}

/// `Plan::assess` on every row, one `Inputs` reused: a single value is set once, a row's
/// values are moved in. Stops at the first row whose rule fails (1-based).
fn assess_rows(plan: &Plan, indicator: &str, mut c: AssessColumns, rows: usize) -> Result<Assessed, (usize, Error)> {
    let mut out = Assessed { levels: Vec::new(), level: Vec::new(), reasons: String::new(), ends: Vec::new() };
    let out_of_memory = || (1, Error::new(attain_core::Code::QueryLimitRows, format!("out of memory for the results of {rows} rows")));
    out.level.try_reserve_exact(rows).map_err(|_| out_of_memory())?;
    out.ends.try_reserve_exact(rows).map_err(|_| out_of_memory())?;
    let mut inputs = Inputs::default();
    for i in 0..rows {
        c.value.fill(i, &mut inputs.value);
        c.period.fill(i, &mut inputs.period);
        c.target.fill(i, &mut inputs.target);
        c.previous.fill(i, &mut inputs.previous);
        c.history.fill(i, &mut inputs.history);
        c.national.fill(i, &mut inputs.national);
        c.peers.fill(i, &mut inputs.peers);
        c.percentile.fill(i, &mut inputs.percentile);
        c.women.fill(i, &mut inputs.women);
        c.men.fill(i, &mut inputs.men);
        let Assessment { status, label, reason } = plan.assess(indicator, &inputs).map_err(|e| (i + 1, e))?;
        let k = match out.levels.iter().position(|(s, _)| *s == status) {
            Some(k) => k,
            None => {
                out.levels.push((status, label));
                out.levels.len() - 1
            }
        };
        out.level.push(u32::try_from(k).unwrap_or(u32::MAX));
        out.reasons.push_str(&reason);
        out.ends.push(out.reasons.len());
    }
    Ok(out)
}

/// A column of floats packed by the facade from a numpy array or a pandas Series (native-endian
/// f64 bytes), so that `assess_many` reads it without a Python object per number. Private.
#[pyclass(module = "attain._native", name = "_Floats", frozen)]
pub(crate) struct Floats {
    /// The numbers, in row order.
    pub(crate) values: Vec<f64>,
}

#[pymethods]
impl Floats {
    #[new]
    fn new(data: &[u8]) -> PyResult<Self> {
        let chunks = data.chunks_exact(8);
        if !chunks.remainder().is_empty() {
            return Err(ConvertError::data(format!("packed floats must be a multiple of 8 bytes, got {}", data.len())).into());
        }
        // Each chunk has 8 bytes; NaN (refused later as not finite) keeps this total all the same.
        let values = chunks.map(|c| <[u8; 8]>::try_from(c).map_or(f64::NAN, f64::from_ne_bytes)).collect();
        Ok(Floats { values })
    }

    fn __len__(&self) -> usize {
        self.values.len()
    }
}

/// Observations (values per indicator, entity, period and gender) and assignment follow-ups,
/// converted once and reusable across evaluations.
#[pyclass(module = "attain._native", name = "Observations", frozen)]
struct PyObservations {
    inner: Arc<Observations>,
}

impl PyObservations {
    fn new(obs: Observations) -> Self {
        PyObservations { inner: Arc::new(obs) }
    }
}

#[pymethods]
impl PyObservations {
    /// From host rows (dicts with indicator, entity, period, gender, value) and, optionally,
    /// assignment follow-ups (dicts with assignment, period, status, comment).
    #[staticmethod]
    #[pyo3(signature = (rows, assignments=None))]
    fn from_rows(py: Python<'_>, rows: &Bound<'_, PyAny>, assignments: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let rows = guard(py, || convert::rows(rows))?;
        let follow_ups = assignments.map(|a| guard(py, || convert::assignments(a))).transpose()?;
        run(py, || {
            let mut obs = Observations::from_rows(rows)?;
            if let Some(a) = follow_ups {
                obs.merge_checked(Observations::from_json_value(&a, "<assignments>")?)?;
            }
            Ok(obs)
        })
        .map(PyObservations::new)
    }

    /// From columns: a dict of column name to a sequence (a pandas DataFrame's columns).
    /// NaN and None in `value` are gaps.
    #[staticmethod]
    fn from_columns(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<Self> {
        let rows = guard(py, || convert::columns(columns))?;
        run(py, || Observations::from_rows(rows)).map(PyObservations::new)
    }

    /// From CSV text (tidy rows or assignment follow-ups); `file` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, file="data.csv"))]
    fn from_csv(py: Python<'_>, text: String, file: &str) -> PyResult<Self> {
        run(py, || Observations::from_csv(&text, file)).map(PyObservations::new)
    }

    /// From JSON text: a Kolada API response, an array of rows, or
    /// `{"observations": [...], "assignments": [...]}`; `file` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, file="data.json"))]
    fn from_json(py: Python<'_>, text: String, file: &str) -> PyResult<Self> {
        run(py, || Observations::from_json(&text, file)).map(PyObservations::new)
    }

    /// Reads a CSV or JSON file (JSON by its `.json` extension).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        run(py, || Observations::load(&path)).map(PyObservations::new)
    }

    /// These observations and `other`'s together; a row present in both is an error.
    fn merge(&self, py: Python<'_>, other: &Bound<'_, PyObservations>) -> PyResult<Self> {
        let other = other.get().inner.clone();
        run(py, || {
            let mut obs = (*self.inner).clone();
            obs.merge_checked((*other).clone())?;
            Ok(obs)
        })
        .map(PyObservations::new)
    }

    /// The rows as dicts.
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner.rows())
    }

    /// The assignment follow-ups as dicts.
    fn assignments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner.assignment_updates())
    }

    fn __len__(&self) -> usize {
        self.inner.rows().len()
    }

    fn __repr__(&self) -> String {
        format!("<attain.Observations: {} rows, {} follow-ups>", self.inner.rows().len(), self.inner.assignment_updates().len())
    }
}

/// The result of evaluating a plan for one entity and period, in core's stable shape.
#[pyclass(module = "attain._native", name = "Report", frozen)]
struct PyReport {
    inner: Report,
}

#[pymethods]
impl PyReport {
    /// Parses a report from its JSON form.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: String) -> PyResult<Self> {
        run(py, || Report::from_json(&text)).map(|inner| PyReport { inner })
    }

    /// The report as plain dicts and lists (the JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner)
    }

    /// The report as pretty JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || Ok(self.inner.to_json()))
    }

    /// Renders the report: `html`, `markdown` (`md`), `csv`, `table` or `json`.
    fn render(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        let format = Format::parse(format).ok_or_else(|| {
            ConvertError::new(
                attain_core::Code::QueryInvalidFormat,
                format!("format `{format}` is not one of html, markdown, csv, table, json"),
            )
        })?;
        run(py, || Ok(attain_core::render(&self.inner, format)))
    }

    /// Entity id.
    #[getter]
    fn entity(&self) -> &str {
        &self.inner.entity
    }

    /// Period asked for.
    #[getter]
    fn period(&self) -> &str {
        &self.inner.period
    }

    fn __repr__(&self) -> String {
        format!(
            "<attain.Report {:?} for {} {}: {} goals>",
            self.inner.plan.id,
            self.inner.entity,
            self.inner.period,
            self.inner.goals.len()
        )
    }
}

/// Runs every `*.test.toml` under `path` (a file or folder) and returns core's test report.
#[pyfunction]
fn run_rule_tests<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
    let report = run(py, || attain_core::run_rule_tests(&path))?;
    convert::to_python(py, &report)
}

/// Runs the `*.test.toml` files of a dict of path to text (with the plan in it, if any).
#[pyfunction]
fn run_rule_tests_in<'py>(py: Python<'py>, files: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let files = guard(py, || convert::plan_files(files))?;
    let report = run(py, || attain_core::run_rule_tests_in(&files))?;
    convert::to_python(py, &report)
}

/// Property checks of every indicator rule of a plan on generated inputs.
#[pyfunction]
#[pyo3(signature = (plan, cases=200, seed=2023, timeout=None))]
fn check<'py>(py: Python<'py>, plan: &Bound<'py, PyPlan>, cases: usize, seed: u64, timeout: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
    let plan = plan.get().inner.clone();
    let report = run_stoppable(py, timeout, || attain_core::check(&plan, &CheckOptions { cases, seed }))?;
    convert::to_python(py, &report)
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlan>()?;
    m.add_class::<PyObservations>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<Floats>()?;
    m.add_function(wrap_pyfunction!(run_rule_tests, m)?)?;
    m.add_function(wrap_pyfunction!(run_rule_tests_in, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add("REPORT_SCHEMA", attain_core::REPORT_SCHEMA)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    Ok(())
}
