//! `attain._native`: the Python binding of attain-core.
//!
//! Each method converts its arguments (convert.rs), makes one core call with the GIL released
//! (but the single `assess`, in assess.rs: [`errors::run_held`]), and maps the error (errors.rs). No
//! semantics live here; the facade in `python/attain` only chooses which constructor to call
//! and wraps results.

mod arrow;
mod assess;
mod convert;
mod errors;
mod kolada;

use attain_core::{
    AssessRequest, CheckRequest, DataArg, EvaluateManyRequest, EvaluateRequest, Format, IndicatorRequest, Language, Observations, Period,
    Plan, Report,
};
use convert::{AssessColumns, decode};
use errors::{Raise, data_error, guard, query_error, run, run_stoppable};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::path::PathBuf;
use std::sync::Arc;

// The sandbox bounds the memory a rule holds by counting allocations here.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

/// What `__reduce__` gives pickle: the callable that rebuilds an object, and its arguments.
type Reduced<'py, Args> = (Bound<'py, PyAny>, Args);

/// A loaded, validated plan: goals, indicators, rules. Immutable and safe to share between
/// threads.
#[pyclass(module = "attain._native", name = "Plan", frozen)]
pub(crate) struct PyPlan {
    inner: Arc<Plan>,
}

/// The data argument of a call, as core's [`DataArg`] classifies it.
enum Data {
    Absent,
    Given(Arc<Observations>),
    Text,
}

/// `None`, `Observations` or a string (which core refuses); anything else is a wrong type.
fn data_arg(data: Option<&Bound<'_, PyAny>>) -> PyResult<Data> {
    match data {
        None => Ok(Data::Absent),
        Some(d) if d.is_none() => Ok(Data::Absent),
        Some(d) if d.is_instance_of::<PyString>() => Ok(Data::Text),
        Some(d) => match d.cast::<PyObservations>() {
            Ok(obs) => Ok(Data::Given(obs.get().inner.clone())),
            Err(_) => Err(query_error(format!("`data`: expected observations, got {}", convert::type_name(d))).raise()),
        },
    }
}

impl PyPlan {
    fn new(plan: Plan) -> Self {
        PyPlan { inner: Arc::new(plan) }
    }

    /// The observations a call runs on: given ones as they are (no copy), else core's rule.
    fn observations(&self, data: &Data) -> attain_core::Result<Arc<Observations>> {
        match data {
            Data::Given(d) => Ok(d.clone()),
            Data::Absent => self.inner.data_for(DataArg::Absent),
            Data::Text => self.inner.data_for(DataArg::Text),
        }
    }
}

