//! Every conversion between Python values and core's types lives here.
//!
//! Python to core: plan files, host rows (dicts), columns (a pandas DataFrame, one list per
//! column), assignment follow-ups, and every request (through serde: `pythonize` reads the
//! Python value and core's `decode` names the argument in its error). Core to Python: anything serde can serialise
//! (reports, explanations, test reports) becomes plain dicts, lists, strings and numbers.

use crate::errors::{Raise, data_error, query_error};
use attain_core::{AssessRequest, Assessment, Code, Error, HistoryPoint, PeersRequest, Period, PlanFiles, TargetInput};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Mutex;

/// The most items a sequence argument may hold (rows, follow-ups, a column, a history, peer
/// values, ids): 268,435,456. A `len()` above it is an error naming the argument, not a
/// reservation of its size.
pub const MAX_ITEMS: usize = 1 << 28;
/// Room reserved up front for a sequence's items, whatever its `len()` says; more is reserved
/// as the items come, with `try_reserve` (an allocation failure is an error, not an abort).
const FIRST_RESERVE: usize = 1 << 16;

/// An empty vector for the items of `v`: its `len()` (when it has one) checked against
/// [`MAX_ITEMS`] and trusted only up to [`FIRST_RESERVE`].
pub fn room<T>(v: &Bound<'_, PyAny>, arg: &str) -> PyResult<Vec<T>> {
    let n = v.len().unwrap_or(0);
    if n > MAX_ITEMS {
        return Err(data_error(format!("`{arg}` has {n} items (its len()), more than the limit of {MAX_ITEMS}")).raise());
    }
    Ok(room_for(n))
}

/// An empty vector with room for at most [`FIRST_RESERVE`] of `n` items.
fn room_for<T>(n: usize) -> Vec<T> {
    let mut out = Vec::new();
    // A failure only means less room up front.
    let _ = out.try_reserve(n.min(FIRST_RESERVE));
    out
}

/// Appends one item of argument `arg`: at most [`MAX_ITEMS`], and an error, not an abort,
/// when memory runs out.
pub fn push<T>(out: &mut Vec<T>, item: T, arg: &str) -> PyResult<()> {
    if out.len() >= MAX_ITEMS {
        return Err(data_error(format!("`{arg}` has more than {MAX_ITEMS} items")).raise());
    }
    out.try_reserve(1).map_err(|_| data_error(format!("out of memory reading `{arg}` ({} items read)", out.len())).raise())?;
    out.push(item);
    Ok(())
}

/// Any serialisable core value (a report, an explanation, a test report) as plain Python
/// objects: dicts in the order of the JSON shape, lists, str, int, float, bool, None.
pub fn to_python<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| data_error(format!("cannot convert the result: {e}")).raise())
}

/// A plan given as a mapping of relative path to text.
pub fn plan_files(files: &Bound<'_, PyAny>) -> PyResult<PlanFiles> {
    let dict =
        files.cast::<PyDict>().map_err(|_| Error::new(Code::PlanInvalidArgument, "plan files must be a dict of path to text").raise())?;
    let mut out = PlanFiles::new();
    for (k, v) in dict.iter() {
        let path =
            k.cast::<PyString>().map_err(|_| plan_error(format!("a plan file path must be a string, got {}", type_name(&k))).raise())?;
        let path = path.to_cow()?;
        let text = v
            .cast::<PyString>()
            .map_err(|_| plan_error(format!("the text of `{path}` must be a string, got {}", type_name(&v))).raise())?;
        // Core normalises the path (`\` to `/`) and refuses one that leaves the plan.
        out.insert(&path, text.to_cow()?.into_owned()).map_err(|e| e.raise())?;
    }
    Ok(out)
}

fn plan_error(message: String) -> Error {
    Error::new(Code::PlanInvalidArgument, message)
}

pub fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into())
}

