//! Every conversion between Python values and core's types lives here.
//!
//! Python to core: plan files, host rows (dicts), columns (a pandas DataFrame, one list per
//! column), assignment follow-ups, genders. Core to Python: anything serde can serialise
//! (reports, explanations, test reports) becomes plain dicts, lists, strings and numbers.

use crate::errors::ConvertError;
use attain_core::{Code, Gender, Observation, PeerStats, PeriodValue, PlanFiles};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde_json::Value;

/// Fields a host row may have: those of core's `Observation`.
const ROW_FIELDS: &str = "indicator, entity, period, gender, value; optional missing, count, source";

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
        return Err(ConvertError::data(format!("`{arg}` has {n} items (its len()), more than the limit of {MAX_ITEMS}")).into());
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
pub fn push<T>(out: &mut Vec<T>, item: T, arg: &str) -> Result<(), ConvertError> {
    if out.len() >= MAX_ITEMS {
        return Err(ConvertError::data(format!("`{arg}` has more than {MAX_ITEMS} items")));
    }
    out.try_reserve(1).map_err(|_| ConvertError::data(format!("out of memory reading `{arg}` ({} items read)", out.len())))?;
    out.push(item);
    Ok(())
}

/// A sequence of strings (entity or period ids, genders): not a `str` itself; never trusting
/// its `len()`.
pub fn strings(v: &Bound<'_, PyAny>, arg: &str) -> PyResult<Vec<String>> {
    let not_a_list = || ConvertError::query(format!("`{arg}` must be a list of strings, got {}", type_name(v)));
    if is_text(v) || v.is_instance_of::<PyDict>() {
        return Err(not_a_list().into());
    }
    let items = v.try_iter().map_err(|_| not_a_list())?;
    let mut out = room(v, arg)?;
    for (i, item) in items.enumerate() {
        let item = item?;
        let s = item
            .cast::<PyString>()
            .map_err(|_| ConvertError::query(format!("`{arg}` must be a list of strings, but item {} is {}", i + 1, type_name(&item))))?;
        push(&mut out, s.to_cow()?.into_owned(), arg)?;
    }
    Ok(out)
}

/// Any serialisable core value (a report, an explanation, a test report) as plain Python
/// objects: dicts in the order of the JSON shape, lists, str, int, float, bool, None.
pub fn to_python<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| ConvertError::data(format!("cannot convert the result: {e}")).into())
}

/// A plan given as a mapping of relative path to text.
pub fn plan_files(files: &Bound<'_, PyAny>) -> PyResult<PlanFiles> {
    let dict =
        files.cast::<PyDict>().map_err(|_| ConvertError::new(Code::PlanInvalidArgument, "plan files must be a dict of path to text"))?;
    let mut out = PlanFiles::new();
    for (k, v) in dict.iter() {
        let path = k.cast::<PyString>().map_err(|_| plan_error(format!("a plan file path must be a string, got {}", type_name(&k))))?;
        let path = path.to_cow()?.replace('\\', "/");
        let text = v.cast::<PyString>().map_err(|_| plan_error(format!("the text of `{path}` must be a string, got {}", type_name(&v))))?;
        out.insert(path, text.to_cow()?.into_owned());
    }
    Ok(out)
}

fn plan_error(message: String) -> ConvertError {
    ConvertError::new(Code::PlanInvalidArgument, message)
}

/// A gender code (`T`, `K`, `M`, or core's other spellings).
pub fn gender(s: &str) -> Result<Gender, ConvertError> {
    Gender::parse(s).ok_or_else(|| ConvertError::new(Code::QueryInvalidGender, format!("gender `{s}` is not T, K or M")))
}

/// A list of gender codes.
pub fn genders(list: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<Gender>>> {
    let Some(list) = list.filter(|l| !l.is_none()) else { return Ok(None) };
    let mut out = Vec::new();
    for s in strings(list, "genders")? {
        out.push(gender(&s)?);
    }
    Ok(Some(out))
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into())
}