/// A request read from a dict of keyword arguments.
pub(crate) fn kwargs<T: serde::de::DeserializeOwned>(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<T> {
    guard(py, || convert::decode_kwargs(v).map_err(errors::to_py))
}

#[pymethods]
impl PyPlan {
    /// Loads a plan folder (plan.toml, its scripts, data and tests; .xlsx under data/ too).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        run(py, || attain_excel::load_plan(&path)).map(PyPlan::new)
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
        self.inner.id()
    }

    /// Title.
    #[getter]
    fn title(&self) -> &str {
        self.inner.title()
    }

    /// Description, if any.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description()
    }

    /// Language of labels and reasons: `sv` or `en`.
    #[getter]
    fn language(&self) -> &'static str {
        match self.inner.language() {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// Default entity, if the plan sets one.
    #[getter]
    fn entity(&self) -> Option<&str> {
        self.inner.entity()
    }

    /// Default period, if the plan sets one.
    #[getter]
    fn period(&self) -> Option<&str> {
        self.inner.period()
    }

    /// Goal ids in plan order.
    #[getter]
    fn goals(&self) -> Vec<String> {
        self.inner.goals().iter().map(|g| g.id.clone()).collect()
    }

    /// Indicator ids in plan order.
    #[getter]
    fn indicators(&self) -> Vec<String> {
        self.inner.indicators().iter().map(|i| i.id.clone()).collect()
    }

    /// The plan's structure: goals, indicators with rules and targets, assignments.
    fn outline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner.outline())
    }

    /// The observations in the plan's own `data/` folder (read once, kept with the plan).
    fn data(&self, py: Python<'_>) -> PyResult<PyObservations> {
        run(py, || self.inner.data()).map(|inner| PyObservations { inner })
    }

    /// Evaluates the plan for one entity and period; `request` holds entity, period, genders.
    #[pyo3(signature = (data, request, timeout=None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        data: Option<&Bound<'_, PyAny>>,
        request: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<PyReport> {
        let (data, request) = (data_arg(data)?, kwargs::<EvaluateRequest>(py, request)?);
        run_stoppable(py, timeout, || self.inner.evaluate(&*self.observations(&data)?, &request.query())).map(|inner| PyReport { inner })
    }

    /// Evaluates every pair of entity and period, in parallel; `request` holds entities, periods.
    #[pyo3(signature = (data, request, timeout=None))]
    fn evaluate_many(
        &self,
        py: Python<'_>,
        data: Option<&Bound<'_, PyAny>>,
        request: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<Vec<PyReport>> {
        let (data, request) = (data_arg(data)?, kwargs::<EvaluateManyRequest>(py, request)?);
        let periods: Vec<String> = request.periods.iter().map(|p| p.as_str().to_string()).collect();
        let reports = run_stoppable(py, timeout, || self.inner.evaluate_many(&*self.observations(&data)?, &request.entities, &periods))?;
        Ok(reports.into_iter().map(|inner| PyReport { inner }).collect())
    }

    /// What an indicator's rule says of inputs given directly (`request`: core's assess
    /// request as a dict): the assessment as a dict.
    fn assess<'py>(&self, py: Python<'py>, indicator: &str, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let request = kwargs::<AssessRequest>(py, request)?;
        let a = run(py, || self.inner.assess(indicator, &request))?;
        convert::to_python(py, &a)
    }

    /// `assess` of a list of requests (dicts): a dict of lists, one per field of the assessment.
    fn assess_rows<'py>(&self, py: Python<'py>, indicator: &str, rows: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let rows = guard(py, || decode::<Vec<AssessRequest>>("rows", rows).map_err(errors::to_py))?;
        let out = run(py, || self.inner.assess_many(indicator, &rows))?;
        convert::assessments(py, out)
    }

    /// `assess` over rows given as columns: each argument one value for every row or a
    /// sequence with one per row. A dict of lists, one per field of the assessment.
    #[pyo3(signature = (
        indicator, value=None, period=None, target=None, previous=None, history=None, national=None, peers=None,
        percentile=None, women=None, men=None, municipal_mean=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess_many<'py>(
        &self,
        py: Python<'py>,
        indicator: &str,
        value: Option<&Bound<'py, PyAny>>,
        period: Option<&Bound<'py, PyAny>>,
        target: Option<&Bound<'py, PyAny>>,
        previous: Option<&Bound<'py, PyAny>>,
        history: Option<&Bound<'py, PyAny>>,
        national: Option<&Bound<'py, PyAny>>,
        peers: Option<&Bound<'py, PyAny>>,
        percentile: Option<&Bound<'py, PyAny>>,
        women: Option<&Bound<'py, PyAny>>,
        men: Option<&Bound<'py, PyAny>>,
        municipal_mean: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let requests = guard(py, || {
            AssessColumns {
                value: convert::number_column(value, "value")?,
                period: convert::arg_column(period, "period")?,
                target: convert::number_column(target, "target")?,
                previous: convert::number_column(previous, "previous")?,
                history: convert::history_column(history)?,
                national: convert::number_column(national, "national")?,
                peers: convert::arg_column(peers, "peers")?,
                percentile: convert::number_column(percentile, "percentile")?,
                municipal_mean: convert::number_column(municipal_mean, "municipal_mean")?,
                women: convert::number_column(women, "women")?,
                men: convert::number_column(men, "men")?,
            }
            .requests()
        })?;
        let out = run(py, || self.inner.assess_many(indicator, &requests))?;
        convert::assessments(py, out)
    }

    /// An indicator's own target for a period (core's lookup, as `assess` uses it).
    fn target_for(&self, py: Python<'_>, indicator: &str, period: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        let period = guard(py, || decode::<Period>("period", period).map_err(errors::to_py))?;
        let mut request = AssessRequest::default();
        request.period = Some(period);
        run(py, || self.inner.assess(indicator, &request)).map(|a| a.target)
    }

    /// Every input of one indicator, its status and reason, and the goals it feeds;
    /// `request` holds indicator, entity, period, gender.
    #[pyo3(signature = (data, request))]
    fn explain<'py>(&self, py: Python<'py>, data: Option<&Bound<'py, PyAny>>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let (data, request) = (data_arg(data)?, kwargs::<IndicatorRequest>(py, request)?);
        let (query, gender) = request.query();
        let out = run(py, || self.inner.explain(&*self.observations(&data)?, &query, &request.indicator, gender))?;
        convert::to_python(py, &out)
    }

    /// The nearest value that moves an indicator to the next better level; `request` as in
    /// `explain`.
    #[pyo3(signature = (data, request))]
    fn required<'py>(&self, py: Python<'py>, data: Option<&Bound<'py, PyAny>>, request: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let (data, request) = (data_arg(data)?, kwargs::<IndicatorRequest>(py, request)?);
        let (query, gender) = request.query();
        let out = run(py, || self.inner.required(&*self.observations(&data)?, &query, &request.indicator, gender))?;
        convert::to_python(py, &out)
    }

    /// How pickle rebuilds the plan: by its files (plan.toml, scripts, data, tests) and, when
    /// its data came from files core does not read (a workbook), by that data's rows.
    fn __reduce__<'py>(slf: &Bound<'py, Self>, py: Python<'py>) -> PyResult<Reduced<'py, (Bound<'py, PyDict>, Option<PyObservations>)>> {
        let plan = &slf.get().inner;
        let files = PyDict::new(py);
        for (path, text) in plan.files() {
            files.set_item(path, text)?;
        }
        let data =
            if plan.files().workbooks().is_empty() { None } else { Some(run(py, || plan.data()).map(|inner| PyObservations { inner })?) };
        Ok((slf.get_type().getattr("_restore")?, (files, data)))
    }

    /// A plan from its files and, if given, its data (what [`PyPlan::__reduce__`] ships).
    #[staticmethod]
    #[pyo3(signature = (files, data=None))]
    fn _restore(py: Python<'_>, files: &Bound<'_, PyAny>, data: Option<&Bound<'_, PyObservations>>) -> PyResult<Self> {
        let files = guard(py, || convert::plan_files(files))?;
        let data = data.map(|d| (*d.get().inner).clone());
        run(py, || Plan::from_files(files)).map(|plan| match data {
            Some(d) => PyPlan::new(plan.with_data(d)),
            None => PyPlan::new(plan),
        })
    }

    fn __repr__(&self) -> String {
        format!("<attain.Plan {:?}: {} goals, {} indicators>", self.inner.id(), self.inner.goals().len(), self.inner.indicators().len())
    }
}

