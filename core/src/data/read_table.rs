//! Tables of cells (a spreadsheet's sheet), read as CSV rows are: one vocabulary, the same checks, errors at sheet, row and column.

use crate::error::{Code, Error, Result};
use crate::locale::DecimalMark;

use super::Observations;

/// One cell of a table as its reader found it: its text (a number as Rust writes it, `85.5`),
/// or why it cannot be read (a date, an error cell such as `#N/A`).
pub type TableCell = std::result::Result<String, String>;

impl Observations {
    /// Observations from a table of cells, the first row its header, in the vocabulary of a CSV
    /// header ([`OBSERVATION_FIELDS`](crate::OBSERVATION_FIELDS)): what a spreadsheet reader
    /// passes for a sheet. Each row comes with its number as the sheet numbers it (1-based);
    /// a row of empty cells is skipped; a value cell is read as a CSV cell (a number, `85,5`,
    /// empty or a Kolada marker). Errors are those of CSV, in `file` with the message opening
    /// `sheet `NAME`: `, at the sheet's row as the line, the cell's column and the data row.
    ///
    /// ```
    /// let header = ["kpi", "municipality", "year", "value"].map(|c| Ok(c.to_string())).to_vec();
    /// let row = ["N1", "2380", "2022", "85,5"].map(|c| Ok(c.to_string())).to_vec();
    /// let data = attain_core::Observations::from_table("book.xlsx", "Data", [(1, header.clone()), (2, row)])?;
    /// assert_eq!(data.row(0).unwrap().value, Some(85.5));
    /// let date = vec![Ok("N1".into()), Ok("2380".into()), Err("a date".into()), Ok("1".into())];
    /// let e = attain_core::Observations::from_table("book.xlsx", "Data", [(1, header), (4, date)]).unwrap_err();
    /// assert_eq!((e.file(), e.line(), e.column(), e.row()), (Some("book.xlsx"), Some(4), Some(3), Some(1)));
    /// assert!(e.message().starts_with("sheet `Data`: "));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Observations::from_csv`], and a cell that cannot be read (`data.invalid_type`).
    pub fn from_table(file: &str, sheet: &str, rows: impl IntoIterator<Item = (usize, Vec<TableCell>)>) -> Result<Observations> {
        let prefix = format!("sheet `{sheet}`: ");
        read_table(file, rows).map_err(|e| e.prefixed(&prefix))
    }
}

fn read_table(file: &str, rows: impl IntoIterator<Item = (usize, Vec<TableCell>)>) -> Result<Observations> {
    let blank = |cells: &[TableCell]| cells.iter().all(|c| matches!(c, Ok(t) if t.trim().is_empty()));
    let mut rows = rows.into_iter().filter(|(_, cells)| !blank(cells));
    let Some((header_line, header)) = rows.next() else {
        return Err(Error::new(Code::DataEmpty, "the sheet is empty (it needs at least a header row)").in_file(file).at(1, 1));
    };
    let unreadable = |why: &str, line: usize, col: usize| {
        Error::new(Code::DataInvalidType, format!("the cell holds {why}; write it as text or a number")).in_file(file).at(line, col + 1)
    };
    let mut cols = Vec::with_capacity(header.len());
    for (c, cell) in header.iter().enumerate() {
        cols.push(cell.as_deref().map_err(|why| unreadable(why, header_line, c))?.trim().to_string());
    }
    // Empty header cells before and after the header's names (a table that starts in column C,
    // a used range wider than the table) name no column; the cells under them must be empty.
    while cols.last().is_some_and(String::is_empty) {
        cols.pop();
    }
    let first = cols.iter().take_while(|c| c.is_empty()).count();
    cols.drain(..first);
    let mut obs = Observations::from_source(Some(file));
    let columns = obs.read_header(&cols, file, DecimalMark::Either).map_err(|e| match e.column() {
        Some(c) => e.at(header_line, c + first),
        None => e,
    })?;
    for ignored in &mut obs.ignored {
        ignored.column += first;
    }
    for (row, (line, cells)) in rows.enumerate() {
        let row = row + 1;
        let mut texts = Vec::with_capacity(cols.len());
        for (c, cell) in cells.iter().enumerate() {
            match cell {
                Ok(t) if (first..first + cols.len()).contains(&c) => texts.push(t.as_str()),
                Ok(t) if t.trim().is_empty() => {}
                Ok(_) => {
                    return Err(Error::new(Code::DataFieldCount, "the cell is outside the header's columns, so it names no field")
                        .in_file(file)
                        .at(line, c + 1)
                        .at_row(row));
                }
                Err(why) => return Err(unreadable(why, line, c).at_row(row)),
            }
        }
        texts.resize(cols.len(), "");
        let record = csv::StringRecord::from(texts);
        let at = |e: Error, col: usize| e.in_file(file).at(line, first + col + 1).at_row(row);
        columns.read(&record, at, |o, col| obs.push_row(o).map_err(|e| at(e, col)))?;
    }
    obs.check_duplicates()?;
    Ok(obs)
}