/// An id cell (indicator, entity, period): a string, or an integer written in decimal
/// (pandas reads `2022` and `2380` as integers).
fn id_cell(v: &Bound<'_, PyAny>, field: &str, row: usize) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_cow()?.trim().to_string());
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return Ok(v.str()?.to_cow()?.into_owned());
    }
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Err(ConvertError::new(Code::DataMissingField, format!("`{field}` is missing")).at_row(row).into());
    }
    Err(ConvertError::data(format!("`{field}` must be a string, got {} `{}`", type_name(v), v.str()?.to_cow()?)).at_row(row).into())
}

/// A value cell: a number or `None`. `nan_is_gap` reads NaN as a gap (pandas' marker);
/// otherwise NaN reaches core, which rejects it as not finite.
fn value_cell(v: &Bound<'_, PyAny>, row: usize, nan_is_gap: bool) -> PyResult<Option<f64>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        return Ok(if nan_is_gap && x.is_nan() { None } else { Some(x) });
    }
    if v.is_instance_of::<PyBool>() || v.is_instance_of::<PyString>() {
        return Err(value_type_error(v, row));
    }
    match v.extract::<f64>() {
        Ok(x) if nan_is_gap && x.is_nan() => Ok(None),
        Ok(x) => Ok(Some(x)),
        Err(_) => Err(value_type_error(v, row)),
    }
}

fn value_type_error(v: &Bound<'_, PyAny>, row: usize) -> PyErr {
    let shown = v.repr().and_then(|r| r.to_cow().map(|c| c.into_owned())).unwrap_or_default();
    ConvertError::data(format!("`value` must be a number or None, got {} {shown}", type_name(v))).at_row(row).into()
}

fn gender_cell(v: &Bound<'_, PyAny>, row: usize) -> PyResult<Gender> {
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Ok(Gender::T);
    }
    let s = v.cast::<PyString>().map_err(|_| ConvertError::data(format!("`gender` must be a string, got {}", type_name(v))).at_row(row))?;
    let s = s.to_cow()?;
    Gender::parse(&s).ok_or_else(|| ConvertError::new(Code::DataInvalidGender, format!("gender `{s}` is not T, K or M")).at_row(row).into())
}

fn opt_text(v: &Bound<'_, PyAny>, field: &str, row: usize) -> PyResult<Option<String>> {
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Ok(None);
    }
    let s =
        v.cast::<PyString>().map_err(|_| ConvertError::data(format!("`{field}` must be a string, got {}", type_name(v))).at_row(row))?;
    Ok(Some(s.to_cow()?.into_owned()).filter(|s| !s.is_empty()))
}

fn count_cell(v: &Bound<'_, PyAny>, row: usize) -> PyResult<Option<u32>> {
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Ok(None);
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        if x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x) {
            // Whole and within u32: the cast is exact.
            return Ok(Some(x as u32));
        }
    }
    v.extract::<u32>()
        .map(Some)
        .map_err(|_| ConvertError::data(format!("`count` must be a whole number, got {}", type_name(v))).at_row(row).into())
}

