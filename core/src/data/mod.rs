//! Observations: one tidy row per value, read from CSV, Kolada API JSON, JSON rows or host rows and columns.
//!
//! The set itself and its entry points are here; each reader, the writers, the index and the
//! duplicate rule are in a file of their own.

mod assignments;
mod header;
mod index;
mod kolada_item;
mod lite;
mod read_columns;
mod read_csv;
mod read_csv_halves;
mod read_host;
mod read_json;
mod read_json_stream;
mod read_kolada;
mod read_table;
mod row;
mod sources;
mod store;
mod strict;
#[cfg(test)]
mod tests;
mod write;

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use std::sync::{Arc, OnceLock};

pub use assignments::AssignmentUpdate;
pub use header::IgnoredColumn;
pub(crate) use index::{Index, Series, slot};
pub use read_columns::{ColumnReader, TypedColumn};
pub use read_table::TableCell;
pub use row::{OBSERVATION_FIELDS, Observation, observation_field};
use row::{check_finite, trim};
use sources::Source;
use store::{RowParts, Store};

/// Most rows one set of observations may hold: Kolada's national scale (290 municipalities ×
/// 2,000 key figures × 30 years × T/K/M is 52 million) with room, at about 45 bytes a row with
/// its index (4.5 GB at the bound, on a 24 GiB machine). See docs/robustness.md.
pub(crate) const MAX_ROWS: usize = 100_000_000;

