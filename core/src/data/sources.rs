//! Where each row came from (file, row, Kolada item), merging sets of rows, and the one rule for duplicates.

use crate::error::{Code, Error, Result};
use std::sync::Arc;

use super::Observations;

/// A run of rows read from one file (or given as rows, or set by a what-if edit).
#[derive(Debug, Clone)]
pub(super) struct Source {
    /// Index in `rows` of its first row.
    pub(super) start: usize,
    /// The file, when the rows came from one.
    pub(super) file: Option<Arc<str>>,
    /// For a Kolada response: the first row (counted from `start`) of each item, so that a row
    /// is named as Kolada's item and the value inside it.
    pub(super) items: Option<Arc<[usize]>>,
    /// Rows made from each row of the file: 1, or a wide sheet's period columns.
    pub(super) per_row: usize,
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

impl Observations {
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
            None => (offset / source.per_row.max(1) + 1, None),
        };
        Place { source: at - 1, file: source.file.as_deref(), row, value }
    }

    /// One rule for duplicates, whether the rows came from one file, a folder or several files:
    /// the error is placed at the second copy (its file and row) and names the first.
    pub(super) fn check_duplicates(&self) -> Result<()> {
        // Equal keys stand side by side in the sorted order, the earlier row first: the error is
        // at the earliest second copy, as a reading in row order would find it.
        let order = self.sorted();
        let s = &*self.store;
        let mut found: Option<(usize, usize)> = None;
        for i in 1..order.len() {
            let (a, b) = (order.at(i - 1), order.at(i));
            if s.same_key(a, b) && found.is_none_or(|(_, second)| b < second) {
                found = Some((a, b));
            }
        }
        if let Some((first, i)) = found {
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
                    s.indicators.text(s.indicator[i]),
                    s.entities.text(s.entity[i]),
                    s.periods.text(s.period[i]),
                    s.gender[i]
                ),
            )
            .at_row(now.row);
            return Err(match now.file {
                Some(f) => e.in_file(f),
                None => e,
            });
        }
        Ok(())
    }

    /// Adds all rows and follow-ups of `other`, without looking for duplicates (see
    /// [`Observations::merge_checked`] and [`Observations::combine`]).
    pub fn merge(&mut self, other: Observations) {
        let offset = self.store.len();
        self.sources.extend(other.sources.into_iter().map(|s| Source { start: s.start + offset, ..s }));
        self.changed();
        if offset == 0 {
            // The same store: its order and index, made from nothing else, hold as they are.
            self.store = other.store;
            self.sorted = other.sorted;
            self.index = other.index;
        } else {
            Arc::make_mut(&mut self.store).append(&other.store);
        }
        self.assignments.extend(other.assignments);
        self.ignored.extend(other.ignored);
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
}
