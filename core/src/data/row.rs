//! The observation row: its one vocabulary, the `Observation` type and the checks every reader applies.

use crate::error::{Code, Error, Result};
use crate::locale::{DecimalMark, NotANumber, plain_decimal, read_number};
use crate::model::Gender;
use serde::{Deserialize, Serialize};

use super::strict::Strict;

/// Kolada's markers for a missing value, kept as the reason.
const MISSING_MARKERS: &[(&str, &str)] =
    &[("-", "bortfall"), ("..", "sekretess"), (".", "ej tillämplig"), ("---", "saknas"), ("NA", "saknas")];

/// The one vocabulary of an observation row, the same in a CSV header, a sheet's header, a JSON
/// row and a host row: each field with its other names (Kolada's API names, the Swedish names
/// of Kolada's and analysts' sheets, and `status`, CSV's older name for `missing`). A name is
/// matched trimmed and in any case (`Kommun-ID`, ` År `). A row gives a field by one of its
/// names, never two. `note` is a comment for people: accepted and not kept. A sheet's header
/// also reads `Kommun` and `Nyckeltal`, which hold names or ids depending on the sheet
/// (see `header.rs`), and period columns (a wide sheet).
pub const OBSERVATION_FIELDS: [(&str, &[&str]); 9] = [
    ("indicator", &["kpi", "kpi_id", "kpi-id", "nyckeltals-id"]),
    ("entity", &["municipality", "kommun-id", "kommunkod", "område-id"]),
    ("period", &["year", "år"]),
    ("gender", &["kön"]),
    ("value", &["värde"]),
    ("missing", &["status", "saknas"]),
    ("count", &[]),
    ("source", &[]),
    ("note", &[]),
];

/// The field list as errors show it: `indicator (or kpi, …), …`.
pub(super) fn expected_fields() -> String {
    let names: Vec<String> = OBSERVATION_FIELDS
        .iter()
        .map(|(name, others)| match others {
            [] => (*name).to_string(),
            _ => format!("{name} (or {})", others.join(", ")),
        })
        .collect();
    names.join(", ")
}

/// The place in [`OBSERVATION_FIELDS`] of a field named by any of its names, trimmed and in any case.
pub(super) fn field_index(name: &str) -> Option<usize> {
    let is = |n: &str| OBSERVATION_FIELDS.iter().position(|(f, others)| *f == n || others.contains(&n));
    is(name).or_else(|| is(&name.trim().to_lowercase()))
}

/// One value of one indicator for one entity, period and gender.
///
/// Serialised, it is a host row (`{"indicator", "entity", "period", "gender", "value"}`, and
/// `missing`, `count`, `source` when set); deserialised, it reads the one row vocabulary
/// ([`OBSERVATION_FIELDS`], aliases included) with the checks of every reader.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Strict")]
pub struct Observation {
    /// Indicator id.
    pub indicator: String,
    /// Entity id (municipality code, group id).
    pub entity: String,
    /// Period id (`2022`, `2023-T1`).
    pub period: String,
    /// Gender.
    pub gender: Gender,
    /// The value; `None` is a gap.
    pub value: Option<f64>,
    /// Why the value is missing (Kolada's marker or status), when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// For a group row: members contributing (Kolada's `count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Where the value came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Parses a value cell: a number (its decimals marked as `mark` says), empty, or one of Kolada's
/// missing markers.
pub(super) fn parse_value(cell: &str, mark: DecimalMark) -> Result<(Option<f64>, Option<&'static str>)> {
    let t = trim(cell);
    // The usual cell first: a plain decimal, which no missing marker is (they hold no digit).
    if let Some(v) = plain_decimal(t, mark) {
        return Ok((Some(v), None));
    }
    if t.is_empty() {
        return Ok((None, None));
    }
    if let Some((_, why)) = MISSING_MARKERS.iter().find(|(m, _)| *m == t) {
        return Ok((None, Some(why)));
    }
    match read_number(t, mark) {
        Ok(v) => Ok((Some(v), None)),
        Err(NotANumber::Infinite) => Err(Error::new(Code::DataNotFinite, format!("value `{t}` is not a finite number"))),
        Err(NotANumber::Text) => {
            Err(Error::new(Code::DataInvalidValue, format!("value `{t}` is not a number (nor empty, `-`, `..` or `.`)")))
        }
        Err(NotANumber::Because(why)) => Err(Error::new(Code::DataInvalidValue, format!("value `{t}` is not a number: {why}"))),
    }
}

pub(super) fn check_finite(v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(x) if !x.is_finite() => Err(Error::new(Code::DataNotFinite, format!("value `{x}` is not a finite number"))),
        other => Ok(other),
    }
}

/// The canonical name of a field of an observation row given by any of its names, trimmed and
/// in any case (`kpi` → `indicator`, `Kommun-ID` → `entity`, `status` → `missing`), or `None`
/// for a name not in the vocabulary.
///
/// ```
/// assert_eq!(attain_core::observation_field("municipality"), Some("entity"));
/// assert_eq!(attain_core::observation_field(" År "), Some("period"));
/// assert_eq!(attain_core::observation_field("colour"), None);
/// ```
pub fn observation_field(name: &str) -> Option<&'static str> {
    field_index(name).map(|i| OBSERVATION_FIELDS[i].0)
}

/// `s.trim()`, with a short way for the usual cell that starts and ends with a printable ASCII
/// character (none of which is white space), so that most cells are not decoded to be trimmed.
pub(super) fn trim(s: &str) -> &str {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    match s.as_bytes() {
        [] => s,
        [first, .., last] if printable(first) && printable(last) => s,
        [only] if printable(only) => s,
        _ => s.trim(),
    }
}

/// Trims a text field in place (every reader trims, so that what CSV reads back is what was given).
pub(super) fn trim_in_place(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_string();
    }
}

/// An id as every reader takes it: trimmed and not empty.
pub(super) fn check_id(s: &mut String, name: &str) -> Result<()> {
    trim_in_place(s);
    if s.is_empty() {
        return Err(Error::new(Code::DataEmptyId, format!("`{name}` must not be empty")));
    }
    Ok(())
}

/// An optional text trimmed, and `None` when empty.
fn normalize_text(t: &mut Option<String>) {
    if let Some(s) = t {
        trim_in_place(s);
    }
    if t.as_deref() == Some("") {
        *t = None;
    }
}

/// One row as every reader keeps it: ids checked and trimmed, a finite value, and a reason
/// for a missing value only when the value is missing.
pub(super) fn normalize(o: &mut Observation) -> Result<()> {
    if o.indicator.trim().is_empty() || o.entity.trim().is_empty() || o.period.trim().is_empty() {
        return Err(Error::new(Code::DataEmptyId, "indicator, entity and period must not be empty"));
    }
    check_id(&mut o.indicator, "indicator")?;
    check_id(&mut o.entity, "entity")?;
    check_id(&mut o.period, "period")?;
    check_finite(o.value)?;
    normalize_text(&mut o.missing);
    if o.value.is_some() {
        o.missing = None;
    }
    normalize_text(&mut o.source);
    Ok(())
}

pub(super) fn count_error(shown: impl std::fmt::Display) -> Error {
    Error::new(Code::DataInvalidCount, format!("count `{shown}` is not a whole number from 0 to {}", u32::MAX))
}

pub(super) fn gender_error(shown: &str) -> Error {
    Error::new(Code::DataInvalidGender, format!("gender `{shown}` is not T, K or M"))
}
