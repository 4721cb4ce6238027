//! Observations: one tidy row per value, read from CSV, Kolada API JSON or JSON rows.

use crate::error::{Code, Error, Result};
use crate::model::{AssignmentStatus, Gender};
use ahash::AHashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// Most rows one set of observations may hold.
pub const MAX_ROWS: usize = 20_000_000;

/// Kolada's markers for a missing value, kept as the reason.
const MISSING_MARKERS: &[(&str, &str)] =
    &[("-", "bortfall"), ("..", "sekretess"), (".", "ej tillämplig"), ("---", "saknas"), ("NA", "saknas")];

/// The one vocabulary of an observation row, the same in a CSV header, a JSON row and a host
/// row: each field with its alias (Kolada's names, and `status`, CSV's older name for
/// `missing`). A row gives a field by one of its names, never both. `note` is a comment for
/// people: accepted and not kept.
pub const OBSERVATION_FIELDS: [(&str, Option<&str>); 9] = [
    ("indicator", Some("kpi")),
    ("entity", Some("municipality")),
    ("period", Some("year")),
    ("gender", None),
    ("value", None),
    ("missing", Some("status")),
    ("count", None),
    ("source", None),
    ("note", None),
];

/// The fields of an assignment follow-up, the same in CSV, JSON and host rows.
pub const ASSIGNMENT_FIELDS: [&str; 4] = ["assignment", "period", "status", "comment"];

/// The field list as errors show it: `indicator (or kpi), …`.
fn expected_fields() -> String {
    let names: Vec<String> = OBSERVATION_FIELDS
        .iter()
        .map(|(name, alias)| match alias {
            Some(a) => format!("{name} (or {a})"),
            None => (*name).to_string(),
        })
        .collect();
    names.join(", ")
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

/// A follow-up of an assignment.
///
/// ```
/// use attain_core::{AssignmentStatus, AssignmentUpdate, Observations};
/// let u = AssignmentUpdate::new("A1", "2023-T2", AssignmentStatus::Done).with_comment("klart");
/// let data = Observations::default().with_assignments(vec![u.clone()])?;
/// assert_eq!(data.assignment_updates(), &[u]);
/// # Ok::<(), attain_core::Error>(())
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Strict")]
pub struct AssignmentUpdate {
    /// Assignment id.
    pub assignment: String,
    /// Period of the follow-up.
    pub period: String,
    /// Status.
    pub status: AssignmentStatus,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}

/// One point of a series.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub period: String,
    pub value: Option<f64>,
    pub count: Option<u32>,
    pub missing: Option<String>,
}

/// A series sorted by period.
pub(crate) type Series = Vec<Point>;

/// Every entity's value in one period.
type EntityValues<'a> = Vec<(&'a str, f64)>;

/// Lookups by borrowed ids, so that evaluation does not allocate keys.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// indicator → entity → series per gender (T, K, M).
    series: AHashMap<String, AHashMap<String, [Series; 3]>>,
    /// Every period with a value for an entity, sorted; every entity of the data is a key.
    pub entity_periods: AHashMap<String, Vec<String>>,
    /// indicator → period → the values of every entity that is not a group (`G…`), sorted, per gender.
    ranked: AHashMap<String, AHashMap<String, [Vec<f64>; 3]>>,
}

/// A gender's place in the per-gender arrays (T, K, M).
pub(crate) fn slot(g: Gender) -> usize {
    match g {
        Gender::T => 0,
        Gender::K => 1,
        Gender::M => 2,
    }
}

impl Index {
    /// The series of one indicator, entity and gender.
    pub fn series(&self, indicator: &str, entity: &str, gender: Gender) -> Option<&Series> {
        self.series.get(indicator)?.get(entity).map(|s| &s[slot(gender)]).filter(|s| !s.is_empty())
    }
    /// The value of one indicator, entity and gender in exactly this period.
    pub fn value_at(&self, indicator: &str, entity: &str, gender: Gender, period: &str) -> Option<f64> {
        // The series is sorted by period: the first point of that period by binary search.
        let s = self.series(indicator, entity, gender)?;
        let i = s.partition_point(|pt| pt.period.as_str() < period);
        s.get(i).filter(|pt| pt.period == period)?.value
    }
    /// The values of every entity that is not a group (`G…`) in a period, sorted ascending.
    pub fn ranked_at(&self, indicator: &str, period: &str, gender: Gender) -> Option<&[f64]> {
        self.ranked.get(indicator)?.get(period).map(|v| v[slot(gender)].as_slice())
    }
    /// Every period in which some entity has a value of the indicator.
    pub fn periods_of(&self, indicator: &str) -> impl Iterator<Item = &str> {
        self.ranked.get(indicator).into_iter().flat_map(|p| p.keys().map(String::as_str))
    }
}

/// A set of observations and assignment follow-ups.
///
/// ```
/// let data = attain_core::Observations::from_csv("indicator,entity,period,gender,value\nN00209,2380,2022,T,72.3\n", "d.csv")?;
/// assert_eq!(data.rows().len(), 1);
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Observations {
    rows: Vec<Observation>,
    assignments: Vec<AssignmentUpdate>,
    /// Where each run of rows came from, in row order: a duplicate found after a merge names
    /// the file and row of both copies.
    sources: Vec<Source>,
    index: OnceLock<Arc<Index>>,
}

/// A run of rows read from one file (or given as rows, or set by a what-if edit).
#[derive(Debug, Clone)]
struct Source {
    /// Index in `rows` of its first row.
    start: usize,
    /// The file, when the rows came from one.
    file: Option<Arc<str>>,
    /// For a Kolada response: the first row (counted from `start`) of each item, so that a row
    /// is named as Kolada's item and the value inside it.
    items: Option<Arc<[usize]>>,
}

/// Where one row came from: its file, its row (a Kolada item) and, in Kolada, the value inside it.
struct Place<'a> {
    source: usize,
    file: Option<&'a str>,
    row: usize,
    value: Option<usize>,
}

impl Place<'_> {
    /// `row 3`, or `item 3, value 2` for a Kolada response.
    fn describe(&self) -> String {
        match self.value {
            Some(v) => format!("item {}, value {v}", self.row),
            None => format!("row {}", self.row),
        }
    }
}

