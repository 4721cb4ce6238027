//! Typed columns (Arrow record batches, Parquet row groups), read batch by batch without a value per cell.

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use serde_json::Value;

use super::Observations;
use super::read_json::{json_count, json_id, json_text, json_value};
use super::row::{OBSERVATION_FIELDS, expected_fields, field_index, gender_error, parse_value};
use super::store::RowParts;
use std::borrow::Cow;

/// The cells of one column of one batch, as a columnar host holds them; `None` is a null.
/// Each kind of cell is read as the same value in a host row would be (a text as a string, a
/// whole number as an integer, a float as a number), so that the errors are the rows' errors.
#[derive(Debug, Clone)]
pub enum TypedColumn<'a> {
    /// Texts (Arrow's Utf8, LargeUtf8, Utf8View, dictionary-encoded strings).
    Text(Vec<Option<&'a str>>),
    /// Whole numbers (any integer width).
    Int(Vec<Option<i64>>),
    /// Floating-point numbers (any float width, or a decimal).
    Float(Vec<Option<f64>>),
    /// Booleans (read so that a boolean id is an error naming its row, as in a host row).
    Bool(Vec<Option<bool>>),
}

impl TypedColumn<'_> {
    /// How many cells the column holds.
    pub fn len(&self) -> usize {
        match self {
            TypedColumn::Text(c) => c.len(),
            TypedColumn::Int(c) => c.len(),
            TypedColumn::Float(c) => c.len(),
            TypedColumn::Bool(c) => c.len(),
        }
    }

    /// Whether the column holds no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One cell, borrowed from its column.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Null,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Cell<'_> {
    /// The cell as a JSON value, for the host rows' readers of the fields that are not text;
    /// a float that is not finite is the host rows' error.
    fn json(self) -> Result<Value> {
        Ok(match self {
            Cell::Null => Value::Null,
            Cell::Text(s) => Value::String(s.to_string()),
            Cell::Int(n) => Value::from(n),
            Cell::Float(x) => Value::Number(serde_json::Number::from_f64(x).ok_or_else(|| not_finite(x))?),
            Cell::Bool(b) => Value::Bool(b),
        })
    }
}

/// Reads observations from typed columns, one batch at a time, in the one row vocabulary
/// ([`OBSERVATION_FIELDS`](crate::OBSERVATION_FIELDS)) and with the checks of every reader: the
/// column names are checked as a CSV header's are, each row as a host row is, and an error
/// names the 1-based row counted over all batches (and the file, when one was named).
///
/// ```
/// use attain_core::{ColumnReader, TypedColumn};
/// let mut reader = ColumnReader::new(&["kpi", "municipality", "year", "value"], None)?;
/// reader.push(vec![
///     TypedColumn::Text(vec![Some("N1"), Some("N1")]),
///     TypedColumn::Int(vec![Some(2380), Some(2380)]),
///     TypedColumn::Int(vec![Some(2022), Some(2023)]),
///     TypedColumn::Float(vec![Some(72.5), None]),
/// ])?;
/// let data = reader.finish()?;
/// assert_eq!(data.row(0).unwrap().entity, "2380");
/// assert_eq!(data.row(1).unwrap().value, None);
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ColumnReader {
    obs: Observations,
    /// The field of each column, in column order (its place in `OBSERVATION_FIELDS`), and its name.
    fields: Vec<(usize, String)>,
    file: Option<String>,
    /// Rows read so far.
    rows: usize,
}

impl ColumnReader {
    /// A reader of columns named `names`, in order; `file` names the rows' file in errors and
    /// in duplicates' places.
    ///
    /// # Errors
    /// As a data frame's columns: an unknown or repeated column, or no `indicator`, `entity`,
    /// `period` or `value` column.
    pub fn new(names: &[&str], file: Option<&str>) -> Result<ColumnReader> {
        let in_file = |e: Error| match file {
            Some(f) => e.in_file(f),
            None => e,
        };
        let mut fields: Vec<(usize, String)> = Vec::new();
        for name in names {
            let Some(field) = field_index(name) else {
                return Err(in_file(Error::new(
                    Code::DataUnknownColumn,
                    format!("unknown column `{name}` (expected {})", expected_fields()),
                )));
            };
            if let Some((_, other)) = fields.iter().find(|(f, _)| *f == field) {
                return Err(in_file(Error::new(
                    Code::DataDuplicateColumn,
                    format!("the columns `{other}` and `{name}` are the same field; give one"),
                )));
            }
            fields.push((field, (*name).to_string()));
        }
        for needed in ["indicator", "entity", "period", "value"] {
            if !fields.iter().any(|(f, _)| OBSERVATION_FIELDS[*f].0 == needed) {
                return Err(in_file(Error::new(Code::DataMissingColumn, format!("the header has no `{needed}` column"))));
            }
        }
        Ok(ColumnReader { obs: Observations::from_source(file), fields, file: file.map(str::to_string), rows: 0 })
    }