/// Host rows: an iterable of dicts with the fields of core's `Observation`.
pub fn rows(data: &Bound<'_, PyAny>) -> PyResult<Vec<Observation>> {
    let items = data.try_iter()?;
    let mut out = room(data, "rows")?;
    for (i, item) in items.enumerate() {
        let row = i + 1;
        let item = item?;
        let dict =
            item.cast::<PyDict>().map_err(|_| ConvertError::data(format!("a row must be a dict, got {}", type_name(&item))).at_row(row))?;
        let (mut indicator, mut entity, mut period) = (None, None, None);
        let mut o = Observation {
            indicator: String::new(),
            entity: String::new(),
            period: String::new(),
            gender: Gender::T,
            value: None,
            missing: None,
            count: None,
            source: None,
        };
        for (k, v) in dict.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| ConvertError::data(format!("row keys must be strings, got {}", type_name(&k))).at_row(row))?;
            match &*key.to_cow()? {
                "indicator" => indicator = Some(id_cell(&v, "indicator", row)?),
                "entity" => entity = Some(id_cell(&v, "entity", row)?),
                "period" => period = Some(id_cell(&v, "period", row)?),
                "gender" => o.gender = gender_cell(&v, row)?,
                "value" => o.value = value_cell(&v, row, false)?,
                "missing" => o.missing = opt_text(&v, "missing", row)?,
                "count" => o.count = count_cell(&v, row)?,
                "source" => o.source = opt_text(&v, "source", row)?,
                other => {
                    return Err(ConvertError::new(Code::DataUnknownField, format!("unknown field `{other}` (expected {ROW_FIELDS})"))
                        .at_row(row)
                        .into());
                }
            }
        }
        let need = |v: Option<String>, what: &str| {
            v.ok_or_else(|| ConvertError::new(Code::DataMissingField, format!("the row has no `{what}`")).at_row(row))
        };
        o.indicator = need(indicator, "indicator")?;
        o.entity = need(entity, "entity")?;
        o.period = need(period, "period")?;
        push(&mut out, o, "rows")?;
    }
    Ok(out)
}

/// Columns of a table (a pandas DataFrame: one list per column), in one pass per column.
/// NaN and `None` in `value` are gaps, as pandas means them.
pub fn columns<'py>(cols: &Bound<'py, PyDict>) -> PyResult<Vec<Observation>> {
    for (k, _) in cols.iter() {
        let name = k.str()?.to_cow()?.into_owned();
        if !["indicator", "entity", "period", "gender", "value", "missing", "count", "source"].contains(&name.as_str()) {
            return Err(ConvertError::new(Code::DataUnknownColumn, format!("unknown column `{name}` (expected {ROW_FIELDS})")).into());
        }
    }
    let need = |what: &str| -> PyResult<Vec<Bound<'py, PyAny>>> {
        column(cols, what)?.ok_or_else(|| ConvertError::new(Code::DataMissingColumn, format!("the table has no `{what}` column")).into())
    };
    let indicator = need("indicator")?;
    let entity = need("entity")?;
    let period = need("period")?;
    let value = need("value")?;
    let gender = column(cols, "gender")?;
    let missing = column(cols, "missing")?;
    let count = column(cols, "count")?;
    let source = column(cols, "source")?;
    let n = indicator.len();
    let lengths = [
        Some(entity.len()),
        Some(period.len()),
        Some(value.len()),
        gender.as_ref().map(Vec::len),
        missing.as_ref().map(Vec::len),
        count.as_ref().map(Vec::len),
        source.as_ref().map(Vec::len),
    ];
    if lengths.iter().flatten().any(|&l| l != n) {
        return Err(ConvertError::data("the columns have different lengths").into());
    }
    let mut out = room_for(n);
    // Every column has `n` cells (checked above); `cell` is total all the same.
    let cell = |c: &[Bound<'py, PyAny>], i: usize| -> PyResult<Bound<'py, PyAny>> {
        c.get(i).cloned().ok_or_else(|| ConvertError::data("the columns have different lengths").into())
    };
    for i in 0..n {
        let row = i + 1;
        let o = Observation {
            indicator: id_cell(&cell(&indicator, i)?, "indicator", row)?,
            entity: id_cell(&cell(&entity, i)?, "entity", row)?,
            period: id_cell(&cell(&period, i)?, "period", row)?,
            gender: match &gender {
                Some(g) => gender_cell(&cell(g, i)?, row)?,
                None => Gender::T,
            },
            value: value_cell(&cell(&value, i)?, row, true)?,
            missing: match &missing {
                Some(c) => opt_text(&cell(c, i)?, "missing", row)?,
                None => None,
            },
            count: match &count {
                Some(c) => count_cell(&cell(c, i)?, row)?,
                None => None,
            },
            source: match &source {
                Some(c) => opt_text(&cell(c, i)?, "source", row)?,
                None => None,
            },
        };
        push(&mut out, o, "rows")?;
    }
    Ok(out)
}