/// Parses a value cell: a number, empty, or one of Kolada's missing markers.
fn parse_value(cell: &str) -> Result<(Option<f64>, Option<String>)> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok((None, None));
    }
    if let Some((_, why)) = MISSING_MARKERS.iter().find(|(m, _)| *m == t) {
        return Ok((None, Some((*why).to_string())));
    }
    let normalized = t.replace(',', ".").replace(['\u{a0}', ' '], "");
    match normalized.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok((Some(v), None)),
        Ok(_) => Err(Error::new(Code::DataNotFinite, format!("value `{t}` is not a finite number"))),
        Err(_) => Err(Error::new(Code::DataInvalidValue, format!("value `{t}` is not a number (nor empty, `-`, `..` or `.`)"))),
    }
}

fn check_finite(v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(x) if !x.is_finite() => Err(Error::new(Code::DataNotFinite, format!("value `{x}` is not a finite number"))),
        other => Ok(other),
    }
}

/// The canonical name of a field of an observation row given by its name or alias
/// (`kpi` → `indicator`, `status` → `missing`), or `None` for a name not in the vocabulary.
///
/// ```
/// assert_eq!(attain_core::observation_field("municipality"), Some("entity"));
/// assert_eq!(attain_core::observation_field("colour"), None);
/// ```
pub fn observation_field(name: &str) -> Option<&'static str> {
    OBSERVATION_FIELDS.iter().find(|(n, a)| *n == name || *a == Some(name)).map(|(n, _)| *n)
}