    /// Reads one batch: a column per name given to [`ColumnReader::new`], in that order, all of
    /// one length.
    ///
    /// # Errors
    /// A data error for a wrong number of columns or columns of different lengths, or, naming
    /// the row, any error of a host row (a missing id, a wrong type, a value that is not finite).
    pub fn push(&mut self, columns: Vec<TypedColumn<'_>>) -> Result<()> {
        let place = |e: Error, file: &Option<String>| match file {
            Some(f) => e.in_file(f.clone()),
            None => e,
        };
        if columns.len() != self.fields.len() {
            let e = Error::new(
                Code::DataInvalidArgument,
                format!("a batch has {} columns, not the {} named", columns.len(), self.fields.len()),
            );
            return Err(place(e, &self.file));
        }
        let n = columns.first().map_or(0, TypedColumn::len);
        if columns.iter().any(|c| c.len() != n) {
            let lengths: Vec<String> = self.fields.iter().zip(&columns).map(|((_, name), c)| format!("`{name}` {}", c.len())).collect();
            let e = Error::new(Code::DataInvalidArgument, format!("the columns have different lengths: {}", lengths.join(", ")));
            return Err(place(e, &self.file));
        }
        // The texts of a whole number's id, written again for each row: no allocation per row.
        let mut ints = [String::new(), String::new(), String::new()];
        let store = self.obs.store_mut();
        for i in 0..n {
            let row = self.rows + i + 1;
            let fields = row_of(&self.fields, &columns, i, &mut ints).map_err(|e| place(e.at_row(row), &self.file))?;
            let parts = super::checked(fields.parts(), store.len()).map_err(|e| place(e.at_row(row), &self.file))?;
            store.push(parts);
        }
        self.rows += n;
        Ok(())
    }

    /// The observations read; a row given twice is an error naming both rows.
    ///
    /// # Errors
    /// `data.duplicate` for a row given twice.
    pub fn finish(self) -> Result<Observations> {
        self.obs.check_duplicates()?;
        Ok(self.obs)
    }
}

/// Row `i` of a batch, as a host row with these fields is read (a null is as absent), its
/// texts borrowed from the columns; a whole number's id is written into `ints`.
fn row_of<'c>(fields: &[(usize, String)], columns: &[TypedColumn<'c>], i: usize, ints: &'c mut [String; 3]) -> Result<Fields<'c>> {
    let mut given: [(&str, Cell<'c>); OBSERVATION_FIELDS.len()] = OBSERVATION_FIELDS.map(|(n, _)| (n, Cell::Null));
    for ((field, name), column) in fields.iter().zip(columns) {
        let cell = match column {
            TypedColumn::Text(c) => c[i].map_or(Cell::Null, Cell::Text),
            TypedColumn::Int(c) => c[i].map_or(Cell::Null, Cell::Int),
            TypedColumn::Float(c) => c[i].map_or(Cell::Null, Cell::Float),
            TypedColumn::Bool(c) => c[i].map_or(Cell::Null, Cell::Bool),
        };
        given[*field] = (name.as_str(), cell);
    }
    let [indicator, entity, period, gender, value, missing, count, source, note] = given;
    let id = |(key, cell): (&str, Cell<'c>), name: &str, buffer: &'c mut String| -> Result<Cow<'c, str>> {
        let id = match cell {
            Cell::Text(s) => Some(Cow::Borrowed(s)),
            Cell::Int(n) => {
                use std::fmt::Write as _;
                buffer.clear();
                // Writing into a String cannot fail.
                let _ = write!(buffer, "{n}");
                Some(Cow::Borrowed(buffer.as_str()))
            }
            other => json_id(Some(&other.json()?), key)?.map(Cow::Owned),
        };
        id.ok_or_else(|| Error::new(Code::DataMissingField, format!("the row has no `{name}`")))
    };
    let text = |(key, cell): (&str, Cell<'c>)| -> Result<Option<&'c str>> {
        match cell {
            Cell::Text(s) => Ok(Some(s)),
            Cell::Null => Ok(None),
            // Not a text: the host rows' error (a text field holds only texts).
            other => json_text(Some(&other.json()?), key).map(|_| None),
        }
    };
    let gender = match gender.1 {
        Cell::Null => Gender::T,
        Cell::Text(s) => Gender::parse(s).ok_or_else(|| gender_error(s))?,
        other => return Err(Error::new(Code::DataInvalidType, format!("gender must be a string, got {}", other.json()?))),
    };
    let (value, marker) = match value.1 {
        Cell::Float(x) if !x.is_finite() => return Err(not_finite(x)),
        Cell::Float(x) => (Some(x), None),
        Cell::Int(n) => (Some(n as f64), None),
        Cell::Text(s) => {
            let (value, marker) = parse_value(s, crate::locale::DecimalMark::Either)?;
            (value, marker.map(Cow::Borrowed))
        }
        other => {
            let (value, marker) = json_value(Some(&other.json()?))?;
            (value, marker.map(Cow::Owned))
        }
    };
    text(note)?;
    let [b0, b1, b2] = ints;
    let (indicator, entity, period) = (id(indicator, "indicator", b0)?, id(entity, "entity", b1)?, id(period, "period", b2)?);
    // A reason given wins over Kolada's marker in the value.
    let missing = text(missing)?.filter(|s| !s.trim().is_empty()).map(Cow::Borrowed).or(marker);
    let count = match count.1 {
        Cell::Null => None,
        Cell::Int(n) => json_count(Some(&Value::from(n)))?,
        other => json_count(Some(&other.json()?))?,
    };
    Ok(Fields { indicator, entity, period, gender, value, missing, count, source: text(source)? })
}

/// One row of a batch as read, its texts borrowed where they can be.
struct Fields<'c> {
    indicator: Cow<'c, str>,
    entity: Cow<'c, str>,
    period: Cow<'c, str>,
    gender: Gender,
    value: Option<f64>,
    missing: Option<Cow<'c, str>>,
    count: Option<u32>,
    source: Option<&'c str>,
}

impl Fields<'_> {
    fn parts(&self) -> RowParts<'_> {
        RowParts {
            indicator: &self.indicator,
            entity: &self.entity,
            period: &self.period,
            gender: self.gender,
            value: self.value,
            missing: self.missing.as_deref(),
            count: self.count,
            source: self.source,
        }
    }
}

