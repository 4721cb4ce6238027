//! Host rows and columns (Python dicts and data frames, JS objects), each cell read by its own serde deserializer.

use crate::error::{Code, Error, Result};
use serde::Deserialize;
use serde_json::Value;

use super::Observations;
use super::row::{expected_fields, observation_field};
use super::strict::{Strict, StrictVisitor};

impl Observations {
    /// Observations from host rows, each a map of field → value in the one row vocabulary
    /// ([`OBSERVATION_FIELDS`](crate::OBSERVATION_FIELDS): `indicator` or `kpi`, `entity` or `municipality`, `period` or
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
    /// assert_eq!(data.row(0).unwrap().entity, "2380");
    /// assert_eq!(data.row(1).unwrap().missing.as_deref(), Some("bortfall"));
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
}

/// Host rows as JSON values, each read by its own deserializer with [`Strict`]'s checks (each
/// key once, finite numbers); errors name the 1-based row.
pub(super) fn host_values<'de, D: serde::Deserializer<'de>>(rows: impl IntoIterator<Item = D>) -> Result<Vec<Value>> {
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