/// One observation row given as a map of field → value, in the one vocabulary: ids as strings
/// or whole numbers, `value` a number, a numeric string or a Kolada marker, `null` as absent.
fn row_from_map(m: &serde_json::Map<String, Value>) -> Result<Observation> {
    // Each field as given: the name the row used, and its value (`null` is as absent).
    let mut given: [(&str, Option<&Value>); OBSERVATION_FIELDS.len()] = OBSERVATION_FIELDS.map(|(n, _)| (n, None));
    for (k, v) in m {
        let Some(i) = OBSERVATION_FIELDS.iter().position(|(n, a)| n == k || *a == Some(k.as_str())) else {
            return Err(Error::new(Code::DataUnknownField, format!("unknown field `{k}` (expected {})", expected_fields())));
        };
        if v.is_null() {
            continue;
        }
        if given[i].1.is_some() {
            let (name, alias) = OBSERVATION_FIELDS[i];
            return Err(Error::new(
                Code::DataDuplicateField,
                format!("the row has both `{name}` and `{}`; give one", alias.unwrap_or(name)),
            ));
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

/// One assignment follow-up given as a map of field → value.
fn assignment_from_map(m: &serde_json::Map<String, Value>) -> Result<AssignmentUpdate> {
    if let Some(k) = m.keys().find(|k| !ASSIGNMENT_FIELDS.contains(&k.as_str())) {
        return Err(Error::new(
            Code::DataUnknownField,
            format!("unknown field `{k}` in an assignment follow-up (expected {})", ASSIGNMENT_FIELDS.join(", ")),
        ));
    }
    let id = |name: &str| {
        json_id(m.get(name), name)?.ok_or_else(|| Error::new(Code::DataMissingField, format!("the follow-up has no `{name}`")))
    };
    let status =
        json_text(m.get("status"), "status")?.ok_or_else(|| Error::new(Code::DataMissingField, "the follow-up has no `status`"))?;
    Ok(AssignmentUpdate {
        assignment: id("assignment")?,
        period: id("period")?,
        status: assignment_status(&status)?,
        comment: json_text(m.get("comment"), "comment")?.unwrap_or_default(),
    })
}

fn assignment_status(s: &str) -> Result<AssignmentStatus> {
    AssignmentStatus::parse(s).ok_or_else(|| {
        Error::new(Code::DataInvalidStatus, format!("status `{s}` is not one of done, on_track, at_risk, not_done, not_started"))
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

impl TryFrom<Strict> for AssignmentUpdate {
    type Error = String;
    fn try_from(Strict(v): Strict) -> Result<AssignmentUpdate, String> {
        let Value::Object(m) = v else { return Err(format!("a follow-up must be an object, got {}", json_type(&v))) };
        let mut u = assignment_from_map(&m).map_err(|e| e.message().to_string())?;
        normalize_assignment(&mut u).map_err(|e| e.message().to_string())?;
        Ok(u)
    }
}

impl AssignmentUpdate {
    /// A follow-up without a comment.
    pub fn new(assignment: impl Into<String>, period: impl Into<String>, status: AssignmentStatus) -> AssignmentUpdate {
        AssignmentUpdate { assignment: assignment.into(), period: period.into(), status, comment: String::new() }
    }

    /// The same follow-up with a comment.
    #[must_use]
    pub fn with_comment(mut self, comment: impl Into<String>) -> AssignmentUpdate {
        self.comment = comment.into();
        self
    }

    /// A follow-up whose status is given as text (`on_track`), as a host passes it.
    ///
    /// # Errors
    /// A data error for a status that is not one of done, on_track, at_risk, not_done, not_started.
    pub fn from_text(assignment: &str, period: &str, status: &str, comment: &str) -> Result<AssignmentUpdate> {
        Ok(AssignmentUpdate::new(assignment, period, assignment_status(status)?).with_comment(comment))
    }
}

/// Trims a text field in place (every reader trims, so that what CSV reads back is what was given).
fn trim_in_place(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_string();
    }
}

/// An id as every reader takes it: trimmed and not empty.
fn check_id(s: &mut String, name: &str) -> Result<()> {
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
fn normalize(o: &mut Observation) -> Result<()> {
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

/// One follow-up as every reader keeps it.
fn normalize_assignment(u: &mut AssignmentUpdate) -> Result<()> {
    if u.assignment.trim().is_empty() || u.period.trim().is_empty() {
        return Err(Error::new(Code::DataEmptyId, "assignment and period must not be empty"));
    }
    check_id(&mut u.assignment, "assignment")?;
    check_id(&mut u.period, "period")?;
    trim_in_place(&mut u.comment);
    Ok(())
}

/// Appends one CSV cell, quoted when it must be.
fn csv_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// Appends one CSV record.
fn csv_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, c);
    }
    out.push('\n');
}

impl Observations {
    /// Observations from typed rows already in memory. Each row is kept as every reader keeps
    /// it: ids and texts trimmed, an empty `missing` or `source` as `None`, and a `missing`
    /// reason only for a gap. Host rows still to be read (dicts, JS objects):
    /// [`Observations::from_values`].
    ///
    /// # Errors
    /// A data error naming the row (1-based) of a non-finite value, an empty id or a duplicate.
    pub fn from_rows(rows: Vec<Observation>) -> Result<Observations> {
        let mut obs = Observations::from_source(None);
        for (i, r) in rows.into_iter().enumerate() {
            obs.push_checked(r).map_err(|e| e.at_row(i + 1))?;
        }
        obs.check_duplicates()?;
        Ok(obs)
    }

    /// Observations from host rows, each a map of field → value in the one row vocabulary
    /// ([`OBSERVATION_FIELDS`]: `indicator` or `kpi`, `entity` or `municipality`, `period` or
    /// `year`, `gender`, `value`, `missing` or `status`, `count`, `source`, `note`): what a
    /// binding passes for a list of dicts or objects. Ids may be strings or whole numbers; a
    /// value a number, `null` (a gap) or a Kolada marker (`..`).
    ///
    /// ```
    /// use serde_json::json;
    /// let data = attain_core::Observations::from_values(&[
    ///     json!({"kpi": "N1", "municipality": 2380, "year": 2022, "value": 72.5}),
    ///     json!({"indicator": "N1", "entity": "2380", "period": "2023", "value": null, "missing": "bortfall"}),
    /// ])?;
    /// assert_eq!(data.rows()[0].entity, "2380");
    /// assert_eq!(data.rows()[1].missing.as_deref(), Some("bortfall"));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// A data error naming the 1-based row (and no file): an unknown field, a field given by
    /// both its names (`indicator` and `kpi`), a missing id, a wrong type, a value that is not
    /// finite, or a duplicate.
    pub fn from_values(rows: &[Value]) -> Result<Observations> {
        let mut obs = Observations::from_source(None);
        obs.read_json_rows(rows, None)?;
        obs.check_duplicates()?;
        Ok(obs)
    }

    /// As [`Observations::from_values`], each row read by its own serde deserializer (a Python
    /// dict through pythonize, a JS object through a value tree), so that a host converts nothing
    /// itself: the one vocabulary and its checks, errors naming the 1-based row.
    ///
    /// # Errors
    /// As [`Observations::from_values`].
    pub fn from_host_rows<'de, D: serde::Deserializer<'de>>(rows: impl IntoIterator<Item = D>) -> Result<Observations> {
        Observations::from_values(&host_values(rows)?)
    }

    /// Observations from host columns (a data frame's: column name → its cells, each read by its
    /// own serde deserializer), in the one row vocabulary. A data frame marks a missing number
    /// with NaN, so NaN in `value` or `count` is a gap here (it is an error in rows).
    ///
    /// # Errors
    /// A data error for an unknown or repeated column, a missing `indicator`, `entity`, `period`
    /// or `value` column (as in a CSV header), columns of different lengths, or, naming the
    /// 1-based row, any error of [`Observations::from_values`].
    pub fn from_host_columns<'de, D: serde::Deserializer<'de>>(columns: Vec<(String, Vec<D>)>) -> Result<Observations> {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (name, _) in &columns {
            let Some(field) = observation_field(name) else {
                return Err(Error::new(Code::DataUnknownColumn, format!("unknown column `{name}` (expected {})", expected_fields())));
            };
            if let Some((other, _)) = seen.iter().find(|(_, f)| *f == field) {
                return Err(Error::new(
                    Code::DataDuplicateColumn,
                    format!("the columns `{other}` and `{name}` are the same field; give one"),
                ));
            }
            seen.push((name, field));
        }
        // A table names its columns as a CSV header does: the same ones are needed.
        for needed in ["indicator", "entity", "period", "value"] {
            if !seen.iter().any(|(_, f)| *f == needed) {
                return Err(Error::new(Code::DataMissingColumn, format!("the header has no `{needed}` column")));
            }
        }
        let rows = columns.first().map_or(0, |(_, c)| c.len());
        if columns.iter().any(|(_, c)| c.len() != rows) {
            let lengths: Vec<String> = columns.iter().map(|(n, c)| format!("`{n}` {}", c.len())).collect();
            return Err(Error::new(Code::DataInvalidArgument, format!("the columns have different lengths: {}", lengths.join(", "))));
        }
        let mut cells: Vec<(String, std::vec::IntoIter<D>)> = columns.into_iter().map(|(n, c)| (n, c.into_iter())).collect();
        let mut values = Vec::new();
        values.try_reserve_exact(rows).map_err(|_| Error::new(Code::DataLimitRows, format!("out of memory for {rows} rows")))?;
        for i in 0..rows {
            let mut row = serde_json::Map::new();
            for (name, column) in &mut cells {
                let Some(cell) = column.next() else { break };
                let gap_if_nan = matches!(observation_field(name), Some("value" | "count"));
                let value = cell_value(cell, gap_if_nan).map_err(|e| e.at_row(i + 1))?;
                row.insert(name.clone(), value);
            }
            values.push(Value::Object(row));
        }
        Observations::from_values(&values)
    }

    /// These observations with follow-ups from host rows, each read by its own serde deserializer
    /// (`assignment`, `period`, `status`, optionally `comment`).
    ///
    /// # Errors
    /// A data error naming the 1-based follow-up: an unknown field, a missing field, an unknown
    /// status.
    pub fn with_host_assignments<'de, D: serde::Deserializer<'de>>(self, rows: impl IntoIterator<Item = D>) -> Result<Observations> {
        let updates = Observations::from_assignment_values(&host_values(rows)?)?.assignments;
        self.with_assignments(updates)
    }

    /// Assignment follow-ups from host rows, each a map with `assignment`, `period`, `status`
    /// and optionally `comment`.
    ///
    /// # Errors
    /// A data error naming the 1-based row: an unknown field, a missing field, an unknown status.
    pub fn from_assignment_values(rows: &[Value]) -> Result<Observations> {
        let mut obs = Observations::default();
        obs.read_json_assignments(rows, None)?;
        Ok(obs)
    }

    /// Adds one assignment follow-up.
    ///
    /// # Errors
    /// A data error for an empty assignment or period, or one holding a line break.
    pub fn add_assignment(&mut self, mut update: AssignmentUpdate) -> Result<()> {
        normalize_assignment(&mut update)?;
        self.assignments.push(update);
        Ok(())
    }

    /// These observations with the follow-ups added.
    ///
    /// # Errors
    /// A data error naming the 1-based follow-up, as [`Observations::add_assignment`] gives.
    pub fn with_assignments(mut self, updates: Vec<AssignmentUpdate>) -> Result<Observations> {
        for (i, u) in updates.into_iter().enumerate() {
            self.add_assignment(u).map_err(|e| e.at_row(i + 1))?;
        }
        Ok(self)
    }

    /// The rows as tidy CSV, every column of the vocabulary that a row can hold:
    /// `indicator,entity,period,gender,value,missing,count,source`. [`Observations::from_csv`]
    /// reads it back to equal rows (follow-ups: [`Observations::assignments_to_csv`]).
    ///
    /// # Errors
    /// A data error naming the row whose indicator, entity or period holds a line break: the
    /// CSV reader refuses one in an id cell (it is taken for a misplaced quote), so core does
    /// not write what it would not read back; JSON ([`Observations::to_json`]) holds any id.
    pub fn to_csv(&self) -> Result<String> {
        let mut out = String::new();
        csv_record(&mut out, ["indicator", "entity", "period", "gender", "value", "missing", "count", "source"]);
        for (i, r) in self.rows.iter().enumerate() {
            for (name, id) in [("indicator", &r.indicator), ("entity", &r.entity), ("period", &r.period)] {
                if id.contains(['\n', '\r']) {
                    return Err(Error::new(
                        Code::DataInvalidValue,
                        format!("the `{name}` `{}` holds a line break, which a CSV id cell cannot hold; write JSON", id.escape_debug()),
                    )
                    .at_row(i + 1));
                }
            }
            let value = r.value.map(|v| v.to_string()).unwrap_or_default();
            let count = r.count.map(|c| c.to_string()).unwrap_or_default();
            csv_record(
                &mut out,
                [
                    r.indicator.as_str(),
                    &r.entity,
                    &r.period,
                    r.gender.code(),
                    &value,
                    r.missing.as_deref().unwrap_or(""),
                    &count,
                    r.source.as_deref().unwrap_or(""),
                ],
            );
        }
        Ok(out)
    }

    /// The follow-ups as CSV: `assignment,period,status,comment`, read back by
    /// [`Observations::from_csv`].
    pub fn assignments_to_csv(&self) -> String {
        let mut out = String::new();
        csv_record(&mut out, ASSIGNMENT_FIELDS);
        for u in &self.assignments {
            csv_record(&mut out, [u.assignment.as_str(), &u.period, u.status.id(), &u.comment]);
        }
        out
    }

    /// Rows and follow-ups as JSON, `{"observations": [...], "assignments": [...]}` with the
    /// rows as [`Observations::rows`] serialises them; [`Observations::from_json`] reads it back.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Doc<'a> {
            observations: &'a [Observation],
            assignments: &'a [AssignmentUpdate],
        }
        // Every value is finite and every key a string: serialising cannot fail.
        serde_json::to_string(&Doc { observations: &self.rows, assignments: &self.assignments }).unwrap_or_default()
    }

    /// Reads CSV or JSON, chosen by the file name's extension (`.json` or anything else as CSV).
    ///
    /// # Errors
    /// See [`Observations::from_csv`] and [`Observations::from_json`].
    pub fn parse(text: &str, file: &str) -> Result<Observations> {
        if file.to_ascii_lowercase().ends_with(".json") { Self::from_json(text, file) } else { Self::from_csv(text, file) }
    }

    /// Reads a file from disk (CSV, or JSON by extension).
    ///
    /// # Errors
    /// An io error when it cannot be read; otherwise see [`Observations::parse`].
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Observations> {
        let path = path.as_ref();
        let text = crate::files::read_text(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Reads tidy CSV: `indicator,entity,period,gender,value` (Kolada's `kpi`, `municipality`
    /// and `year` accepted), optional `missing` (or `status`), `count`, `source`, `note`: the
    /// vocabulary of [`OBSERVATION_FIELDS`]; or assignment follow-ups:
    /// `assignment,period,status,comment`.
    ///
    /// # Errors
    /// A data error with file, line and row for malformed CSV, unknown, missing or repeated
    /// columns, a quote that is never closed, an unknown gender, a value that is not a finite
    /// number, or a duplicate row.
    pub fn from_csv(text: &str, file: &str) -> Result<Observations> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(Error::new(Code::DataEmpty, "the file is empty (it needs at least a header row)").in_file(file).at(1, 1));
        }
        if let Some((line, column)) = unclosed_quote(text) {
            return Err(Error::new(
                Code::DataMalformedCsv,
                "a quote opened here is never closed, so the rest of the file would be one cell",
            )
            .in_file(file)
            .at(line, column));
        }
        let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::Headers).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(e, file))?.clone();
        let cols: Vec<String> = headers.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        let mut obs = Observations::from_source(Some(file));
        if cols.iter().any(|c| c == "assignment") {
            obs.read_assignment_csv(&mut reader, &cols, file)?;
            return Ok(obs);
        }
        let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
        for (i, c) in cols.iter().enumerate() {
            if observation_field(c).is_none() {
                return Err(Error::new(Code::DataUnknownColumn, format!("unknown column `{c}` (expected {})", expected_fields()))
                    .in_file(file)
                    .at(1, i + 1));
            }
        }
        check_repeated_columns(&cols, file)?;
        let need = |names: &[&str], what: &str| {
            find(names)
                .ok_or_else(|| Error::new(Code::DataMissingColumn, format!("the header has no `{what}` column")).in_file(file).at(1, 1))
        };
        let c_ind = need(&["indicator", "kpi"], "indicator")?;
        let c_ent = need(&["entity", "municipality"], "entity")?;
        let c_per = need(&["period", "year"], "period")?;
        let c_val = need(&["value"], "value")?;
        let c_gen = find(&["gender"]);
        let c_missing = find(&["missing", "status"]);
        let c_count = find(&["count"]);
        let c_src = find(&["source"]);
        for (row, record) in reader.records().enumerate() {
            let row = row + 1;
            let record = record.map_err(|e| csv_error(e, file))?;
            let line = record.position().map_or(row + 1, |p| p.line() as usize);
            let at = |e: Error, col: usize| e.in_file(file).at(line, col + 1).at_row(row);
            let cell = |c: usize| record.get(c).unwrap_or("").trim();
            for (c, name) in [(c_ind, "indicator"), (c_ent, "entity"), (c_per, "period")] {
                if cell(c).contains(['\n', '\r']) {
                    return Err(at(
                        Error::new(
                            Code::DataMalformedCsv,
                            format!("the `{name}` cell holds a line break (is a quote in this row misplaced?)"),
                        ),
                        c,
                    ));
                }
            }
            let gender = match c_gen {
                Some(c) => Gender::parse(cell(c)).ok_or_else(|| at(gender_error(cell(c)), c))?,
                None => Gender::T,
            };
            let (value, mut missing) = parse_value(cell(c_val)).map_err(|e| at(e, c_val))?;
            if let Some(c) = c_missing {
                // A reason given wins over Kolada's marker in the value.
                if value.is_none() && !cell(c).is_empty() {
                    missing = Some(cell(c).to_string());
                }
            }
            let count = match c_count {
                Some(c) if !cell(c).is_empty() => Some(cell(c).parse::<u32>().map_err(|_| at(count_error(cell(c)), c))?),
                _ => None,
            };
            let o = Observation {
                indicator: cell(c_ind).to_string(),
                entity: cell(c_ent).to_string(),
                period: cell(c_per).to_string(),
                gender,
                value,
                missing,
                count,
                source: c_src.map(|c| cell(c).to_string()).filter(|s| !s.is_empty()),
            };
            obs.push_checked(o).map_err(|e| at(e, 0))?;
        }
        obs.check_duplicates()?;
        Ok(obs)
    }

    fn read_assignment_csv(&mut self, reader: &mut csv::Reader<&[u8]>, cols: &[String], file: &str) -> Result<()> {
        let find = |n: &str| cols.iter().position(|c| c == n);
        for (i, c) in cols.iter().enumerate() {
            if !ASSIGNMENT_FIELDS.contains(&c.as_str()) {
                return Err(Error::new(
                    Code::DataUnknownColumn,
                    format!("unknown column `{c}` in assignment follow-ups (expected {})", ASSIGNMENT_FIELDS.join(", ")),
                )
                .in_file(file)
                .at(1, i + 1));
            }
        }
        check_repeated_columns(cols, file)?;
        let (Some(ca), Some(cp), Some(cs)) = (find("assignment"), find("period"), find("status")) else {
            return Err(Error::new(Code::DataMissingColumn, "assignment follow-ups need the columns assignment, period and status")
                .in_file(file)
                .at(1, 1));
        };
        let cc = find("comment");
        for (row, record) in reader.records().enumerate() {
            let row = row + 1;
            let record = record.map_err(|e| csv_error(e, file))?;
            let line = record.position().map_or(row + 1, |p| p.line() as usize);
            let cell = |c: usize| record.get(c).unwrap_or("").trim();
            let status = assignment_status(cell(cs)).map_err(|e| e.in_file(file).at(line, cs + 1).at_row(row))?;
            let mut u = AssignmentUpdate {
                assignment: cell(ca).to_string(),
                period: cell(cp).to_string(),
                status,
                comment: cc.map(|c| cell(c).to_string()).unwrap_or_default(),
            };
            normalize_assignment(&mut u).map_err(|e| e.in_file(file).at(line, 1).at_row(row))?;
            self.assignments.push(u);
        }
        Ok(())
    }

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
        let Strict(v) = serde_json::from_str(text)
            .map_err(|e| Error::new(Code::DataMalformedJson, format!("malformed JSON: {e}")).in_file(file).at(e.line(), e.column()))?;
        Self::from_json_value(&v, file)
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

    fn read_json_rows(&mut self, rows: &[Value], file: Option<&str>) -> Result<()> {
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

    fn read_json_assignments(&mut self, rows: &[Value], file: Option<&str>) -> Result<()> {
        for (i, r) in rows.iter().enumerate() {
            let err = |e: Error| {
                let e = e.at_row(i + 1);
                match file {
                    Some(f) => e.in_file(f),
                    None => e,
                }
            };
            let Value::Object(m) = r else {
                return Err(err(Error::new(Code::DataInvalidType, format!("a follow-up must be an object, got {}", json_type(r)))));
            };
            let mut u = assignment_from_map(m).map_err(err)?;
            normalize_assignment(&mut u).map_err(err)?;
            self.assignments.push(u);
        }
        Ok(())
    }

    fn read_kolada(&mut self, values: &[Value], file: &str) -> Result<()> {
        let mut items = Vec::with_capacity(values.len());
        for (i, item) in values.iter().enumerate() {
            let row = i + 1;
            items.push(self.rows.len());
            let err = |e: Error| e.prefixed(&format!("item {row}: ")).in_file(file).at_row(row);
            let Value::Object(m) = item else { return Err(err(Error::new(Code::DataInvalidType, "a Kolada value must be an object"))) };
            let text = |k: &str| -> Result<String> {
                json_id(m.get(k), k)
                    .map_err(err)?
                    .ok_or_else(|| err(Error::new(Code::DataMissingField, format!("the Kolada value has no `{k}`"))))
            };
            let (kpi, mun, period) = (text("kpi")?, text("municipality")?, text("period")?);
            let item_deleted = deleted(m).map_err(err)?;
            let vals = match m.get("values") {
                Some(Value::Array(vals)) => vals.as_slice(),
                // A withdrawn item may come without its values: one gap with the reason.
                None | Some(Value::Null) if item_deleted => &[][..],
                _ => return Err(err(Error::new(Code::DataMissingField, "the Kolada value has no `values` array"))),
            };
            if vals.is_empty() && item_deleted {
                self.push_checked(Observation {
                    indicator: kpi,
                    entity: mun,
                    period,
                    gender: Gender::T,
                    value: None,
                    missing: Some("deleted".into()),
                    count: None,
                    source: Some("Kolada".into()),
                })
                .map_err(err)?;
                continue;
            }
            for (j, v) in vals.iter().enumerate() {
                let err = |e: Error| e.prefixed(&format!("item {row}, value {}: ", j + 1)).in_file(file).at_row(row);
                let Value::Object(g) = v else {
                    return Err(err(Error::new(Code::DataInvalidType, "each entry of `values` must be an object")));
                };
                let gender = match g.get("gender") {
                    None | Some(Value::Null) => Gender::T,
                    Some(Value::String(s)) => Gender::parse(s).ok_or_else(|| err(gender_error(s)))?,
                    Some(other) => return Err(err(Error::new(Code::DataInvalidType, format!("gender must be a string, got {other}")))),
                };
                let (value, mut missing) = json_value(g.get("value")).map_err(err)?;
                let status = json_text(g.get("status"), "status").map_err(err)?.filter(|s| !s.is_empty());
                if value.is_none() && status.is_some() {
                    missing = status;
                }
                let count = json_count(g.get("count")).map_err(err)?;
                // Kolada marks a withdrawn value per value (or for the whole item): a gap with
                // the reason, for its own gender.
                let (value, missing) =
                    if item_deleted || deleted(g).map_err(err)? { (None, Some("deleted".into())) } else { (value, missing) };
                self.push_checked(Observation {
                    indicator: kpi.clone(),
                    entity: mun.clone(),
                    period: period.clone(),
                    gender,
                    value,
                    missing,
                    count,
                    source: Some("Kolada".into()),
                })
                .map_err(err)?;
            }
        }
        if let Some(last) = self.sources.last_mut() {
            last.items = Some(items.into());
        }
        Ok(())
    }

    /// Observations with no rows yet, whose rows will come from `file` (or be given as rows).
    fn from_source(file: Option<&str>) -> Observations {
        Observations { sources: vec![Source { start: 0, file: file.map(Arc::from), items: None }], ..Observations::default() }
    }

    fn push_checked(&mut self, mut o: Observation) -> Result<()> {
        normalize(&mut o)?;
        if self.rows.len() >= MAX_ROWS {
            return Err(Error::new(Code::DataLimitRows, format!("more than {MAX_ROWS} rows")));
        }
        self.index = OnceLock::new();
        self.rows.push(o);
        Ok(())
    }

    /// Where row `i` came from.
    fn place(&self, i: usize) -> Place<'_> {
        let at = self.sources.partition_point(|s| s.start <= i);
        let Some(source) = at.checked_sub(1).and_then(|k| self.sources.get(k)) else {
            return Place { source: usize::MAX, file: None, row: i + 1, value: None };
        };
        let offset = i - source.start;
        let (row, value) = match &source.items {
            Some(items) => {
                let item = items.partition_point(|&first| first <= offset).max(1);
                (item, Some(offset - items.get(item - 1).copied().unwrap_or(0) + 1))
            }
            None => (offset + 1, None),
        };
        Place { source: at - 1, file: source.file.as_deref(), row, value }
    }

    /// One rule for duplicates, whether the rows came from one file, a folder or several files:
    /// the error is placed at the second copy (its file and row) and names the first.
    fn check_duplicates(&self) -> Result<()> {
        // aHash: SipHash made this check most of the cost of reading a large file.
        let mut seen: ahash::AHashMap<(&str, &str, &str, Gender), usize> = ahash::AHashMap::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(first) = seen.insert((&r.indicator, &r.entity, &r.period, r.gender), i) {
                let (now, then) = (self.place(i), self.place(first));
                let here = match now.value {
                    Some(_) => format!(" at {}", now.describe()),
                    None => String::new(),
                };
                let there = match (then.source == now.source, then.file) {
                    (true, _) => format!("at {}", then.describe()),
                    (false, Some(f)) => format!("in `{f}` {}", then.describe()),
                    (false, None) => format!("at {} of the rows given before", then.describe()),
                };
                let e = Error::new(
                    Code::DataDuplicateRow,
                    format!(
                        "duplicate value for `{}`, entity `{}`, period `{}`, gender {}{here} (first {there})",
                        r.indicator, r.entity, r.period, r.gender
                    ),
                )
                .at_row(now.row);
                return Err(match now.file {
                    Some(f) => e.in_file(f),
                    None => e,
                });
            }
        }
        Ok(())
    }

    /// Adds all rows and follow-ups of `other`, without looking for duplicates (see
    /// [`Observations::merge_checked`] and [`Observations::combine`]).
    pub fn merge(&mut self, other: Observations) {
        let offset = self.rows.len();
        self.sources.extend(other.sources.into_iter().map(|s| Source { start: s.start + offset, ..s }));
        self.rows.extend(other.rows);
        self.assignments.extend(other.assignments);
        self.index = OnceLock::new();
    }

    /// Adds all rows of `other`, refusing a row that repeats one already here.
    ///
    /// # Errors
    /// A data error placed at the repeated row (its file and row, as read) whose message names
    /// the first copy's file and row.
    pub fn merge_checked(&mut self, other: Observations) -> Result<()> {
        self.merge(other);
        self.check_duplicates()
    }

    /// Several sets of observations as one (the files of a data folder, several `--data`
    /// files), refusing a row that two of them hold, with the same rule and error as within
    /// one file.
    ///
    /// ```
    /// use attain_core::Observations;
    /// let a = Observations::from_csv("indicator,entity,period,value\nI,1,2022,3\n", "a.csv")?;
    /// let b = Observations::from_csv("indicator,entity,period,value\nI,1,2023,4\nI,1,2022,5\n", "b.csv")?;
    /// let e = Observations::combine([a, b]).unwrap_err();
    /// assert_eq!((e.file(), e.row()), (Some("b.csv"), Some(2)));
    /// assert!(e.message().ends_with("(first in `a.csv` row 1)"));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// A data error as [`Observations::merge_checked`] gives.
    pub fn combine(parts: impl IntoIterator<Item = Observations>) -> Result<Observations> {
        let mut all = Observations::default();
        for part in parts {
            all.merge(part);
        }
        all.check_duplicates()?;
        Ok(all)
    }

    /// Rows.
    pub fn rows(&self) -> &[Observation] {
        &self.rows
    }

    /// Assignment follow-ups.
    pub fn assignment_updates(&self) -> &[AssignmentUpdate] {
        &self.assignments
    }

    /// Sets one value (adding the row when absent): the what-if edit of a report page.
    pub fn set_value(&mut self, indicator: &str, entity: &str, period: &str, gender: Gender, value: Option<f64>) -> Result<()> {
        check_finite(value)?;
        self.index = OnceLock::new();
        if let Some(r) =
            self.rows.iter_mut().find(|r| r.indicator == indicator && r.entity == entity && r.period == period && r.gender == gender)
        {
            r.value = value;
            r.missing = None;
        } else {
            if self.sources.last().is_none_or(|s| s.file.is_some() || s.items.is_some()) {
                // An edited row is named by its place among the edits, not as a row of the last file.
                self.sources.push(Source { start: self.rows.len(), file: None, items: None });
            }
            self.rows.push(Observation {
                indicator: indicator.into(),
                entity: entity.into(),
                period: period.into(),
                gender,
                value,
                missing: None,
                count: None,
                source: None,
            });
        }
        Ok(())
    }

    pub(crate) fn index(&self) -> Arc<Index> {
        self.index
            .get_or_init(|| {
                let mut idx = Index::default();
                // indicator → period → every (entity, value) present, per gender.
                let mut by_period: AHashMap<&str, AHashMap<&str, [EntityValues<'_>; 3]>> = AHashMap::new();
                for r in &self.rows {
                    let series = idx.series.entry(r.indicator.clone()).or_default().entry(r.entity.clone()).or_default();
                    series[slot(r.gender)].push(Point {
                        period: r.period.clone(),
                        value: r.value,
                        count: r.count,
                        missing: r.missing.clone(),
                    });
                    if let Some(v) = r.value {
                        let at = by_period.entry(&r.indicator).or_default().entry(&r.period).or_default();
                        at[slot(r.gender)].push((&r.entity, v));
                        idx.entity_periods.entry(r.entity.clone()).or_default().push(r.period.clone());
                    } else {
                        // An entity with gaps only is in the data (see `Plan::resolve_query`).
                        idx.entity_periods.entry(r.entity.clone()).or_default();
                    }
                }
                for per_entity in idx.series.values_mut() {
                    for s in per_entity.values_mut().flat_map(|g| g.iter_mut()) {
                        s.sort_by(|a, b| a.period.cmp(&b.period));
                    }
                }
                for p in idx.entity_periods.values_mut() {
                    p.sort();
                    p.dedup();
                }
                for (indicator, periods) in &by_period {
                    let out = idx.ranked.entry((*indicator).to_string()).or_default();
                    for (period, genders) in periods {
                        let sorted = genders.each_ref().map(|all| {
                            let mut v: Vec<f64> = all.iter().filter(|(e, _)| !e.starts_with('G')).map(|(_, v)| *v).collect();
                            v.sort_by(f64::total_cmp);
                            v
                        });
                        out.insert((*period).to_string(), sorted);
                    }
                }
                Arc::new(idx)
            })
            .clone()
    }
}

fn json_value(v: Option<&Value>) -> Result<(Option<f64>, Option<String>)> {
    match v {
        None | Some(Value::Null) => Ok((None, None)),
        Some(Value::Number(n)) => {
            let x = n.as_f64().ok_or_else(|| Error::new(Code::DataNotFinite, format!("value `{n}` is not a finite number")))?;
            check_finite(Some(x)).map(|v| (v, None))
        }
        Some(Value::String(s)) => parse_value(s),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("value must be a number or null, got {other}"))),
    }
}