/// The items of a sequence (host rows, follow-ups), for core to read one by one; its `len()`
/// is never trusted for room.
pub fn items<'py>(data: &Bound<'py, PyAny>, arg: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let mut out = room(data, arg)?;
    for item in data.try_iter()? {
        push(&mut out, item?, arg)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Requests: read by core's `decode` through pythonize; core checks and defaults them.

/// A Python value as a core request type; a value of the wrong shape is core's query error
/// naming `what` and the path inside it.
pub fn decode<T: DeserializeOwned>(what: &str, v: &Bound<'_, PyAny>) -> attain_core::Result<T> {
    attain_core::decode(what, &mut pythonize::Depythonizer::from_object(v))
}

/// A request from a dict of keyword arguments: an error names the keyword (`` `period`: ``),
/// since the dict itself is not an argument the caller wrote.
pub fn decode_kwargs<T: DeserializeOwned>(v: &Bound<'_, PyAny>) -> attain_core::Result<T> {
    decode("", v).map_err(|e| match e.message().strip_prefix("`.") {
        Some(rest) => attain_core::Error::new(e.code(), format!("`{rest}")),
        None => e,
    })
}

/// The assessments of `assess_many` as a dict of lists (status, label, reason, score,
/// period, target, previous, target_op, measures), each distinct status, label and period one
/// string object.
pub fn assessments<'py>(py: Python<'py>, rows: Vec<Assessment>) -> PyResult<Bound<'py, PyDict>> {
    let mut seen: Vec<(String, Bound<'py, PyString>)> = Vec::new();
    let mut text = |s: String| -> Bound<'py, PyString> {
        if let Some((_, t)) = seen.iter().find(|(k, _)| *k == s) {
            return t.clone();
        }
        let t = PyString::new(py, &s);
        if seen.len() < 64 {
            seen.push((s, t.clone()));
        }
        t
    };
    let n = rows.len();
    let (mut status, mut label, mut reason, mut period) = (room_for(n), room_for(n), room_for(n), room_for(n));
    let (mut score, mut target, mut previous, mut target_op) = (room_for(n), room_for(n), room_for(n), room_for(n));
    let mut measures = room_for(n);
    for a in rows {
        status.push(text(a.status));
        label.push(text(a.label));
        period.push(text(a.period));
        reason.push(a.reason);
        score.push(a.score);
        target.push(a.target);
        previous.push(a.previous);
        target_op.push(a.target_op.map(&mut text));
        measures.push(a.measures);
    }
    let out = PyDict::new(py);
    out.set_item("status", PyList::new(py, status)?)?;
    out.set_item("label", PyList::new(py, label)?)?;
    out.set_item("reason", PyList::new(py, reason)?)?;
    out.set_item("score", PyList::new(py, score)?)?;
    out.set_item("period", PyList::new(py, period)?)?;
    out.set_item("target", PyList::new(py, target)?)?;
    out.set_item("previous", PyList::new(py, previous)?)?;
    out.set_item("target_op", PyList::new(py, target_op)?)?;
    out.set_item("measures", PyList::new(py, measures)?)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// `Plan.assess_many`: each argument is one value for every row or a sequence with one value per
// row (a list, a tuple, packed floats from numpy or pandas); the columns become core's requests.

/// One argument of `assess_many`: one value for every row, or one per row.
pub enum Column<T> {
    /// The same value in every row.
    All(T),
    /// A value per row.
    Rows(Vec<T>),
}

impl<T: Clone + Default> Column<T> {
    /// Rows given, when a sequence was.
    pub fn len(&self) -> Option<usize> {
        match self {
            Column::All(_) => None,
            Column::Rows(v) => Some(v.len()),
        }
    }

    /// Puts row `i`'s value into `slot`: moved out of a sequence, or the single value cloned.
    pub fn fill(&mut self, i: usize, slot: &mut T) {
        match self {
            Column::All(x) => slot.clone_from(x),
            Column::Rows(v) => {
                if let Some(x) = v.get_mut(i) {
                    *slot = std::mem::take(x);
                }
            }
        }
    }
}

fn is_text(v: &Bound<'_, PyAny>) -> bool {
    v.is_instance_of::<PyString>() || v.is_instance_of::<PyBytes>()
}

/// An argument of `assess_many`: a sequence of cells when `per_row`, else one cell for every
/// row. A cell is read by core's `decode`; its error names the argument and the 1-based row.
fn cells<T: DeserializeOwned>(v: &Bound<'_, PyAny>, arg: &'static str, per_row: bool) -> PyResult<Column<T>> {
    let cell = |v: &Bound<'_, PyAny>, row: Option<usize>| -> PyResult<T> {
        decode(arg, v).map_err(|e| {
            match row {
                Some(r) => e.at_row(r),
                None => e,
            }
            .raise()
        })
    };
    if !per_row {
        return Ok(Column::All(cell(v, None)?));
    }
    let mut out = room(v, arg)?;
    for (i, item) in v.try_iter()?.enumerate() {
        push(&mut out, cell(&item?, Some(i + 1))?, arg)?;
    }
    Ok(Column::Rows(out))
}

/// Whether an argument is a sequence of cells rather than one cell: iterable, not text, not a dict.
fn is_sequence(v: &Bound<'_, PyAny>) -> bool {
    !v.is_none() && !is_text(v) && !v.is_instance_of::<PyDict>() && v.try_iter().is_ok()
}