fn column<'py>(cols: &Bound<'py, PyDict>, name: &str) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    let Some(c) = cols.get_item(name)? else { return Ok(None) };
    let items = c.try_iter()?;
    let mut out = room(&c, name)?;
    for item in items {
        push(&mut out, item?, name)?;
    }
    Ok(Some(out))
}

/// Assignment follow-ups as dicts (`assignment, period, status, comment`), in the JSON shape
/// core reads (`{"assignments": [...]}`), so that core validates the status.
pub fn assignments(data: &Bound<'_, PyAny>) -> PyResult<Value> {
    let items = data.try_iter()?;
    let mut out = room(data, "assignments")?;
    for (i, item) in items.enumerate() {
        let row = i + 1;
        let item = item?;
        let dict = item
            .cast::<PyDict>()
            .map_err(|_| ConvertError::data(format!("a follow-up must be a dict, got {}", type_name(&item))).at_row(row))?;
        let mut map = serde_json::Map::new();
        for (k, v) in dict.iter() {
            let key = k.str()?.to_cow()?.into_owned();
            if !["assignment", "period", "status", "comment"].contains(&key.as_str()) {
                return Err(ConvertError::data(format!(
                    "unknown field `{key}` in an assignment follow-up (expected assignment, period, status, comment)"
                ))
                .at_row(row)
                .into());
            }
            let text = if key == "period" { id_cell(&v, &key, row)? } else { opt_text(&v, &key, row)?.unwrap_or_default() };
            map.insert(key, Value::String(text));
        }
        push(&mut out, Value::Object(map), "assignments")?;
    }
    let mut doc = serde_json::Map::new();
    doc.insert("assignments".into(), Value::Array(out));
    Ok(Value::Object(doc))
}

// ---------------------------------------------------------------------------------------------
// The inputs of `Plan.assess` and `Plan.assess_many`: numbers, a period, a history, peer
// statistics, each given directly; in `assess_many` each argument is one value for every row
// or a sequence with one value per row.

/// Where a cell is, for errors: the argument, and in `assess_many` the 1-based row.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// The keyword argument.
    pub arg: &'static str,
    /// 1-based row of `assess_many`; `None` for `assess` or for one value given for every row.
    pub row: Option<usize>,
}

impl At {
    /// A data error naming the argument (and the row): `` `arg` `` then `what`.
    fn error(self, what: impl std::fmt::Display) -> PyErr {
        let e = ConvertError::data(format!("`{}` {what}", self.arg));
        match self.row {
            Some(row) => e.at_row(row),
            None => e,
        }
        .into()
    }
}

/// A value as an error message shows it: its type and repr, cut at 60 characters.
fn shown(v: &Bound<'_, PyAny>) -> String {
    let repr = v.repr().and_then(|r| r.to_cow().map(|c| c.into_owned())).unwrap_or_default();
    let mut cut: String = repr.chars().take(60).collect();
    if cut.len() < repr.len() {
        cut.push('…');
    }
    format!("{} {cut}", type_name(v))
}

fn is_text(v: &Bound<'_, PyAny>) -> bool {
    v.is_instance_of::<PyString>() || v.is_instance_of::<PyBytes>()
}

/// A number or `None`; on error, what is wrong after the name (`is NaN, …`).
fn float_of(v: &Bound<'_, PyAny>) -> Result<Option<f64>, String> {
    if v.is_none() {
        return Ok(None);
    }
    let x = if let Ok(f) = v.cast::<PyFloat>() {
        f.value()
    } else if v.is_instance_of::<PyBool>() || is_text(v) {
        return Err(format!("must be a number or None, got {}", shown(v)));
    } else {
        v.extract::<f64>().map_err(|_| format!("must be a number or None, got {}", shown(v)))?
    };
    if x.is_finite() { Ok(Some(x)) } else { Err(not_finite(x)) }
}

/// What is wrong with a NaN or an infinity, after the name.
fn not_finite(x: f64) -> String {
    let what = if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    format!("is {what}, not a finite number (None is the missing value)")
}