fn not_finite(x: f64) -> Error {
    Error::new(Code::DataNotFinite, format!("`{x}` is not a finite number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(names: &[&str], batches: Vec<Vec<TypedColumn<'_>>>) -> Result<Observations> {
        let mut reader = ColumnReader::new(names, None)?;
        for b in batches {
            reader.push(b)?;
        }
        reader.finish()
    }

    fn same_error(columns: Result<Observations>, rows: Result<Observations>) {
        let (a, b) = (columns.expect_err("columns read"), rows.expect_err("rows read"));
        assert_eq!((a.code(), a.message(), a.row()), (b.code(), b.message(), b.row()));
    }

    #[test]
    fn columns_read_as_the_same_rows_do() {
        let names = ["kpi", "municipality", "year", "gender", "value", "status", "count", "source"];
        let obs = read(
            &names,
            vec![
                vec![
                    TypedColumn::Text(vec![Some("N1"), Some(" N1 ")]),
                    TypedColumn::Int(vec![Some(2380), Some(180)]),
                    TypedColumn::Float(vec![Some(2022.0), Some(2023.0)]),
                    TypedColumn::Text(vec![None, Some("K")]),
                    TypedColumn::Float(vec![Some(72.5), None]),
                    TypedColumn::Text(vec![Some("ignored"), Some("sekretess")]),
                    TypedColumn::Int(vec![None, Some(3)]),
                    TypedColumn::Text(vec![Some(""), Some("SCB")]),
                ],
                vec![
                    TypedColumn::Text(vec![Some("N2")]),
                    TypedColumn::Text(vec![Some("2380")]),
                    TypedColumn::Text(vec![Some("2022")]),
                    TypedColumn::Text(vec![Some("T")]),
                    TypedColumn::Text(vec![Some("85,5")]),
                    TypedColumn::Text(vec![None]),
                    TypedColumn::Float(vec![Some(2.0)]),
                    TypedColumn::Text(vec![None]),
                ],
            ],
        )
        .unwrap();
        let rows = Observations::from_values(&[
            json!({"kpi": "N1", "municipality": 2380, "year": 2022.0, "value": 72.5, "status": "ignored", "source": ""}),
            json!({"kpi": " N1 ", "municipality": 180, "year": 2023.0, "gender": "K", "value": null, "status": "sekretess", "count": 3, "source": "SCB"}),
            json!({"kpi": "N2", "municipality": "2380", "year": "2022", "gender": "T", "value": "85,5", "count": 2.0}),
        ])
        .unwrap();
        assert_eq!(obs.rows().collect::<Vec<_>>(), rows.rows().collect::<Vec<_>>());
    }

    #[test]
    fn a_bad_cell_is_the_error_of_the_same_row() {
        let names = ["indicator", "entity", "period", "value"];
        let batch = |entity: TypedColumn<'static>, value: TypedColumn<'static>| {
            vec![TypedColumn::Text(vec![Some("N1"), Some("N1")]), entity, TypedColumn::Text(vec![Some("2022"), Some("2023")]), value]
        };
        let ok_entity = || TypedColumn::Text(vec![Some("1"), Some("1")]);
        let rows = |entity: Value, value: Value| {
            Observations::from_values(&[
                json!({"indicator": "N1", "entity": "1", "period": "2022", "value": 1.0}),
                json!({"indicator": "N1", "entity": entity, "period": "2023", "value": value}),
            ])
        };
        // A null id, a boolean id, a fractional id, a text value, a boolean value.
        same_error(
            read(&names, vec![batch(TypedColumn::Text(vec![Some("1"), None]), TypedColumn::Float(vec![Some(1.0), Some(2.0)]))]),
            rows(Value::Null, json!(2.0)),
        );
        same_error(
            read(&names, vec![batch(TypedColumn::Bool(vec![Some(true), Some(true)]), TypedColumn::Float(vec![Some(1.0), Some(2.0)]))])
                .map_err(|e| e.at_row(2)),
            rows(json!(true), json!(2.0)),
        );
        same_error(
            read(&names, vec![batch(TypedColumn::Float(vec![Some(1.0), Some(1.5)]), TypedColumn::Float(vec![Some(1.0), Some(2.0)]))]),
            rows(json!(1.5), json!(2.0)),
        );
        same_error(
            read(&names, vec![batch(ok_entity(), TypedColumn::Text(vec![Some("1"), Some("many")]))]),
            rows(json!("1"), json!("many")),
        );
        same_error(read(&names, vec![batch(ok_entity(), TypedColumn::Bool(vec![Some(true), Some(true)]))]), {
            Observations::from_values(&[json!({"indicator": "N1", "entity": "1", "period": "2022", "value": true})])
        });
        // NaN is an error, as in a host row (a null is the gap).
        let e = read(&names, vec![batch(ok_entity(), TypedColumn::Float(vec![Some(1.0), Some(f64::NAN)]))]).unwrap_err();
        assert_eq!((e.code(), e.message(), e.row()), (Code::DataNotFinite, "`NaN` is not a finite number", Some(2)));
    }

    #[test]
    fn rows_are_counted_over_batches_and_the_file_named() {
        let names = ["indicator", "entity", "period", "value"];
        let batch = |period: &'static str| {
            vec![
                TypedColumn::Text(vec![Some("N1")]),
                TypedColumn::Text(vec![Some("1")]),
                TypedColumn::Text(vec![Some(period)]),
                TypedColumn::Float(vec![Some(1.0)]),
            ]
        };
        let mut reader = ColumnReader::new(&names, Some("d.parquet")).unwrap();
        reader.push(batch("2022")).unwrap();
        reader.push(batch("2023")).unwrap();
        let e = reader.push(batch(" ")).unwrap_err();
        assert_eq!((e.code(), e.row(), e.file()), (Code::DataEmptyId, Some(3), Some("d.parquet")));
        let mut reader = ColumnReader::new(&names, Some("d.parquet")).unwrap();
        reader.push(batch("2022")).unwrap();
        reader.push(batch("2022")).unwrap();
        let e = reader.finish().unwrap_err();
        assert_eq!((e.code(), e.row(), e.file()), (Code::DataDuplicateRow, Some(2), Some("d.parquet")));
    }

    #[test]
    fn columns_are_named_as_a_header_is() {
        let code = |names: &[&str]| ColumnReader::new(names, None).unwrap_err().code();
        assert_eq!(code(&["indicator", "entity", "period", "value", "colour"]), Code::DataUnknownColumn);
        assert_eq!(code(&["indicator", "kpi", "entity", "period", "value"]), Code::DataDuplicateColumn);
        assert_eq!(code(&["indicator", "entity", "value"]), Code::DataMissingColumn);
        let mut reader = ColumnReader::new(&["indicator", "entity", "period", "value"], None).unwrap();
        let short =
            vec![TypedColumn::Text(vec![Some("N1")]), TypedColumn::Text(vec![]), TypedColumn::Text(vec![]), TypedColumn::Int(vec![])];
        assert_eq!(reader.push(short).unwrap_err().code(), Code::DataInvalidArgument);
    }
}
