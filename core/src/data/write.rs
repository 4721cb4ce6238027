//! Writing observations and follow-ups back out: tidy CSV and JSON that the readers read back to equal rows.

use crate::error::{Code, Error, Result};
use serde::Serialize;

use super::Observations;
use super::assignments::{ASSIGNMENT_FIELDS, AssignmentUpdate};

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
        for (i, r) in self.rows().enumerate() {
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
        /// The rows, each made as it is written.
        struct Rows<'a>(&'a Observations);
        impl Serialize for Rows<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.rows())
            }
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            observations: Rows<'a>,
            assignments: &'a [AssignmentUpdate],
        }
        // Every value is finite and every key a string: serialising cannot fail.
        serde_json::to_string(&Doc { observations: Rows(self), assignments: &self.assignments }).unwrap_or_default()
    }
}