/// A column of floats packed by the facade from a numpy array or a pandas Series (native-endian
/// f64 bytes), so that `assess_many` reads it without a Python object per number. Private.
#[pyclass(module = "attain._native", name = "_Floats", frozen)]
pub(crate) struct Floats {
    /// The numbers, in row order; `None` for a null of an Arrow array.
    pub(crate) values: Vec<Option<f64>>,
}

#[pymethods]
impl Floats {
    #[new]
    fn new(data: &[u8]) -> PyResult<Self> {
        let chunks = data.chunks_exact(8);
        if !chunks.remainder().is_empty() {
            return Err(data_error(format!("packed floats must be a multiple of 8 bytes, got {}", data.len())).raise());
        }
        // Each chunk has 8 bytes; NaN (refused later as not finite) keeps this total all the same.
        let values = chunks.map(|c| Some(<[u8; 8]>::try_from(c).map_or(f64::NAN, f64::from_ne_bytes))).collect();
        Ok(Floats { values })
    }

    /// The numbers of an Arrow array or stream (`__arrow_c_array__`, `__arrow_c_stream__`: a
    /// pyarrow Array or ChunkedArray, a polars Series), any integer or float type, a null as
    /// `None`; `arg` names the argument in errors.
    #[staticmethod]
    fn from_arrow(py: Python<'_>, data: pyo3_arrow::input::AnyArray, arg: &str) -> PyResult<Self> {
        let reader = data.into_reader()?;
        run(py, || arrow::floats(reader, arg)).map(|values| Floats { values })
    }

