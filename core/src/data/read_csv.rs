//! The CSV reader: tidy observation rows or assignment follow-ups, `,` or `;` (Excel in Sweden), every error at its line and column.

use crate::error::{Code, Error, Result};
use crate::locale::DecimalMark;

use super::Observations;
use super::assignments::{ASSIGNMENT_FIELDS, AssignmentUpdate, assignment_status, normalize_assignment};
use super::header::{Columns, check_repeated_columns};
use super::store::Store;

impl Observations {
    /// Reads tidy CSV: `indicator,entity,period,gender,value` (Kolada's `kpi`, `municipality`
    /// and `year` accepted), optional `missing` (or `status`), `count`, `source`, `note`: the
    /// vocabulary of [`OBSERVATION_FIELDS`](crate::OBSERVATION_FIELDS); or assignment follow-ups:
    /// `assignment,period,status,comment`.
    ///
    /// # Errors
    /// A data error with file, line and row for malformed CSV, unknown, missing or repeated
    /// columns, a quote that is never closed, an unknown gender, a value that is not a finite
    /// number, or a duplicate row.
    ///
    /// The separator is found from the header line: `;` when the header has a `;` and no `,`
    /// outside quotes (Excel's CSV in Sweden), else `,`. In a `;` file values use decimal commas
    /// (`85,5`); see [`Observations::from_csv_with`] to name the separator.
    pub fn from_csv(text: &str, file: &str) -> Result<Observations> {
        Observations::from_csv_with(text, file, None)
    }

    /// As [`Observations::from_csv`] with the separator named (`,` or `;`), or found from the
    /// header when `None`. A `;` file writes decimals with a comma (`85,5`) and a point there is
    /// an error; a `,` file takes either mark in a quoted cell (`"85,5"`). A thousands separator
    /// is an error in both.
    ///
    /// ```
    /// let data = attain_core::Observations::from_csv("\u{feff}kpi;municipality;year;value\nN1;2380;2022;85,5\n", "excel.csv")?;
    /// assert_eq!(data.row(0).unwrap().value, Some(85.5));
    /// let e = attain_core::Observations::from_csv("kpi;municipality;year;value\nN1;2380;2022;1.234,5\n", "excel.csv").unwrap_err();
    /// assert_eq!((e.line(), e.column()), (Some(2), Some(4)));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Observations::from_csv`]; a separator other than `,` or `;`.
    pub fn from_csv_with(text: &str, file: &str, delimiter: Option<char>) -> Result<Observations> {
        Observations::read_csv(text, file, delimiter, super::read_csv_halves::MIN_PARALLEL)
    }

    /// As [`Observations::from_csv_with`]; a text of `min_parallel` bytes or more with no quote
    /// is read in two halves on two threads (when there are two).
    pub(super) fn read_csv(text: &str, file: &str, delimiter: Option<char>, min_parallel: usize) -> Result<Observations> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let delimiter = match delimiter {
            None => detect_delimiter(text),
            Some(',') => b',',
            Some(';') => b';',
            Some(other) => {
                return Err(Error::new(Code::DataInvalidArgument, format!("the CSV separator `{other}` is not `,` or `;`")).in_file(file));
            }
        };
        check_whole_text(text, file, delimiter)?;
        let mut reader =
            csv::ReaderBuilder::new().flexible(false).delimiter(delimiter).trim(csv::Trim::Headers).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(e, file))?.clone();
        let header: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
        let mut obs = Observations::from_source(Some(file));
        if header.iter().any(|c| c.eq_ignore_ascii_case("assignment")) {
            let cols: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
            obs.read_assignment_csv(&mut reader, &cols, file)?;
            return Ok(obs);
        }
        let mark = if delimiter == b';' { DecimalMark::Comma } else { DecimalMark::Either };
        let columns = obs.read_header(&header, file, mark)?;
        // Both cores read a half each when they can; any error there, and the whole is read
        // again in order below, so every error is the sequential reading's (the first in file order).
        if let Some(store) = super::read_csv_halves::read(text, delimiter, &columns, header.len(), min_parallel) {
            *obs.store_mut() = store;
        } else {
            read_records(&mut reader, &columns, file, obs.store_mut())?;
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
        let keys: Vec<&str> = cols.iter().map(String::as_str).collect();
        check_repeated_columns(cols, &keys, file)?;
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
}

/// Reads every record left in `reader` into `store`, each error at its file, line, column and row.
fn read_records(reader: &mut csv::Reader<&[u8]>, columns: &Columns, file: &str, store: &mut Store) -> Result<()> {
    // One record read into again and again: no allocation per row.
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    while reader.read_record(&mut record).map_err(|e| csv_error(e, file))? {
        row += 1;
        let line = record.position().map_or(row + 1, |p| p.line() as usize);
        let at = |e: Error, col: usize| e.in_file(file).at(line, col + 1).at_row(row);
        columns.read(&record, at, |o, col| {
            let o = super::checked(o, store.len()).map_err(|e| at(e, col))?;
            store.push(o);
            Ok(())
        })?;
    }
    Ok(())
}

/// The line and column (the field's number, as every CSV error counts columns) of a quote that
/// opens a CSV field and is never closed: the csv reader would read the rest of the file into
/// that one cell. Quotes as the csv reader sees them: only at the start of a field, and `""`
/// inside a quoted field is a quote.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // Most files quote nothing: one fast search for a quote, and no byte-by-byte walk.
    if !bytes.contains(&b'"') {
        return None;
    }
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
                b if b == delimiter => {
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

/// The text as a whole, before the csv reader sees it: not empty, and no quote left open (the
/// reader would take the rest of the file for one cell).
fn check_whole_text(text: &str, file: &str, delimiter: u8) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::new(Code::DataEmpty, "the file is empty (it needs at least a header row)").in_file(file).at(1, 1));
    }
    if let Some((line, column)) = unclosed_quote(text, delimiter) {
        return Err(Error::new(Code::DataMalformedCsv, "a quote opened here is never closed, so the rest of the file would be one cell")
            .in_file(file)
            .at(line, column));
    }
    Ok(())
}

/// `;` when the header line has a `;` and no `,` outside quotes (Excel's CSV where the decimal
/// mark is a comma), else `,`.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let (mut quoted, mut comma, mut semicolon) = (false, false, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma = true,
            ';' if !quoted => semicolon = true,
            _ => {}
        }
    }
    if semicolon && !comma { b';' } else { b',' }
}