/// A period or peers argument of `assess_many`: one for every row (`None` when not given), or a sequence.
pub fn arg_column<T: DeserializeOwned + Default>(v: Option<&Bound<'_, PyAny>>, arg: &'static str) -> PyResult<Column<T>> {
    match v {
        Some(v) => cells(v, arg, is_sequence(v)),
        None => Ok(Column::All(T::default())),
    }
}

/// A numeric argument of `assess_many`: packed floats (or an Arrow array's), a number or None for every row, or a sequence.
pub fn number_column(v: Option<&Bound<'_, PyAny>>, arg: &'static str) -> PyResult<Column<Option<f64>>> {
    match v {
        Some(v) => match v.cast::<crate::Floats>() {
            Ok(packed) => Ok(Column::Rows(packed.get().values.clone())),
            Err(_) => cells(v, arg, is_sequence(v)),
        },
        None => Ok(Column::All(None)),
    }
}

/// The history argument of `assess_many`: None (no history in any row), or a sequence with
/// one history per row.
pub fn history_column(v: Option<&Bound<'_, PyAny>>) -> PyResult<Column<Vec<HistoryPoint>>> {
    match v {
        Some(v) if !v.is_none() => cells(v, "history", true),
        _ => Ok(Column::All(Vec::new())),
    }
}

/// Every argument of `assess_many`, converted.
pub struct AssessColumns {
    pub value: Column<Option<f64>>,
    pub period: Column<Option<Period>>,
    pub target: Column<Option<f64>>,
    pub previous: Column<Option<f64>>,
    pub history: Column<Vec<HistoryPoint>>,
    pub national: Column<Option<f64>>,
    pub peers: Column<Option<PeersRequest>>,
    pub percentile: Column<Option<f64>>,
    pub municipal_mean: Column<Option<f64>>,
    pub women: Column<Option<f64>>,
    pub men: Column<Option<f64>>,
}

impl AssessColumns {
    /// The number of rows: the common length of the sequences given (1 when every argument is
    /// a single value). Sequences of different lengths are an error naming each length.
    fn rows(&self) -> PyResult<usize> {
        let lengths: Vec<(&str, usize)> = [
            ("value", self.value.len()),
            ("period", self.period.len()),
            ("target", self.target.len()),
            ("previous", self.previous.len()),
            ("history", self.history.len()),
            ("national", self.national.len()),
            ("peers", self.peers.len()),
            ("percentile", self.percentile.len()),
            ("municipal_mean", self.municipal_mean.len()),
            ("women", self.women.len()),
            ("men", self.men.len()),
        ]
        .into_iter()
        .filter_map(|(name, n)| Some((name, n?)))
        .collect();
        match lengths.first() {
            None => Ok(1),
            Some(&(_, n)) if lengths.iter().all(|&(_, m)| m == n) => Ok(n),
            Some(_) => {
                let each: Vec<String> = lengths.iter().map(|(name, n)| format!("`{name}` has {n}")).collect();
                Err(query_error(format!("the sequences have different lengths: {}", each.join(", "))).raise())
            }
        }
    }

    /// One core request per row.
    pub fn requests(mut self) -> PyResult<Vec<AssessRequest>> {
        let n = self.rows()?;
        let mut out = Vec::new();
        out.try_reserve_exact(n)
            .map_err(|_| Error::new(Code::QueryLimitRows, format!("out of memory for the requests of {n} rows")).raise())?;
        for i in 0..n {
            let mut r = AssessRequest::default();
            self.value.fill(i, &mut r.value);
            self.period.fill(i, &mut r.period);
            let mut target = None;
            self.target.fill(i, &mut target);
            r.target = target.map(TargetInput::Number);
            self.previous.fill(i, &mut r.previous);
            self.history.fill(i, &mut r.history);
            self.national.fill(i, &mut r.national);
            self.peers.fill(i, &mut r.peers);
            self.percentile.fill(i, &mut r.percentile);
            self.municipal_mean.fill(i, &mut r.municipal_mean);
            self.women.fill(i, &mut r.women);
            self.men.fill(i, &mut r.men);
            out.push(r);
        }
        Ok(out)
    }
}

