//! The JSON reader: an array of rows, `{"observations", "assignments"}`, or a Kolada response (read in read_kolada.rs).

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use serde_json::Value;

use super::Observations;
use super::read_json_stream::{Parsed, stream};
use super::row::{
    OBSERVATION_FIELDS, Observation, check_finite, count_error, expected_fields, field_index, gender_error, normalize, parse_value,
};
use super::strict::Strict;

impl Observations {
    /// Reads JSON: Kolada API responses (v2 and v3: `{"values": [{"kpi", "municipality",
    /// "period", "values": [{"gender", "count", "status", "value"}]}]}`), an array of tidy rows,
    /// or `{"observations": [...], "assignments": [...]}`. A UTF-8 byte-order mark is skipped.
    ///
    /// # Errors
    /// A data error with file and line/column for malformed JSON, or file and row for a bad row.
    /// In a Kolada response the row is the item of `values` and the message names the value
    /// inside it (`item 3, value 2: …`).
    pub fn from_json(text: &str, file: &str) -> Result<Observations> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(Error::new(Code::DataEmpty, "the file is empty").in_file(file).at(1, 1));
        }
        let malformed = |e: serde_json::Error| {
            Error::new(Code::DataMalformedJson, format!("malformed JSON: {e}")).in_file(file).at(e.line(), e.column())
        };
        // A Kolada response's items are read into the store as the text is read (read_json_stream.rs);
        // anything else is parsed whole, then read.
        let mut obs = Observations::from_source(Some(file));
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = stream(&mut de, &mut obs, file).map_err(malformed)?;
        de.end().map_err(malformed)?;
        match parsed {
            // The first bad item, reported once the whole text is known to be JSON.
            Parsed::Kolada(Some(e)) => Err(e),
            Parsed::Kolada(None) => {
                obs.check_duplicates()?;
                Ok(obs)
            }
            Parsed::Other(v) => Self::from_json_value(&v, file),
        }
    }

    /// As [`Observations::from_json`], from a parsed value.
    ///
    /// # Errors
    /// See [`Observations::from_json`].
    pub fn from_json_value(v: &Value, file: &str) -> Result<Observations> {
        let mut obs = Observations::from_source(Some(file));
        match v {
            Value::Array(rows) => obs.read_json_rows(rows, Some(file))?,
            Value::Object(map) if map.contains_key("values") => {
                let Some(Value::Array(values)) = map.get("values") else {
                    return Err(Error::new(Code::DataInvalidType, "`values` must be an array").in_file(file));
                };
                obs.read_kolada(values, file)?;
            }
            Value::Object(map) if map.contains_key("observations") || map.contains_key("assignments") => {
                for key in map.keys() {
                    if key != "observations" && key != "assignments" {
                        return Err(Error::new(
                            Code::DataUnknownField,
                            format!("unknown key `{key}` (expected observations, assignments)"),
                        )
                        .in_file(file));
                    }
                }
                let array = |key: &str| match map.get(key) {
                    None => Ok(&[][..]),
                    Some(Value::Array(rows)) => Ok(rows.as_slice()),
                    Some(other) => {
                        Err(Error::new(Code::DataInvalidType, format!("`{key}` must be an array of rows, got {}", json_type(other)))
                            .in_file(file))
                    }
                };
                obs.read_json_rows(array("observations")?, Some(file))?;
                obs.read_json_assignments(array("assignments")?, Some(file))?;
            }
            _ => {
                return Err(Error::new(
                    Code::DataInvalidType,
                    "expected a Kolada response (`{\"values\": [...]}`), an array of rows, or `{\"observations\": [...]}`",
                )
                .in_file(file));
            }
        }
        obs.check_duplicates()?;
        Ok(obs)
    }

    pub(super) fn read_json_rows(&mut self, rows: &[Value], file: Option<&str>) -> Result<()> {
        for (i, r) in rows.iter().enumerate() {
            let err = |e: Error| {
                let e = e.at_row(i + 1);
                match file {
                    Some(f) => e.in_file(f),
                    None => e,
                }
            };
            let Value::Object(m) = r else {
                return Err(err(Error::new(Code::DataInvalidType, format!("a row must be an object, got {}", json_type(r)))));
            };
            let o = row_from_map(m).map_err(err)?;
            self.push_checked(o).map_err(err)?;
        }
        Ok(())
    }
}

