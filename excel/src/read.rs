//! Reading a workbook: every sheet with cells, each read by core as a table, errors at file, sheet, row and column.

use attain_core::{Code, Error, Observations, Plan, Result, TableCell};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use std::path::Path;

/// Whether a data file is a workbook, by its extension (`.xlsx`, any case).
pub fn is_workbook(path: impl AsRef<Path>) -> bool {
    path.as_ref().extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads a data file: a workbook or a Parquet file by its extension (see [`read_xlsx`],
/// [`crate::read_parquet`]), anything else as
/// [`Observations::load`] reads it (CSV, `;` CSV, JSON). What every host that has files calls
/// (the CLI's `--data`, Python's `Observations.load`).
///
/// # Errors
/// An io error when the file cannot be read or is larger than [`attain_core::MAX_FILE_BYTES`];
/// otherwise those of [`read_xlsx`] or [`Observations::load`].
pub fn load(path: impl AsRef<Path>) -> Result<Observations> {
    load_with(path, None)
}

/// As [`load`], with the separator of a CSV file named (`,` or `;`; `None`: found from its
/// header). The separator is a CSV's only: a workbook or a `.json` file is read as [`load`]
/// reads it.
///
/// # Errors
/// As [`load`]; a separator other than `,` or `;` (see [`Observations::from_csv_with`]).
pub fn load_with(path: impl AsRef<Path>, delimiter: Option<char>) -> Result<Observations> {
    let path = path.as_ref();
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if crate::is_parquet(path) {
        return crate::read_parquet(path, &path.display().to_string());
    }
    if !is_workbook(path) {
        return match delimiter {
            Some(d) if !json => Observations::from_csv_with(&attain_core::read_text(path)?, &path.display().to_string(), Some(d)),
            _ => Observations::load(path),
        };
    }
    read_workbook(path, &path.display().to_string())
}

/// The workbook at `path`, named `name` in its errors and rows' sources.
fn read_workbook(path: &Path, name: &str) -> Result<Observations> {
    let io = |e: std::io::Error| {
        let code = if e.kind() == std::io::ErrorKind::NotFound { Code::IoNotFound } else { Code::IoRead };
        Error::new(code, format!("cannot read `{name}`: {e}")).in_file(name)
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > attain_core::MAX_FILE_BYTES {
        return Err(
            Error::new(Code::IoLimit, format!("`{name}` is {size} bytes, over the limit of {}", attain_core::MAX_FILE_BYTES)).in_file(name)
        );
    }
    read_xlsx(std::fs::read(path).map_err(io)?, name)
}

/// Observations from the bytes of an .xlsx workbook: every sheet that holds cells is a table
/// whose first row is a header in the vocabulary of CSV (`kpi`/`indicator`,
/// `municipality`/`entity`, `year`/`period`, `gender`, `value`, `missing`/`status`, …). A
/// numeric cell is its number, a text cell is read as a CSV cell (`85,5` and `85.5` alike),
/// an empty cell is a gap; a date, a true/false or an error cell (`#N/A`) is an error at its
/// place. Rows in two sheets are duplicates as rows in two files are.
///
/// # Errors
/// `data.malformed_workbook` when the bytes are not a workbook; otherwise those of
/// [`Observations::from_table`], the file named `file` and the message opening with the sheet.
pub fn read_xlsx(bytes: Vec<u8>, file: &str) -> Result<Observations> {
    let bad = |e: calamine::XlsxError| {
        Error::new(Code::DataMalformedWorkbook, format!("the file cannot be read as an .xlsx workbook: {e}")).in_file(file)
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(bad)?;
        let Some((top, left)) = range.start() else { continue };
        let rows = range.rows().enumerate().map(|(i, cells)| {
            let mut row: Vec<TableCell> = vec![Ok(String::new()); left as usize];
            row.extend(cells.iter().map(cell));
            (top as usize + i + 1, row)
        });
        sheets.push(Observations::from_table(file, &name, rows)?);
    }
    if sheets.is_empty() {
        return Err(Error::new(Code::DataEmpty, "the workbook has no sheet with cells (it needs at least a header row)").in_file(file));
    }
    Observations::combine(sheets)
}

/// A cell as text for core's table reader: numbers as Rust writes them (exact), or why the
/// cell cannot be read.
fn cell(data: &Data) -> TableCell {
    match data {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(f) => Ok(f.to_string()),
        Data::Bool(b) => Err(format!("the true/false value {}", if *b { "TRUE" } else { "FALSE" })),
        Data::DateTime(_) | Data::DateTimeIso(_) => Err("a date (a period is text such as 2023 or 2023-Q1)".to_string()),
        Data::DurationIso(_) => Err("a duration".to_string()),
        Data::Error(e) => Err(format!("the error value {e}")),
    }
}

/// A plan folder as core loads it ([`Plan::load`]), its data (`data/`) with every workbook
/// (`.xlsx`) core's walk listed there ([`attain_core::PlanFiles::workbooks`]: the walk's rules,
/// hidden entries skipped, links inside the plan only), as one set ([`Plan::data_with`]): a row
/// two files hold is a duplicate naming both. A folder without workbooks is core's plan as it
/// is (its data read on first use); with workbooks, the data is read here, so a bad row is an
/// error of the load. What every host that has files calls for a plan folder (the CLI, Python's
/// `Plan.load`).
///
/// # Errors
/// As [`Plan::load`]; with workbooks, as [`Plan::data_with`] and [`read_xlsx`], each error of a
/// workbook naming it by its path in the plan (`data/values.xlsx`).
pub fn load_plan(folder: impl AsRef<Path>) -> Result<Plan> {
    let folder = folder.as_ref();
    let plan = Plan::load(folder)?;
    if plan.files().workbooks().is_empty() {
        return Ok(plan);
    }
    let data = read_data(&plan, folder)?;
    Ok(plan.with_data(data))
}

/// The folder's CSV and JSON as core reads them, with its workbooks read here.
fn read_data(plan: &Plan, folder: &Path) -> Result<Observations> {
    let mut books = Vec::new();
    for key in plan.files().workbooks() {
        let path = folder.join(key);
        books.push(if crate::is_parquet(&path) { crate::read_parquet(&path, key)? } else { read_workbook(&path, key)? });
    }
    plan.data_with(books)
}