/// The line and column (the field's number, as every CSV error counts columns) of a quote that
/// opens a CSV field and is never closed: the csv reader would read the rest of the file into
/// that one cell. Quotes as the csv reader sees them: only at the start of a field, and `""`
/// inside a quoted field is a quote.
fn unclosed_quote(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut in_quote, mut field_start, mut field) = (false, true, 1);
    let (mut line, mut opened) = (1, (1, 1));
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if in_quote {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quote = false;
                }
            }
        } else {
            match b {
                b'"' if field_start => {
                    in_quote = true;
                    opened = (line, field);
                }
                b',' => {
                    field += 1;
                    field_start = true;
                    i += 1;
                    continue;
                }
                b'\n' | b'\r' => {
                    field = 1;
                    field_start = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            field_start = false;
        }
        i += 1;
    }
    in_quote.then_some(opened)
}

/// A column named twice (or by two names for the same thing, `indicator` and `kpi`) would
/// silently lose one of them.
fn check_repeated_columns(cols: &[String], file: &str) -> Result<()> {
    fn canonical(c: &str) -> &str {
        observation_field(c).unwrap_or(c)
    }
    for (i, c) in cols.iter().enumerate() {
        if let Some(first) = cols[..i].iter().position(|p| canonical(p) == canonical(c)) {
            let same = if cols[first] == *c { String::new() } else { format!(" (`{}`)", cols[first]) };
            return Err(Error::new(
                Code::DataDuplicateColumn,
                format!("column `{c}` repeats column {}{same}; give each column once", first + 1),
            )
            .in_file(file)
            .at(1, i + 1));
        }
    }
    Ok(())
}