/// One observation row given as a map of field → value, in the one vocabulary: ids as strings
/// or whole numbers, `value` a number, a numeric string or a Kolada marker, `null` as absent.
fn row_from_map(m: &serde_json::Map<String, Value>) -> Result<Observation> {
    // Each field as given: the name the row used, and its value (`null` is as absent).
    let mut given: [(&str, Option<&Value>); OBSERVATION_FIELDS.len()] = OBSERVATION_FIELDS.map(|(n, _)| (n, None));
    for (k, v) in m {
        let Some(i) = field_index(k) else {
            return Err(Error::new(Code::DataUnknownField, format!("unknown field `{k}` (expected {})", expected_fields())));
        };
        if v.is_null() {
            continue;
        }
        if given[i].1.is_some() {
            return Err(Error::new(Code::DataDuplicateField, format!("the row has both `{}` and `{k}`; give one", given[i].0)));
        }
        given[i] = (k.as_str(), Some(v));
    }
    let [indicator, entity, period, gender, value, missing, count, source, note] = given;
    let id = |(key, v): (&str, Option<&Value>), name: &str| {
        json_id(v, key)?.ok_or_else(|| Error::new(Code::DataMissingField, format!("the row has no `{name}`")))
    };
    let gender = match gender.1 {
        None => Gender::T,
        Some(Value::String(s)) => Gender::parse(s).ok_or_else(|| gender_error(s))?,
        Some(other) => return Err(Error::new(Code::DataInvalidType, format!("gender must be a string, got {other}"))),
    };
    let (value, marker) = json_value(value.1)?;
    json_text(note.1, note.0)?;
    Ok(Observation {
        indicator: id(indicator, "indicator")?,
        entity: id(entity, "entity")?,
        period: id(period, "period")?,
        gender,
        value,
        // A reason given wins over Kolada's marker in the value.
        missing: json_text(missing.1, missing.0)?.filter(|s| !s.trim().is_empty()).or(marker),
        count: json_count(count.1)?,
        source: json_text(source.1, source.0)?,
    })
}

impl TryFrom<Strict> for Observation {
    type Error = String;
    fn try_from(Strict(v): Strict) -> Result<Observation, String> {
        let Value::Object(m) = v else { return Err(format!("a row must be an object, got {}", json_type(&v))) };
        let mut o = row_from_map(&m).map_err(|e| e.message().to_string())?;
        normalize(&mut o).map_err(|e| e.message().to_string())?;
        Ok(o)
    }
}

pub(super) fn json_value(v: Option<&Value>) -> Result<(Option<f64>, Option<String>)> {
    match v {
        None | Some(Value::Null) => Ok((None, None)),
        Some(Value::Number(n)) => {
            let x = n.as_f64().ok_or_else(|| Error::new(Code::DataNotFinite, format!("value `{n}` is not a finite number")))?;
            check_finite(Some(x)).map(|v| (v, None))
        }
        Some(Value::String(s)) => parse_value(s, crate::locale::DecimalMark::Either).map(|(v, why)| (v, why.map(str::to_string))),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("value must be a number or null, got {other}"))),
    }
}

/// The JSON type of a value, for messages.
pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An id (indicator, entity, period) given as a string or a whole number; `2023.0` is `2023`.
pub(super) fn json_id(v: Option<&Value>, name: &str) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(Some(n.to_string())),
        Some(Value::Number(n)) => match n.as_f64() {
            // Exactly representable whole numbers only: beyond 2^53 the digits are not the ones written.
            Some(x) if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 => Ok(Some(format!("{x:.0}"))),
            _ => Err(Error::new(Code::DataInvalidValue, format!("`{name}` `{n}` is not a whole number; write it as a string"))),
        },
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("`{name}` must be a string, got {other}"))),
    }
}

/// An optional text field (`missing`, `source`, `note`).
pub(super) fn json_text(v: Option<&Value>, name: &str) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("`{name}` must be a string, got {other}"))),
    }
}

/// Kolada's `count`: a whole number that fits, never wrapped.
pub(super) fn json_count(v: Option<&Value>) -> Result<Option<u32>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let whole =
                n.as_u64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX)).map(|x| x as u64));
            whole.and_then(|c| u32::try_from(c).ok()).map(Some).ok_or_else(|| count_error(n))
        }
        Some(Value::String(s)) => count_text(s),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("`count` must be a whole number, got {other}"))),
    }
}

/// Kolada's `count` given as a string: empty is none, else a whole number that fits.
pub(super) fn count_text(s: &str) -> Result<Option<u32>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    s.trim().parse::<u32>().map(Some).map_err(|_| count_error(s))
}
