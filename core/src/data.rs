//! Observations: one tidy row per value, read from CSV, Kolada API JSON or JSON rows.

use crate::error::{Error, Result};
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

/// One value of one indicator for one entity, period and gender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Every period with a value for an entity, sorted.
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
    index: OnceLock<Arc<Index>>,
}

/// Parses a value cell: a number, empty, or one of Kolada's missing markers.
fn parse_value(cell: &str) -> Result<(Option<f64>, Option<String>), String> {
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
        Ok(_) => Err(format!("value `{t}` is not a finite number")),
        Err(_) => Err(format!("value `{t}` is not a number (nor empty, `-`, `..` or `.`)")),
    }
}

fn check_finite(v: Option<f64>) -> Result<Option<f64>, String> {
    match v {
        Some(x) if !x.is_finite() => Err(format!("value `{x}` is not a finite number")),
        other => Ok(other),
    }
}

impl Observations {
    /// Observations from rows already in memory (bindings pass host rows here).
    ///
    /// # Errors
    /// A data error naming the row (1-based) of a non-finite value, an empty id or a duplicate.
    pub fn from_rows(rows: Vec<Observation>) -> Result<Observations> {
        let mut obs = Observations::default();
        for (i, r) in rows.into_iter().enumerate() {
            obs.push_checked(r).map_err(|m| Error::data(m).at_row(i + 1))?;
        }
        obs.check_duplicates(None)?;
        Ok(obs)
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
    /// and `year` accepted), optional `status`, `count`, `source`; or assignment follow-ups:
    /// `assignment,period,status,comment`.
    ///
    /// # Errors
    /// A data error with file, line and row for malformed CSV, unknown or missing columns, an
    /// unknown gender, a value that is not a finite number, or a duplicate row.
    pub fn from_csv(text: &str, file: &str) -> Result<Observations> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(Error::data("the file is empty (it needs at least a header row)").in_file(file).at(1, 1));
        }
        let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::Headers).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(e, file))?.clone();
        let cols: Vec<String> = headers.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        let mut obs = Observations::default();
        if cols.iter().any(|c| c == "assignment") {
            obs.read_assignment_csv(&mut reader, &cols, file)?;
            return Ok(obs);
        }
        let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
        for (i, c) in cols.iter().enumerate() {
            const KNOWN: &[&str] =
                &["indicator", "kpi", "entity", "municipality", "period", "year", "gender", "value", "status", "count", "source", "note"];
            if !KNOWN.contains(&c.as_str()) {
                return Err(Error::data(format!(
                    "unknown column `{c}` (expected indicator, entity, period, gender, value; optional status, count, source, note)"
                ))
                .in_file(file)
                .at(1, i + 1));
            }
        }
        let need = |names: &[&str], what: &str| {
            find(names).ok_or_else(|| Error::data(format!("the header has no `{what}` column")).in_file(file).at(1, 1))
        };
        let c_ind = need(&["indicator", "kpi"], "indicator")?;
        let c_ent = need(&["entity", "municipality"], "entity")?;
        let c_per = need(&["period", "year"], "period")?;
        let c_val = need(&["value"], "value")?;
        let c_gen = find(&["gender"]);
        let c_status = find(&["status"]);
        let c_count = find(&["count"]);
        let c_src = find(&["source"]);
        for (row, record) in reader.records().enumerate() {
            let row = row + 1;
            let record = record.map_err(|e| csv_error(e, file))?;
            let line = record.position().map_or(row + 1, |p| p.line() as usize);
            let at = |m: String, col: usize| Error::data(m).in_file(file).at(line, col + 1).at_row(row);
            let cell = |c: usize| record.get(c).unwrap_or("").trim();
            let gender = match c_gen {
                Some(c) => Gender::parse(cell(c)).ok_or_else(|| at(format!("gender `{}` is not T, K or M", cell(c)), c))?,
                None => Gender::T,
            };
            let (value, mut missing) = parse_value(cell(c_val)).map_err(|m| at(m, c_val))?;
            if let Some(c) = c_status {
                if value.is_none() && !cell(c).is_empty() {
                    missing = Some(cell(c).to_string());
                }
            }
            let count = match c_count {
                Some(c) if !cell(c).is_empty() => {
                    Some(cell(c).parse::<u32>().map_err(|_| at(format!("count `{}` is not a whole number", cell(c)), c))?)
                }
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
            obs.push_checked(o).map_err(|m| at(m, 0))?;
        }
        obs.check_duplicates(Some(file))?;
        Ok(obs)
    }

    fn read_assignment_csv(&mut self, reader: &mut csv::Reader<&[u8]>, cols: &[String], file: &str) -> Result<()> {
        let find = |n: &str| cols.iter().position(|c| c == n);
        for (i, c) in cols.iter().enumerate() {
            if !["assignment", "period", "status", "comment"].contains(&c.as_str()) {
                return Err(Error::data(format!(
                    "unknown column `{c}` in assignment follow-ups (expected assignment, period, status, comment)"
                ))
                .in_file(file)
                .at(1, i + 1));
            }
        }
        let (Some(ca), Some(cp), Some(cs)) = (find("assignment"), find("period"), find("status")) else {
            return Err(Error::data("assignment follow-ups need the columns assignment, period and status").in_file(file).at(1, 1));
        };
        let cc = find("comment");
        for (row, record) in reader.records().enumerate() {
            let row = row + 1;
            let record = record.map_err(|e| csv_error(e, file))?;
            let line = record.position().map_or(row + 1, |p| p.line() as usize);
            let cell = |c: usize| record.get(c).unwrap_or("").trim();
            let status = AssignmentStatus::parse(cell(cs)).ok_or_else(|| {
                Error::data(format!("status `{}` is not one of done, on_track, at_risk, not_done, not_started", cell(cs)))
                    .in_file(file)
                    .at(line, cs + 1)
                    .at_row(row)
            })?;
            if cell(ca).is_empty() || cell(cp).is_empty() {
                return Err(Error::data("assignment and period must not be empty").in_file(file).at(line, 1).at_row(row));
            }
            self.assignments.push(AssignmentUpdate {
                assignment: cell(ca).to_string(),
                period: cell(cp).to_string(),
                status,
                comment: cc.map(|c| cell(c).to_string()).unwrap_or_default(),
            });
        }
        Ok(())
    }

    /// Reads JSON: Kolada API responses (v2 and v3: `{"values": [{"kpi", "municipality",
    /// "period", "values": [{"gender", "count", "status", "value"}]}]}`), an array of tidy rows,
    /// or `{"observations": [...], "assignments": [...]}`.
    ///
    /// # Errors
    /// A data error with file and line/column for malformed JSON, or file and row for a bad row.
    pub fn from_json(text: &str, file: &str) -> Result<Observations> {
        if text.trim().is_empty() {
            return Err(Error::data("the file is empty").in_file(file).at(1, 1));
        }
        let v: Value =
            serde_json::from_str(text).map_err(|e| Error::data(format!("malformed JSON: {e}")).in_file(file).at(e.line(), e.column()))?;
        Self::from_json_value(&v, file)
    }

    /// As [`Observations::from_json`], from a parsed value.
    ///
    /// # Errors
    /// See [`Observations::from_json`].
    pub fn from_json_value(v: &Value, file: &str) -> Result<Observations> {
        let mut obs = Observations::default();
        match v {
            Value::Array(rows) => obs.read_json_rows(rows, file)?,
            Value::Object(map) if map.contains_key("values") => {
                let Some(Value::Array(values)) = map.get("values") else {
                    return Err(Error::data("`values` must be an array").in_file(file));
                };
                obs.read_kolada(values, file)?;
            }
            Value::Object(map) if map.contains_key("observations") || map.contains_key("assignments") => {
                for key in map.keys() {
                    if key != "observations" && key != "assignments" {
                        return Err(Error::data(format!("unknown key `{key}` (expected observations, assignments)")).in_file(file));
                    }
                }
                if let Some(Value::Array(rows)) = map.get("observations") {
                    obs.read_json_rows(rows, file)?;
                }
                if let Some(Value::Array(rows)) = map.get("assignments") {
                    for (i, r) in rows.iter().enumerate() {
                        let u: AssignmentUpdate = serde_json::from_value(r.clone())
                            .map_err(|e| Error::data(format!("bad assignment follow-up: {e}")).in_file(file).at_row(i + 1))?;
                        obs.assignments.push(u);
                    }
                }
            }
            _ => {
                return Err(Error::data(
                    "expected a Kolada response (`{\"values\": [...]}`), an array of rows, or `{\"observations\": [...]}`",
                )
                .in_file(file));
            }
        }
        obs.check_duplicates(Some(file))?;
        Ok(obs)
    }

    fn read_json_rows(&mut self, rows: &[Value], file: &str) -> Result<()> {
        for (i, r) in rows.iter().enumerate() {
            let row = i + 1;
            let err = |m: String| Error::data(m).in_file(file).at_row(row);
            let Value::Object(m) = r else { return Err(err("a row must be an object".into())) };
            for k in m.keys() {
                if !["indicator", "kpi", "entity", "municipality", "period", "year", "gender", "value", "status", "count", "source", "note"]
                    .contains(&k.as_str())
                {
                    return Err(err(format!("unknown field `{k}`")));
                }
            }
            let text = |names: &[&str], what: &str| -> Result<String> {
                for n in names {
                    match m.get(*n) {
                        Some(Value::String(s)) => return Ok(s.clone()),
                        Some(Value::Number(x)) => return Ok(x.to_string()),
                        Some(Value::Null) | None => {}
                        Some(other) => return Err(err(format!("`{n}` must be a string, got {other}"))),
                    }
                }
                Err(err(format!("the row has no `{what}`")))
            };
            let gender = match m.get("gender") {
                None | Some(Value::Null) => Gender::T,
                Some(Value::String(s)) => Gender::parse(s).ok_or_else(|| err(format!("gender `{s}` is not T, K or M")))?,
                Some(other) => return Err(err(format!("gender must be a string, got {other}"))),
            };
            let (value, missing) = json_value(m.get("value")).map_err(err)?;
            let o = Observation {
                indicator: text(&["indicator", "kpi"], "indicator")?,
                entity: text(&["entity", "municipality"], "entity")?,
                period: text(&["period", "year"], "period")?,
                gender,
                value,
                missing: missing.or_else(|| m.get("status").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)),
                count: m.get("count").and_then(Value::as_u64).map(|c| c as u32),
                source: m.get("source").and_then(Value::as_str).map(str::to_string),
            };
            self.push_checked(o).map_err(err)?;
        }
        Ok(())
    }

    fn read_kolada(&mut self, values: &[Value], file: &str) -> Result<()> {
        for (i, item) in values.iter().enumerate() {
            let row = i + 1;
            let err = |m: String| Error::data(m).in_file(file).at_row(row);
            let Value::Object(m) = item else { return Err(err("a Kolada value must be an object".into())) };
            let text = |k: &str| -> Result<String> {
                match m.get(k) {
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(Value::Number(n)) => Ok(n.to_string()),
                    _ => Err(err(format!("the Kolada value has no `{k}`"))),
                }
            };
            let (kpi, mun, period) = (text("kpi")?, text("municipality")?, text("period")?);
            if m.get("isdeleted").and_then(Value::as_bool) == Some(true) || m.get("is_deleted").and_then(Value::as_u64) == Some(1) {
                // Kolada marks withdrawn values; they are kept as gaps with the reason.
                self.push_checked(Observation {
                    indicator: kpi,
                    entity: mun,
                    period,
                    gender: Gender::T,
                    value: None,
                    missing: Some("deleted".into()),
                    count: None,
                    source: None,
                })
                .map_err(err)?;
                continue;
            }
            let Some(Value::Array(vals)) = m.get("values") else { return Err(err("the Kolada value has no `values` array".into())) };
            for v in vals {
                let Value::Object(g) = v else { return Err(err("each entry of `values` must be an object".into())) };
                let gender = match g.get("gender").and_then(Value::as_str) {
                    Some(s) => Gender::parse(s).ok_or_else(|| err(format!("gender `{s}` is not T, K or M")))?,
                    None => Gender::T,
                };
                let (value, mut missing) = json_value(g.get("value")).map_err(err)?;
                if value.is_none() {
                    if let Some(s) = g.get("status").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                        missing = Some(s.to_string());
                    }
                }
                let count = g.get("count").and_then(Value::as_u64).map(|c| c as u32);
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
        Ok(())
    }

    fn push_checked(&mut self, o: Observation) -> Result<(), String> {
        if o.indicator.is_empty() || o.entity.is_empty() || o.period.is_empty() {
            return Err("indicator, entity and period must not be empty".into());
        }
        check_finite(o.value)?;
        if self.rows.len() >= MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows"));
        }
        self.index = OnceLock::new();
        self.rows.push(o);
        Ok(())
    }

    fn check_duplicates(&self, file: Option<&str>) -> Result<()> {
        // aHash: SipHash made this check most of the cost of reading a large file.
        let mut seen: ahash::AHashMap<(&str, &str, &str, Gender), usize> = ahash::AHashMap::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(first) = seen.insert((&r.indicator, &r.entity, &r.period, r.gender), i) {
                let e = Error::data(format!(
                    "duplicate value for `{}`, entity `{}`, period `{}`, gender {} (first at row {})",
                    r.indicator,
                    r.entity,
                    r.period,
                    r.gender,
                    first + 1
                ))
                .at_row(i + 1);
                return Err(match file {
                    Some(f) => e.in_file(f),
                    None => e,
                });
            }
        }
        Ok(())
    }

    /// Adds all rows and follow-ups of `other`.
    pub fn merge(&mut self, other: Observations) {
        self.rows.extend(other.rows);
        self.assignments.extend(other.assignments);
        self.index = OnceLock::new();
    }

    /// Adds all rows of `other`, refusing a row that repeats one already here.
    ///
    /// # Errors
    /// A data error naming the duplicate.
    pub fn merge_checked(&mut self, other: Observations) -> Result<()> {
        self.merge(other);
        self.check_duplicates(None)
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
        check_finite(value).map_err(Error::data)?;
        self.index = OnceLock::new();
        if let Some(r) =
            self.rows.iter_mut().find(|r| r.indicator == indicator && r.entity == entity && r.period == period && r.gender == gender)
        {
            r.value = value;
            r.missing = None;
        } else {
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

fn json_value(v: Option<&Value>) -> Result<(Option<f64>, Option<String>), String> {
    match v {
        None | Some(Value::Null) => Ok((None, None)),
        Some(Value::Number(n)) => {
            let x = n.as_f64().ok_or_else(|| format!("value `{n}` is not a finite number"))?;
            check_finite(Some(x)).map(|v| (v, None))
        }
        Some(Value::String(s)) => parse_value(s),
        Some(other) => Err(format!("value must be a number or null, got {other}")),
    }
}

fn csv_error(e: csv::Error, file: &str) -> Error {
    let pos = e.position().cloned();
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("the row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => format!("malformed CSV: {e}"),
    };
    let err = Error::data(msg).in_file(file);
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
