//! One error type for every failure, with the place it happened kept as fields.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of input was wrong.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The plan (plan.toml, its structure or references) is invalid.
    Plan,
    /// A Rhai script does not compile or failed while running.
    Rule,
    /// Observations (CSV, JSON, rows) are invalid.
    Data,
    /// A query names something the plan or data does not have.
    Query,
    /// A rule test file is invalid.
    Test,
    /// A file could not be read or written.
    Io,
    /// The call was stopped from outside: cancelled, or its timeout reached (see [`Stop`](crate::Stop)).
    Interrupted,
}

impl ErrorKind {
    /// The lowercase name used in serialised errors (`plan`, `rule`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Plan => "plan",
            ErrorKind::Rule => "rule",
            ErrorKind::Data => "data",
            ErrorKind::Query => "query",
            ErrorKind::Test => "test",
            ErrorKind::Io => "io",
            ErrorKind::Interrupted => "interrupted",
        }
    }
}

/// Where an error happened. Lines and columns are 1-based; `row` is a data row number
/// (1 = the first row after a CSV header, or the first element of a JSON array; in a Kolada
/// response the item of `values`, whose message names the value inside it: `item 3, value 2`).
/// In CSV the column is the field's number.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// File path relative to the plan folder, or as given by the user.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// 1-based data row.
    pub row: Option<usize>,
}

/// An error from loading, validating or evaluating.
///
/// The message is lowercase, has no final period, and quotes user input in backticks.
/// File, line, column and row stay fields so that bindings can expose them as attributes.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Error {
    #[serde(rename = "type")]
    kind: ErrorKind,
    message: String,
    #[serde(flatten)]
    location: Location,
}

impl Error {
    /// A new error without a location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), location: Location::default() }
    }
    pub(crate) fn plan(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Plan, message)
    }
    pub(crate) fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, message)
    }
    pub(crate) fn rule(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Rule, message)
    }
    pub(crate) fn query(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Query, message)
    }
    pub(crate) fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Io, message)
    }
    pub(crate) fn interrupted(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Interrupted, message)
    }
    pub(crate) fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location.file = Some(file.into());
        self
    }
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.location.line = Some(line);
        self.location.column = Some(column);
        self
    }
    pub(crate) fn at_row(mut self, row: usize) -> Self {
        self.location.row = Some(row);
        self
    }
    /// Sets the position from a byte offset into `text`.
    pub(crate) fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        self.at(line, column)
    }
    /// Kind of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// Message without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Where it happened, as far as known.
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// File, if known.
    pub fn file(&self) -> Option<&str> {
        self.location.file.as_deref()
    }
    /// 1-based line, if known.
    pub fn line(&self) -> Option<usize> {
        self.location.line
    }
    /// 1-based column, if known.
    pub fn column(&self) -> Option<usize> {
        self.location.column
    }
    /// 1-based data row, if known.
    pub fn row(&self) -> Option<usize> {
        self.location.row
    }
    /// The one serialised error shape every binding returns:
    /// `{"type": "plan", "message": "…", "file": …, "line": …, "column": …, "row": …}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"type\":\"{}\"}}", self.kind.as_str()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.location;
        if let Some(file) = &l.file {
            write!(f, "{file}")?;
            if let Some(line) = l.line {
                write!(f, ":{line}")?;
                if let Some(col) = l.column {
                    write!(f, ":{col}")?;
                }
            }
            if let Some(row) = l.row {
                write!(f, " row {row}")?;
            }
            write!(f, ": ")?;
        } else if let Some(row) = l.row {
            write!(f, "row {row}: ")?;
        }
        write!(f, "{} error: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_line_and_column() {
        let text = "a = 1\nbö = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
    }

    #[test]
    fn display_names_the_place() {
        let e = Error::plan("unknown key `x`").in_file("plan.toml").at(3, 5);
        assert_eq!(e.to_string(), "plan.toml:3:5: plan error: unknown key `x`");
        let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(json["type"], "plan");
        assert_eq!(json["line"], 3);
    }
}