fn count_error(shown: impl std::fmt::Display) -> Error {
    Error::new(Code::DataInvalidCount, format!("count `{shown}` is not a whole number from 0 to {}", u32::MAX))
}

fn gender_error(shown: &str) -> Error {
    Error::new(Code::DataInvalidGender, format!("gender `{shown}` is not T, K or M"))
}

/// The JSON type of a value, for messages.
fn json_type(v: &Value) -> &'static str {
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
fn json_id(v: Option<&Value>, name: &str) -> Result<Option<String>> {
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
fn json_text(v: Option<&Value>, name: &str) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("`{name}` must be a string, got {other}"))),
    }
}

/// Kolada's `count`: a whole number that fits, never wrapped.
fn json_count(v: Option<&Value>) -> Result<Option<u32>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let whole =
                n.as_u64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX)).map(|x| x as u64));
            whole.and_then(|c| u32::try_from(c).ok()).map(Some).ok_or_else(|| count_error(n))
        }
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse::<u32>().map(Some).map_err(|_| count_error(s)),
        Some(other) => Err(Error::new(Code::DataInvalidType, format!("`count` must be a whole number, got {other}"))),
    }
}

/// Kolada's deletion mark (`isdeleted`, or `is_deleted` as 0/1) on an item or a value.
fn deleted(m: &serde_json::Map<String, Value>) -> Result<bool> {
    let mut any = false;
    for key in ["isdeleted", "is_deleted"] {
        any |= match m.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
            Some(other) => return Err(Error::new(Code::DataInvalidType, format!("`{key}` must be true or false, got {other}"))),
        };
    }
    Ok(any)
}