/// A number or `None`. NaN and infinities are errors: `None` is the missing value.
pub fn number(v: &Bound<'_, PyAny>, at: At) -> PyResult<Option<f64>> {
    float_of(v).map_err(|m| at.error(m))
}

/// A period, or on error what is wrong after the name.
fn period_of(v: &Bound<'_, PyAny>) -> Result<String, String> {
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_cow().map_err(|e| e.to_string())?;
        let s = s.trim();
        return if s.is_empty() { Err("is missing (an empty string)".into()) } else { Ok(s.to_string()) };
    }
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return v.str().and_then(|s| s.to_cow().map(|c| c.into_owned())).map_err(|e| e.to_string());
    }
    if v.is_none() || v.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Err("is missing".into());
    }
    Err(format!("must be a string such as \"2023\" or \"2023-T1\", or an integer year, got {}", shown(v)))
}

/// A period: a string (`2023`, `2023-T1`) or an integer year.
pub fn period(v: &Bound<'_, PyAny>, at: At) -> PyResult<String> {
    period_of(v).map_err(|m| at.error(m))
}

/// Earlier values, oldest first: `None`, or a sequence of `(period, value)` pairs or dicts
/// with `period` and `value`.
pub fn history(v: &Bound<'_, PyAny>, at: At) -> PyResult<Vec<PeriodValue>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let not_a_history = || at.error(format!("must be a list of (period, value) pairs or dicts, or None, got {}", shown(v)));
    if is_text(v) || v.is_instance_of::<PyDict>() {
        return Err(not_a_history());
    }
    let entries = v.try_iter().map_err(|_| not_a_history())?;
    let mut out = room(v, at.arg)?;
    for (j, e) in entries.enumerate() {
        let (e, entry) = (e?, j + 1);
        let (p, x) = if let Ok(d) = e.cast::<PyDict>() {
            for k in d.keys() {
                let key = k.cast::<PyString>().ok().and_then(|s| s.to_cow().ok().map(|c| c.into_owned()));
                if !matches!(key.as_deref(), Some("period" | "value")) {
                    let key = key.map_or_else(|| shown(&k), |k| format!("`{k}`"));
                    return Err(at.error(format_args!("entry {entry} has an unknown key {key} (expected period and value)")));
                }
            }
            (d.get_item("period")?, d.get_item("value")?)
        } else if (e.is_instance_of::<PyTuple>() || e.is_instance_of::<PyList>()) && e.len()? == 2 {
            (Some(e.get_item(0)?), Some(e.get_item(1)?))
        } else {
            return Err(
                at.error(format_args!("entry {entry} must be a (period, value) pair or a dict with period and value, got {}", shown(&e)))
            );
        };
        let p = match p {
            Some(p) => period_of(&p).map_err(|m| at.error(format_args!("entry {entry}: the period {m}")))?,
            None => return Err(at.error(format_args!("entry {entry} has no period"))),
        };
        let x = match x {
            Some(x) => float_of(&x).map_err(|m| at.error(format_args!("entry {entry}: the value {m}")))?,
            None => None,
        };
        let Some(value) = x else {
            return Err(at.error(format_args!("entry {entry} has no value (leave a missing period out of the history)")));
        };
        push(&mut out, PeriodValue { period: p, value }, at.arg).map_err(|e| ConvertError { row: at.row, ..e })?;
    }
    Ok(out)
}

const PEER_FIELDS: &str = "mean, median, min, max, count, values, published";