/// One row as every reader keeps it, to follow `len` rows: ids trimmed and not empty, a finite
/// value, a reason (trimmed, not empty) only for a gap, a source trimmed and not empty.
fn checked(r: RowParts<'_>, len: usize) -> Result<RowParts<'_>> {
    let (indicator, entity, period) = (trim(r.indicator), trim(r.entity), trim(r.period));
    if indicator.is_empty() || entity.is_empty() || period.is_empty() {
        return Err(Error::new(Code::DataEmptyId, "indicator, entity and period must not be empty"));
    }
    check_finite(r.value)?;
    let missing = if r.value.is_some() { None } else { r.missing.map(trim).filter(|m| !m.is_empty()) };
    let source = r.source.map(trim).filter(|s| !s.is_empty());
    if len >= MAX_ROWS {
        return Err(Error::new(Code::DataLimitRows, format!("more than {MAX_ROWS} rows")));
    }
    Ok(RowParts { indicator, entity, period, missing, source, ..r })
}

/// A set of observations and assignment follow-ups.
///
/// Kept in columns (see `store.rs`): [`Observations::rows`] makes each row on demand.
///
/// ```
/// let data = attain_core::Observations::from_csv("indicator,entity,period,gender,value\nN00209,2380,2022,T,72.3\n", "d.csv")?;
/// assert_eq!(data.len(), 1);
/// assert_eq!(data.rows().next().unwrap().value, Some(72.3));
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Observations {
    /// The rows' columns, shared with the index built from them.
    store: Arc<Store>,
    assignments: Vec<AssignmentUpdate>,
    /// Where each run of rows came from, in row order: a duplicate found after a merge names
    /// the file and row of both copies.
    sources: Vec<Source>,
    /// Columns of the files read that were not kept (see [`Observations::ignored_columns`]).
    ignored: Vec<IgnoredColumn>,
    /// The rows in order of indicator, entity, period and gender (as read, when they already
    /// were): made by the duplicate check, reused by the index.
    sorted: OnceLock<Arc<store::Order>>,
    index: OnceLock<Arc<Index>>,
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

    /// Observations with no rows yet, whose rows will come from `file` (or be given as rows).
    fn from_source(file: Option<&str>) -> Observations {
        Observations { sources: vec![Source { start: 0, file: file.map(Arc::from), items: None, per_row: 1 }], ..Observations::default() }
    }

    /// The columns of a CSV's or sheet's header (each cell trimmed): the columns it ignores are
    /// kept with these observations, and a wide header's rows are counted as sheet rows.
    fn read_header(&mut self, header: &[String], file: &str, mark: crate::locale::DecimalMark) -> Result<header::Columns> {
        let mut columns = header::Columns::from_header(header, file, mark)?;
        self.ignored.append(&mut columns.ignored);
        if let Some(source) = self.sources.last_mut() {
            source.per_row = columns.per_record();
        }
        Ok(columns)
    }

    /// Columns of the files read that were not kept, and why: a `Kommun` column of names beside
    /// a `Kommun-id` column, say. Nothing in them is lost: the id column holds what they name.
    ///
    /// ```
    /// let data = attain_core::Observations::from_csv("Kommun-id;Kommun;Nyckeltal;År;Värde\n2380;Östersund;N00209;2022;85,5\n", "k.csv")?;
    /// assert_eq!(data.row(0).unwrap().entity, "2380");
    /// assert_eq!(data.ignored_columns()[0].name, "Kommun");
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    pub fn ignored_columns(&self) -> &[IgnoredColumn] {
        &self.ignored
    }

    fn push_checked(&mut self, o: Observation) -> Result<()> {
        self.push_row(RowParts {
            indicator: &o.indicator,
            entity: &o.entity,
            period: &o.period,
            gender: o.gender,
            value: o.value,
            missing: o.missing.as_deref(),
            count: o.count,
            source: o.source.as_deref(),
        })
    }

    /// Adds one row as every reader keeps it (see [`checked`]).
    fn push_row(&mut self, r: RowParts<'_>) -> Result<()> {
        let r = checked(r, self.store.len())?;
        self.store_mut().push(r);
        Ok(())
    }

    /// The columns to push rows into, for a reader's loop: what was derived from the rows is
    /// forgotten once, and the store made unique once, not per row.
    fn store_mut(&mut self) -> &mut Store {
        self.changed();
        Arc::make_mut(&mut self.store)
    }

    /// Forgets what was derived from the rows.
    fn changed(&mut self) {
        if self.sorted.get().is_some() || self.index.get().is_some() {
            self.sorted = OnceLock::new();
            self.index = OnceLock::new();
        }
    }

    /// The row numbers in the order of `Store::sorted_rows`, made once.
    fn sorted(&self) -> Arc<store::Order> {
        self.sorted.get_or_init(|| Arc::new(self.store.sorted_rows())).clone()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
    }

    /// Row `i` (0-based), made from the columns.
    pub fn row(&self, i: usize) -> Option<Observation> {
        (i < self.store.len()).then(|| self.make_row(i))
    }

    fn make_row(&self, i: usize) -> Observation {
        let s = &*self.store;
        Observation {
            indicator: s.indicators.text(s.indicator[i]).to_string(),
            entity: s.entities.text(s.entity[i]).to_string(),
            period: s.periods.text(s.period[i]).to_string(),
            gender: s.gender[i],
            value: s.value(i),
            missing: s.missing(i).map(str::to_string),
            count: s.count(i),
            source: s.source(i).map(str::to_string),
        }
    }

    /// Every entity id of the rows, each once, in the order first met.
    pub fn entities(&self) -> impl Iterator<Item = &str> {
        self.store.entities.texts()
    }

    /// Every period id of the rows, each once, in the order first met.
    pub fn periods(&self) -> impl Iterator<Item = &str> {
        self.store.periods.texts()
    }

    /// The rows in order, each made on demand (the store keeps columns, not rows).
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Observation> + '_ {
        (0..self.store.len()).map(|i| self.make_row(i))
    }

    /// Assignment follow-ups.
    pub fn assignment_updates(&self) -> &[AssignmentUpdate] {
        &self.assignments
    }

    /// Sets one value (adding the row when absent): the what-if edit of a report page.
    pub fn set_value(&mut self, indicator: &str, entity: &str, period: &str, gender: Gender, value: Option<f64>) -> Result<()> {
        check_finite(value)?;
        self.changed();
        if let Some(r) = self.store.find(indicator, entity, period, gender) {
            Arc::make_mut(&mut self.store).set_value(r, value);
        } else {
            if self.sources.last().is_none_or(|s| s.file.is_some() || s.items.is_some()) {
                // An edited row is named by its place among the edits, not as a row of the last file.
                self.sources.push(Source { start: self.store.len(), file: None, items: None, per_row: 1 });
            }
            let row = RowParts { indicator, entity, period, gender, value, missing: None, count: None, source: None };
            Arc::make_mut(&mut self.store).push(row);
        }
        Ok(())
    }
}