/// Host rows as JSON values, each read by its own deserializer with [`Strict`]'s checks (each
/// key once, finite numbers); errors name the 1-based row.
fn host_values<'de, D: serde::Deserializer<'de>>(rows: impl IntoIterator<Item = D>) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for (i, d) in rows.into_iter().enumerate() {
        let value = Strict::deserialize(d).map_err(|e| {
            let m = e.to_string();
            let codes =
                [Code::DataUnknownField, Code::DataMissingField, Code::DataInvalidType, Code::DataInvalidValue, Code::DataInvalidValue];
            let code = if m.contains("not a finite number") { Code::DataNotFinite } else { crate::error::serde_code(&m, codes) };
            Error::new(code, m).at_row(i + 1)
        })?;
        out.try_reserve(1).map_err(|_| Error::new(Code::DataInvalidValue, "out of memory for the rows").at_row(i + 1))?;
        out.push(value.0);
    }
    Ok(out)
}

/// One cell of a host column as a JSON value; NaN is a gap where `gap_if_nan`.
fn cell_value<'de, D: serde::Deserializer<'de>>(cell: D, gap_if_nan: bool) -> Result<Value> {
    struct Cell(Option<Value>);
    impl<'de> Deserialize<'de> for Cell {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Cell;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a cell")
                }
                fn visit_f64<E: serde::de::Error>(self, x: f64) -> std::result::Result<Cell, E> {
                    Ok(Cell(if x.is_nan() { None } else { Some(StrictVisitor.visit_f64(x)?) }))
                }
                fn visit_i64<E>(self, n: i64) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::from(n))))
                }
                fn visit_u64<E>(self, n: u64) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::from(n))))
                }
                fn visit_bool<E>(self, b: bool) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::Bool(b))))
                }
                fn visit_str<E>(self, s: &str) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::String(s.to_string()))))
                }
                fn visit_string<E>(self, s: String) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::String(s))))
                }
                fn visit_unit<E>(self) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::Null)))
                }
                fn visit_none<E>(self) -> std::result::Result<Cell, E> {
                    Ok(Cell(Some(Value::Null)))
                }
                fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Cell, D::Error> {
                    d.deserialize_any(self)
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> std::result::Result<Cell, A::Error> {
                    StrictVisitor.visit_seq(seq).map(|v| Cell(Some(v)))
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<Cell, A::Error> {
                    StrictVisitor.visit_map(map).map(|v| Cell(Some(v)))
                }
            }
            d.deserialize_any(V)
        }
    }
    let cell = Cell::deserialize(cell).map_err(|e| {
        let m = e.to_string();
        let code = if m.contains("not a finite number") { Code::DataNotFinite } else { Code::DataInvalidValue };
        Error::new(code, m)
    })?;
    match cell.0 {
        Some(v) => Ok(v),
        None if gap_if_nan => Ok(Value::Null),
        None => Err(Error::new(Code::DataNotFinite, "`NaN` is not a finite number")),
    }
}