/// Peer statistics: `None`, or a dict with any of mean, median, min, max, count, values and
/// published. Given `values`, the statistics not given are derived from them (core's
/// `PeerStats::from_values`), as in rule tests.
pub fn peers(v: &Bound<'_, PyAny>, at: At) -> PyResult<Option<PeerStats>> {
    if v.is_none() {
        return Ok(None);
    }
    let d = v.cast::<PyDict>().map_err(|_| at.error(format!("must be a dict ({PEER_FIELDS}) or None, got {}", shown(v))))?;
    let (mut mean, mut median, mut min, mut max, mut count, mut values, mut published) = (None, None, None, None, None, Vec::new(), false);
    let field = |arg: &'static str| At { arg, row: at.row };
    for (k, x) in d.iter() {
        let key = k.cast::<PyString>().ok().and_then(|s| s.to_cow().ok().map(|c| c.into_owned()));
        match key.as_deref().unwrap_or("") {
            "mean" => mean = number(&x, field("peers.mean"))?,
            "median" => median = number(&x, field("peers.median"))?,
            "min" => min = number(&x, field("peers.min"))?,
            "max" => max = number(&x, field("peers.max"))?,
            "count" if x.is_none() => {}
            "count" => {
                let n = if x.is_instance_of::<PyBool>() {
                    None
                } else if let Ok(f) = x.cast::<PyFloat>() {
                    let f = f.value();
                    // Whole and below 2^53: exact as an integer.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    (f.fract() == 0.0 && (0.0..=9.0e15).contains(&f)).then_some(f as usize)
                } else {
                    x.extract::<usize>().ok()
                };
                count = Some(n.ok_or_else(|| field("peers.count").error(format_args!("must be a whole number ≥ 0, got {}", shown(&x))))?);
            }
            "values" if x.is_none() => {}
            "values" => {
                let at = field("peers.values");
                let not_a_list = || at.error(format_args!("must be a list of numbers, got {}", shown(&x)));
                if is_text(&x) || x.is_instance_of::<PyDict>() {
                    return Err(not_a_list());
                }
                let ys = x.try_iter().map_err(|_| not_a_list())?;
                values = room(&x, "peers.values")?;
                for (j, y) in ys.enumerate() {
                    match float_of(&y?) {
                        Ok(Some(y)) => push(&mut values, y, "peers.values")?,
                        Ok(None) => return Err(at.error(format_args!("entry {} is None (leave members without a value out)", j + 1))),
                        Err(m) => return Err(at.error(format_args!("entry {} {m}", j + 1))),
                    }
                }
            }
            "published" => {
                published = x
                    .extract::<bool>()
                    .map_err(|_| field("peers.published").error(format_args!("must be True or False, got {}", shown(&x))))?;
            }
            _ => {
                let key = key.map_or_else(|| shown(&k), |k| format!("`{k}`"));
                return Err(at.error(format_args!("has an unknown key {key} (expected {PEER_FIELDS})")));
            }
        }
    }
    let mut s = PeerStats::from_values(values).with_stated(mean, median, min, max, count);
    s.published = published;
    Ok(Some(s))
}

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

    /// Puts row `i`'s value into `slot`: moved out of a sequence, or a single value cloned in
    /// at row 0 and left there.
    pub fn fill(&mut self, i: usize, slot: &mut T) {
        match self {
            Column::All(x) => {
                if i == 0 {
                    slot.clone_from(x);
                }
            }
            Column::Rows(v) => {
                if let Some(x) = v.get_mut(i) {
                    *slot = std::mem::take(x);
                }
            }
        }
    }
}

/// An argument of `assess_many`: `single` (one value for every row, read by `cell`), else a
/// sequence of cells. `what` says what it may be, for the error when it is neither.
fn arg_column<'py, T>(
    v: &Bound<'py, PyAny>,
    arg: &'static str,
    what: &str,
    single: bool,
    cell: impl Fn(&Bound<'py, PyAny>, At) -> PyResult<T>,
) -> PyResult<Column<T>> {
    if single {
        return Ok(Column::All(cell(v, At { arg, row: None })?));
    }
    let each = |items: &mut dyn Iterator<Item = PyResult<Bound<'py, PyAny>>>, mut out: Vec<T>| -> PyResult<Column<T>> {
        for (i, item) in items.enumerate() {
            push(&mut out, cell(&item?, At { arg, row: Some(i + 1) })?, arg)?;
        }
        Ok(Column::Rows(out))
    };
    if let Ok(list) = v.cast::<PyList>() {
        return each(&mut list.iter().map(Ok), room(v, arg)?);
    }
    if let Ok(tuple) = v.cast::<PyTuple>() {
        return each(&mut tuple.iter().map(Ok), room(v, arg)?);
    }
    let neither = || At { arg, row: None }.error(format_args!("must be {what}, got {}", shown(v)));
    if is_text(v) || v.is_instance_of::<PyDict>() {
        return Err(neither());
    }
    match v.try_iter() {
        Ok(mut it) => each(&mut it, room(v, arg)?),
        Err(_) => Err(neither()),
    }
}