    fn __len__(&self) -> usize {
        self.values.len()
    }
}

/// Observations (values per indicator, entity, period and gender) and assignment follow-ups,
/// converted once and reusable across evaluations.
#[pyclass(module = "attain._native", name = "Observations", frozen)]
pub(crate) struct PyObservations {
    inner: Arc<Observations>,
}

impl PyObservations {
    pub(crate) fn new(obs: Observations) -> Self {
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
        // Core reads each row in its one vocabulary, straight from the Python objects.
        guard(py, || {
            let rows = convert::items(rows, "rows")?;
            let mut rows: Vec<_> = rows.iter().map(pythonize::Depythonizer::from_object).collect();
            let obs = Observations::from_host_rows(rows.iter_mut()).map_err(errors::to_py)?;
            let obs = match assignments {
                Some(a) => {
                    let a = convert::items(a, "assignments")?;
                    let mut a: Vec<_> = a.iter().map(pythonize::Depythonizer::from_object).collect();
                    obs.with_host_assignments(a.iter_mut()).map_err(errors::to_py)?
                }
                None => obs,
            };
            Ok(PyObservations::new(obs))
        })
    }

    /// From columns: a dict of column name to a sequence (a pandas DataFrame's columns).
    /// NaN and None in `value` are gaps.
    #[staticmethod]
    fn from_columns(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<Self> {
        // Core reads the cells in its one vocabulary, straight from the Python objects.
        guard(py, || {
            let mut cells = Vec::new();
            for (name, column) in columns.iter() {
                let name = name.str()?.to_cow()?.into_owned();
                let items = convert::items(&column, &name)?;
                cells.push((name, items));
            }
            let mut readers: Vec<(String, Vec<pythonize::Depythonizer<'_, '_>>)> =
                cells.iter().map(|(n, c)| (n.clone(), c.iter().map(pythonize::Depythonizer::from_object).collect())).collect();
            let columns = readers.iter_mut().map(|(n, c)| (n.clone(), c.iter_mut().collect())).collect();
            Observations::from_host_columns(columns).map(PyObservations::new).map_err(errors::to_py)
        })
    }

    /// From any object exporting Arrow data (`__arrow_c_stream__` or `__arrow_c_array__`: a
    /// polars or pandas DataFrame, a pyarrow Table, a DuckDB relation), read batch by batch.
    #[staticmethod]
    fn from_arrow(py: Python<'_>, data: pyo3_arrow::input::AnyRecordBatch) -> PyResult<Self> {
        let reader = data.into_reader()?;
        run(py, || attain_excel::arrow_observations(reader, None)).map(PyObservations::new)
    }

    /// How pickle rebuilds the observations: from their rows and follow-ups as core's JSON.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py, (String, &'static str)>> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().inner.to_json(), "pickled observations")))
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

    /// Reads a CSV, JSON or .xlsx file (by its extension); `delimiter` names a CSV's separator.
    #[staticmethod]
    #[pyo3(signature = (path, delimiter=None))]
    fn load(py: Python<'_>, path: PathBuf, delimiter: Option<char>) -> PyResult<Self> {
        run(py, || attain_excel::load_with(&path, delimiter)).map(PyObservations::new)
    }

    /// The columns of the files read that were not kept, and why (a `Kommun` of names beside
    /// `Kommun-id`), as dicts with `file`, `column`, `name`, `reason` and `text`.
    fn ignored_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let listed: Vec<serde_json::Value> = self
            .inner
            .ignored_columns()
            .iter()
            .map(|c| serde_json::json!({"file": c.file, "column": c.column, "name": c.name, "reason": c.reason, "text": c.to_string()}))
            .collect();
        convert::to_python(py, &listed)
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
        convert::to_python(py, &self.inner.rows().collect::<Vec<_>>())
    }

