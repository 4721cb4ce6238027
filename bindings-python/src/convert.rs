//! Every conversion between Python values and core's types lives here.
//!
//! Python to core: plan files, host rows (dicts), columns (a pandas DataFrame, one list per
//! column), assignment follow-ups, genders. Core to Python: anything serde can serialise
//! (reports, explanations, test reports) becomes plain dicts, lists, strings and numbers.

use crate::errors::ConvertError;
use attain_core::{Gender, Observation, PlanFiles};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use serde::Serialize;
use serde_json::Value;

/// Fields a host row may have: those of core's `Observation`.
const ROW_FIELDS: &str = "indicator, entity, period, gender, value; optional missing, count, source";

/// Any serialisable core value (a report, an explanation, a test report) as plain Python
/// objects: dicts in the order of the JSON shape, lists, str, int, float, bool, None.
pub fn to_python<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| ConvertError::data(format!("cannot convert the result: {e}")).into())
}

/// A plan given as a mapping of relative path to text.
pub fn plan_files(files: &Bound<'_, PyAny>) -> PyResult<PlanFiles> {
    let dict = files
        .cast::<PyDict>()
        .map_err(|_| ConvertError { kind: "plan", ..ConvertError::data("plan files must be a dict of path to text") })?;
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
    ConvertError { kind: "plan", ..ConvertError::data(message) }
}

/// A gender code (`T`, `K`, `M`, or core's other spellings).
pub fn gender(s: &str) -> Result<Gender, ConvertError> {
    Gender::parse(s).ok_or_else(|| ConvertError::query(format!("gender `{s}` is not T, K or M")))
}

/// A list of gender codes.
pub fn genders(list: Option<Vec<String>>) -> Result<Option<Vec<Gender>>, ConvertError> {
    list.map(|l| l.iter().map(|s| gender(s)).collect()).transpose()
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
        return Err(ConvertError::data(format!("`{field}` is missing")).at_row(row).into());
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
    Gender::parse(&s).ok_or_else(|| ConvertError::data(format!("gender `{s}` is not T, K or M")).at_row(row).into())
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
            return Ok(Some(x as u32));
        }
    }
    v.extract::<u32>()
        .map(Some)
        .map_err(|_| ConvertError::data(format!("`count` must be a whole number, got {}", type_name(v))).at_row(row).into())
}

/// Host rows: an iterable of dicts with the fields of core's `Observation`.
pub fn rows(data: &Bound<'_, PyAny>) -> PyResult<Vec<Observation>> {
    let mut out = Vec::with_capacity(data.len().unwrap_or(0));
    for (i, item) in data.try_iter()?.enumerate() {
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
                other => return Err(ConvertError::data(format!("unknown field `{other}` (expected {ROW_FIELDS})")).at_row(row).into()),
            }
        }
        let need = |v: Option<String>, what: &str| v.ok_or_else(|| ConvertError::data(format!("the row has no `{what}`")).at_row(row));
        o.indicator = need(indicator, "indicator")?;
        o.entity = need(entity, "entity")?;
        o.period = need(period, "period")?;
        out.push(o);
    }
    Ok(out)
}

/// Columns of a table (a pandas DataFrame: one list per column), in one pass per column.
/// NaN and `None` in `value` are gaps, as pandas means them.
pub fn columns<'py>(cols: &Bound<'py, PyDict>) -> PyResult<Vec<Observation>> {
    for (k, _) in cols.iter() {
        let name = k.str()?.to_cow()?.into_owned();
        if !["indicator", "entity", "period", "gender", "value", "missing", "count", "source"].contains(&name.as_str()) {
            return Err(ConvertError::data(format!("unknown column `{name}` (expected {ROW_FIELDS})")).into());
        }
    }
    let need = |what: &str| -> PyResult<Vec<Bound<'py, PyAny>>> {
        column(cols, what)?.ok_or_else(|| ConvertError::data(format!("the table has no `{what}` column")).into())
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
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row = i + 1;
        out.push(Observation {
            indicator: id_cell(&indicator[i], "indicator", row)?,
            entity: id_cell(&entity[i], "entity", row)?,
            period: id_cell(&period[i], "period", row)?,
            gender: match &gender {
                Some(g) => gender_cell(&g[i], row)?,
                None => Gender::T,
            },
            value: value_cell(&value[i], row, true)?,
            missing: match &missing {
                Some(c) => opt_text(&c[i], "missing", row)?,
                None => None,
            },
            count: match &count {
                Some(c) => count_cell(&c[i], row)?,
                None => None,
            },
            source: match &source {
                Some(c) => opt_text(&c[i], "source", row)?,
                None => None,
            },
        });
    }
    Ok(out)
}

fn column<'py>(cols: &Bound<'py, PyDict>, name: &str) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    match cols.get_item(name)? {
        Some(c) => Ok(Some(c.try_iter()?.collect::<PyResult<Vec<_>>>()?)),
        None => Ok(None),
    }
}

/// Assignment follow-ups as dicts (`assignment, period, status, comment`), in the JSON shape
/// core reads (`{"assignments": [...]}`), so that core validates the status.
pub fn assignments(data: &Bound<'_, PyAny>) -> PyResult<Value> {
    let mut out = Vec::new();
    for (i, item) in data.try_iter()?.enumerate() {
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
        out.push(Value::Object(map));
    }
    let mut doc = serde_json::Map::new();
    doc.insert("assignments".into(), Value::Array(out));
    Ok(Value::Object(doc))
}