/// The inputs of one `assess` call given one by one, in [`AssessRequest`]'s terms, none of
/// them a history or peers (those take the mapping's way).
pub struct QuickInputs<'a, 'py> {
    pub value: Option<&'a Bound<'py, PyAny>>,
    pub period: Option<&'a Bound<'py, PyAny>>,
    pub target: Option<&'a Bound<'py, PyAny>>,
    pub previous: Option<&'a Bound<'py, PyAny>>,
    pub national: Option<&'a Bound<'py, PyAny>>,
    pub percentile: Option<&'a Bound<'py, PyAny>>,
    pub women: Option<&'a Bound<'py, PyAny>>,
    pub men: Option<&'a Bound<'py, PyAny>>,
    pub municipal_mean: Option<&'a Bound<'py, PyAny>>,
}

/// A number input read without serde: not given or `None`, or exactly a `float` or an `int`
/// (not a `bool`, not a subclass); `Err(())` for anything else, which the mapping's way then
/// reads or names.
fn quick_number(v: Option<&Bound<'_, PyAny>>) -> Result<Option<f64>, ()> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        Ok(None)
    } else if let Ok(f) = v.cast_exact::<PyFloat>() {
        Ok(Some(f.value()))
    } else if v.is_exact_instance_of::<PyInt>() {
        // As core's decoding of a whole number (`visit_i64`); a larger int takes the other way.
        #[allow(clippy::cast_precision_loss)]
        v.extract::<i64>().map(|i| Some(i as f64)).map_err(|_| ())
    } else {
        Err(())
    }
}

impl QuickInputs<'_, '_> {
    /// The request when every input is `None`, a plain number or (the period) a valid period
    /// as text: what decoding the same inputs as a mapping gives. `None` otherwise, and the
    /// caller takes that way ([`QuickInputs::to_dict`]), so an error is the mapping's.
    pub fn request(&self) -> Option<AssessRequest> {
        let period = match self.period {
            Some(p) if !p.is_none() => Some(Period::parse(&p.cast_exact::<PyString>().ok()?.to_cow().ok()?).ok()?),
            _ => None,
        };
        let mut r = AssessRequest::default();
        r.value = quick_number(self.value).ok()?;
        r.period = period;
        r.target = quick_number(self.target).ok()?.map(TargetInput::Number);
        r.previous = quick_number(self.previous).ok()?;
        r.national = quick_number(self.national).ok()?;
        r.percentile = quick_number(self.percentile).ok()?;
        r.women = quick_number(self.women).ok()?;
        r.men = quick_number(self.men).ok()?;
        r.municipal_mean = quick_number(self.municipal_mean).ok()?;
        Some(r)
    }

    /// The inputs given (not `None`) as the keyword mapping `assess` decodes.
    pub fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let fields = [
            ("value", self.value),
            ("period", self.period),
            ("target", self.target),
            ("previous", self.previous),
            ("national", self.national),
            ("percentile", self.percentile),
            ("women", self.women),
            ("men", self.men),
            ("municipal_mean", self.municipal_mean),
        ];
        for (k, v) in fields {
            if let Some(v) = v.filter(|v| !v.is_none()) {
                d.set_item(k, v)?;
            }
        }
        Ok(d)
    }
}

/// The Python strings of the few texts every assessment repeats (status, label, period,
/// operator), made once per plan: at most [`Texts::MAX`] of them, then made afresh.
#[derive(Default)]
pub struct Texts(Mutex<Vec<(Box<str>, Py<PyString>)>>);

impl Texts {
    const MAX: usize = 64;

    /// `text` as a Python string, the one made before when there is one.
    pub fn get<'py>(&self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        let Ok(mut known) = self.0.lock() else { return PyString::new(py, text) };
        if let Some((_, s)) = known.iter().find(|(t, _)| &**t == text) {
            return s.bind(py).clone();
        }
        let s = PyString::new(py, text);
        if known.len() < Self::MAX {
            known.push((text.into(), s.clone().unbind()));
        }
        s
    }
}

/// An assessment as the tuple of `attain.Assessment`'s fields in order (status, label, reason,
/// score, period, target, previous, target_op, measures), `no_measures` where it has none.
pub fn assessment_tuple<'py>(
    py: Python<'py>,
    a: Assessment,
    no_measures: &Bound<'py, PyAny>,
    texts: &Texts,
) -> PyResult<Bound<'py, PyTuple>> {
    let measures = if a.measures.is_empty() { no_measures.clone() } else { a.measures.into_pyobject(py)?.into_any() };
    let op = a.target_op.map(|op| texts.get(py, &op));
    let (status, label, period) = (texts.get(py, &a.status), texts.get(py, &a.label), texts.get(py, &a.period));
    (status, label, a.reason, a.score, period, a.target, a.previous, op, measures).into_pyobject(py)
}