/// A numeric argument of `assess_many`: a number or None for every row, or a sequence.
pub fn number_column(v: Option<&Bound<'_, PyAny>>, arg: &'static str) -> PyResult<Column<Option<f64>>> {
    let Some(v) = v else { return Ok(Column::All(None)) };
    if let Ok(packed) = v.cast::<crate::Floats>() {
        let values = &packed.get().values;
        let mut out = room_for(values.len());
        for (i, &x) in values.iter().enumerate() {
            if !x.is_finite() {
                return Err(At { arg, row: Some(i + 1) }.error(not_finite(x)));
            }
            push(&mut out, Some(x), arg)?;
        }
        return Ok(Column::Rows(out));
    }
    let single = v.is_none() || v.is_instance_of::<PyFloat>() || v.is_instance_of::<PyInt>() || v.try_iter().is_err();
    arg_column(v, arg, "a number or None, or a sequence of them", single && !is_text(v) && !v.is_instance_of::<PyDict>(), number)
}

/// The period argument of `assess_many`: one period for every row, or a sequence.
pub fn period_column(v: &Bound<'_, PyAny>) -> PyResult<Column<String>> {
    let single = v.is_none() || v.is_instance_of::<PyString>() || v.is_instance_of::<PyInt>();
    arg_column(v, "period", "a period (a string or an integer year), or a sequence of them", single, period)
}

/// The history argument of `assess_many`: None (no history in any row), or a sequence with
/// one history per row.
pub fn history_column(v: Option<&Bound<'_, PyAny>>) -> PyResult<Column<Vec<PeriodValue>>> {
    match v {
        Some(v) => arg_column(v, "history", "None or a sequence with one history per row", v.is_none(), history),
        None => Ok(Column::All(Vec::new())),
    }
}

/// The peers argument of `assess_many`: a dict or None for every row, or a sequence.
pub fn peers_column(v: Option<&Bound<'_, PyAny>>) -> PyResult<Column<Option<PeerStats>>> {
    match v {
        Some(v) => arg_column(v, "peers", "a dict or None, or a sequence of them", v.is_none() || v.is_instance_of::<PyDict>(), peers),
        None => Ok(Column::All(None)),
    }
}

/// Every argument of `assess_many`, converted.
pub struct AssessColumns {
    pub value: Column<Option<f64>>,
    pub target: Column<Option<f64>>,
    pub previous: Column<Option<f64>>,
    pub history: Column<Vec<PeriodValue>>,
    pub national: Column<Option<f64>>,
    pub peers: Column<Option<PeerStats>>,
    pub percentile: Column<Option<f64>>,
    pub women: Column<Option<f64>>,
    pub men: Column<Option<f64>>,
    pub period: Column<String>,
}

impl AssessColumns {
    /// The number of rows: the common length of the sequences given (1 when every argument is
    /// a single value). Sequences of different lengths are an error naming each length.
    pub fn rows(&self) -> Result<usize, ConvertError> {
        let lengths: Vec<(&str, usize)> = [
            ("value", self.value.len()),
            ("period", self.period.len()),
            ("target", self.target.len()),
            ("previous", self.previous.len()),
            ("history", self.history.len()),
            ("national", self.national.len()),
            ("peers", self.peers.len()),
            ("percentile", self.percentile.len()),
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
                Err(ConvertError::data(format!("the sequences have different lengths: {}", each.join(", "))))
            }
        }
    }
}