    /// The assignment follow-ups as dicts.
    fn assignments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.inner.assignment_updates())
    }

    /// The rows as a pandas DataFrame (one column per row field).
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|_| {
            pyo3::exceptions::PyImportError::new_err("Observations.to_frame() needs pandas, which is not installed: pip install pandas")
        })?;
        pandas.getattr("DataFrame")?.call1((self.rows(py)?,))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<attain.Observations: {} rows, {} follow-ups>", self.inner.len(), self.inner.assignment_updates().len())
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

    /// The indicator results as an Arrow table (the CSV's columns; numbers as Float64).
    fn to_arrow(&self, py: Python<'_>) -> PyResult<pyo3_arrow::PyTable> {
        let batch = run(py, || arrow::report_table(&self.inner))?;
        let schema = batch.schema();
        pyo3_arrow::PyTable::try_new(vec![batch], schema)
    }

    /// Renders the report: `html`, `markdown` (`md`), `csv`, `table` or `json`.
    fn render(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        run(py, || Ok(attain_core::render(&self.inner, format.parse::<Format>()?)))
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

/// Runs every `*.test.toml` under `path` (a file or folder) and returns core's test report;
/// `options` is core's `TestOptions` (`coverage`).
#[pyfunction]
fn run_rule_tests<'py>(py: Python<'py>, path: PathBuf, options: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let options = kwargs::<attain_core::TestOptions>(py, options)?;
    let report = run(py, || attain_core::run_rule_tests_with(&path, &options))?;
    convert::to_python(py, &report)
}

/// Runs the `*.test.toml` files of a dict of path to text (with the plan in it, if any).
#[pyfunction]
fn run_rule_tests_in<'py>(py: Python<'py>, files: &Bound<'py, PyAny>, options: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let files = guard(py, || convert::plan_files(files))?;
    let options = kwargs::<attain_core::TestOptions>(py, options)?;
    let report = run(py, || attain_core::run_rule_tests_in_with(&files, &options))?;
    convert::to_python(py, &report)
}

/// Property checks of every indicator rule of a plan on generated inputs; `options` holds
/// cases and seed.
#[pyfunction]
#[pyo3(signature = (plan, options, timeout=None))]
fn check<'py>(
    py: Python<'py>,
    plan: &Bound<'py, PyPlan>,
    options: &Bound<'py, PyAny>,
    timeout: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let (plan, options) = (plan.get().inner.clone(), kwargs::<CheckRequest>(py, options)?);
    let report = run_stoppable(py, timeout, || attain_core::check(&plan, &options.options()))?;
    convert::to_python(py, &report)
}

/// The columns of `Assessments` (the facade's lists) as an Arrow table.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _assessments_arrow(
    py: Python<'_>,
    status: Vec<String>,
    label: Vec<String>,
    reason: Vec<String>,
    score: Vec<Option<f64>>,
    period: Vec<String>,
    target: Vec<Option<f64>>,
    previous: Vec<Option<f64>>,
    target_op: Vec<Option<String>>,
    measures: Vec<std::collections::BTreeMap<String, f64>>,
) -> PyResult<pyo3_arrow::PyTable> {
    let batch = run(py, || arrow::assessments_table(status, label, reason, score, period, target, previous, target_op, measures))?;
    let schema = batch.schema();
    pyo3_arrow::PyTable::try_new(vec![batch], schema)
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlan>()?;
    m.add_class::<assess::PlanBase>()?;
    m.add_class::<PyObservations>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<Floats>()?;
    m.add_function(wrap_pyfunction!(run_rule_tests, m)?)?;
    m.add_function(wrap_pyfunction!(run_rule_tests_in, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(_assessments_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(kolada::kolada_fetch, m)?)?;
    m.add("REPORT_SCHEMA", attain_core::REPORT_SCHEMA)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    Ok(())
}