/// A JSON value whose objects name each key once. serde_json keeps the last of two equal keys,
/// so `{"value": 1, "value": 2}` would lose a value in silence; here it is an error at its line.
struct Strict(Value);

// Only a container for reading; the schema of a row is its written shape (host.rs `api_schema`).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Strict {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HostRow".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object" })
    }
}

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_u64<E>(self, n: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_f64<E: serde::de::Error>(self, x: f64) -> std::result::Result<Value, E> {
        serde_json::Number::from_f64(x).map(Value::Number).ok_or_else(|| E::custom(format!("`{x}` is not a finite number")))
    }
    fn visit_str<E>(self, s: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> std::result::Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice in one object")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

fn csv_error(e: csv::Error, file: &str) -> Error {
    let pos = e.position().cloned();
    let (code, msg) = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            (Code::DataFieldCount, format!("the row has {len} fields but the header has {expected_len}"))
        }
        csv::ErrorKind::Utf8 { .. } => (Code::DataNotUtf8, "the file is not UTF-8 text".to_string()),
        _ => (Code::DataMalformedCsv, format!("malformed CSV: {e}")),
    };
    let err = Error::new(code, msg).in_file(file);
    match pos {
        Some(p) => err.at(p.line() as usize, 1).at_row((p.record() as usize).max(1)),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kolada_markers_are_gaps_with_reasons() {
        let d =
            Observations::from_csv("kpi,municipality,period,gender,value\nX,1,2020,T,..\nX,1,2021,T,-\nX,1,2022,T,3.5\n", "k.csv").unwrap();
        assert_eq!(d.rows()[0].value, None);
        assert_eq!(d.rows()[0].missing.as_deref(), Some("sekretess"));
        assert_eq!(d.rows()[1].missing.as_deref(), Some("bortfall"));
        assert_eq!(d.rows()[2].value, Some(3.5));
    }

    #[test]
    fn nan_and_infinity_are_refused_with_their_row() {
        for bad in ["NaN", "inf", "-infinity"] {
            let e = Observations::from_csv(&format!("indicator,entity,period,gender,value\nX,1,2020,T,1\nX,1,2021,T,{bad}\n"), "d.csv")
                .unwrap_err();
            assert_eq!(e.row(), Some(2), "{bad}");
            assert_eq!(e.line(), Some(3));
            assert_eq!(e.column(), Some(5));
            assert!(e.message().contains("not a finite number") || e.message().contains("not a number"), "{e}");
        }
    }

    #[test]
    fn kolada_v2_and_v3_shapes_read() {
        let v2 = r#"{"count":1,"values":[{"kpi":"N15428","municipality":"0138","period":2023,"values":[{"count":1,"gender":"T","status":"","value":74.1},{"count":1,"gender":"K","status":"","value":77.0}]}]}"#;
        let d = Observations::from_json(v2, "k.json").unwrap();
        assert_eq!(d.rows().len(), 2);
        assert_eq!(d.rows()[1].gender, Gender::K);
        assert_eq!(d.rows()[0].period, "2023");
        let v3 = r#"{"values":[{"kpi":"N1","municipality":"0000","period":"2022","isdeleted":false,"values":[{"gender":"T","value":null,"status":"Missing"}]}]}"#;
        let d = Observations::from_json(v3, "k.json").unwrap();
        assert_eq!(d.rows()[0].missing.as_deref(), Some("Missing"));
    }
}
