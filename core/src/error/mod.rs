//! One error type for every failure, with the place it happened kept as fields.

mod code;
mod rule_failure;

pub(crate) use code::serde_code;
pub use code::{Code, ErrorKind};
pub(crate) use rule_failure::{Cause, RuleFailure};
use serde::{Deserialize, Serialize};
use std::fmt;

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
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "Wire", try_from = "Wire")]
#[error("{place}{kind} error: {message}", place = Place(.location), kind = .code.kind().as_str())]
pub struct Error {
    code: Code,
    message: String,
    location: Location,
    /// A failed rule's cause as facts, for a report's words in the plan's language. It is not
    /// serialised (a report carries those words already) and not compared: the message says
    /// the same in English.
    failure: Option<Box<RuleFailure>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        (self.code, &self.message, &self.location) == (other.code, &other.message, &other.location)
    }
}

/// An error from loading, validating or evaluating.
///
/// The message is lowercase, has no final period, and quotes user input in backticks.
/// File, line, column and row stay fields so that bindings can expose them as attributes.
/// `type` is the first segment of `code`.
// The serialised shape of an [`Error`] (its kind written out for readers that only look at it).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Error"))]
#[derive(Serialize, Deserialize)]
struct Wire {
    /// The kind: the code's first segment.
    #[serde(rename = "type")]
    kind: ErrorKind,
    /// The stable code, `kind.condition`.
    code: Code,
    /// Lowercase message without the location.
    message: String,
    #[serde(flatten)]
    location: Location,
}

impl From<Error> for Wire {
    fn from(e: Error) -> Wire {
        Wire { kind: e.code.kind(), code: e.code, message: e.message, location: e.location }
    }
}

impl TryFrom<Wire> for Error {
    type Error = String;
    fn try_from(w: Wire) -> std::result::Result<Error, String> {
        if w.kind != w.code.kind() {
            return Err(format!("error type `{}` does not match code `{}`", w.kind.as_str(), w.code));
        }
        Ok(Error { code: w.code, message: w.message, location: w.location, failure: None })
    }
}

impl Error {
    /// A new error without a location; its kind is the code's.
    ///
    /// ```
    /// use attain_core::{Code, Error, ErrorKind};
    /// let e = Error::new(Code::QueryUnknownIndicator, "the plan has no indicator `X`");
    /// assert_eq!((e.kind(), e.code().as_str()), (ErrorKind::Query, "query.unknown_indicator"));
    /// ```
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), location: Location::default(), failure: None }
    }
    /// A failed rule's error: its message is the failure's English, and the failure is kept for
    /// a report's words in the plan's language ([`Error::said`]).
    pub(crate) fn of_rule(code: Code, failure: RuleFailure) -> Self {
        let message = failure.message();
        Error { failure: Some(Box::new(failure)), ..Error::new(code, message) }
    }
    /// The error in `lang` for a report: a failed rule's cause in the plan's language, else the
    /// message as it is.
    pub(crate) fn said(&self, lang: crate::model::Language) -> String {
        self.failure.as_ref().map_or_else(|| self.message.clone(), |f| f.said(lang))
    }
    /// The same error in a file (a reader outside core, such as attain-excel, names its file).
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location.file = Some(file.into());
        self
    }
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.location.line = Some(line);
        self.location.column = Some(column);
        self
    }
    /// The same error at a 1-based data row (a host packing its own columns names the row).
    #[must_use]
    pub fn at_row(mut self, row: usize) -> Self {
        self.location.row = Some(row);
        self
    }
    /// Sets the position from a byte offset into `text`.
    pub(crate) fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        self.at(line, column)
    }
    /// Kind of the error, the first segment of its code.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }
    /// The stable code of the error (`plan.duplicate_id`).
    pub fn code(&self) -> Code {
        self.code
    }
    /// The same error with `prefix` in front of its message (`item 3: …`).
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        self.message.insert_str(0, prefix);
        self
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
    /// `{"type": "plan", "code": "plan.duplicate_id", "message": "…", "file": …, "line": …, "column": …, "row": …}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| format!("{{\"type\":\"{}\",\"code\":\"{}\"}}", self.kind().as_str(), self.code))
    }
}

/// The place in front of a message as [`Error`]'s `Display` writes it: `file:line:column row N: `,
/// `row N: ` without a file, nothing without either.
struct Place<'a>(&'a Location);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = self.0;
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
            write!(f, ": ")
        } else if let Some(row) = l.row {
            write!(f, "row {row}: ")
        } else {
            Ok(())
        }
    }
}

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
        let e = Error::new(Code::PlanUnknownField, "unknown key `x`").in_file("plan.toml").at(3, 5);
        assert_eq!(e.to_string(), "plan.toml:3:5: plan error: unknown key `x`");
        let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(json["type"], "plan");
        assert_eq!(json["code"], "plan.unknown_field");
        assert_eq!(json["line"], 3);
    }

    #[test]
    fn display_writes_every_part_of_the_place_it_has() {
        let base = || Error::new(Code::DataInvalidGender, "gender `X` is not T, K or M");
        let location = |file: Option<&str>, line, column, row| Location { file: file.map(str::to_string), line, column, row };
        let cases = [
            (location(None, None, None, None), "data error: gender `X` is not T, K or M"),
            (location(None, None, None, Some(4)), "row 4: data error: gender `X` is not T, K or M"),
            // Without a file, a line and column are not shown (they would name no file).
            (location(None, Some(2), Some(3), Some(4)), "row 4: data error: gender `X` is not T, K or M"),
            (location(None, Some(2), Some(3), None), "data error: gender `X` is not T, K or M"),
            (location(Some("d.csv"), None, None, None), "d.csv: data error: gender `X` is not T, K or M"),
            (location(Some("d.csv"), Some(2), None, None), "d.csv:2: data error: gender `X` is not T, K or M"),
            // A column without a line is not shown.
            (location(Some("d.csv"), None, Some(3), None), "d.csv: data error: gender `X` is not T, K or M"),
            (location(Some("d.csv"), Some(2), Some(3), None), "d.csv:2:3: data error: gender `X` is not T, K or M"),
            (location(Some("d.csv"), None, None, Some(4)), "d.csv row 4: data error: gender `X` is not T, K or M"),
            (location(Some("d.csv"), Some(2), Some(3), Some(4)), "d.csv:2:3 row 4: data error: gender `X` is not T, K or M"),
        ];
        for (at, want) in cases {
            let e = Error { location: at.clone(), ..base() };
            assert_eq!(e.to_string(), want, "{at:?}");
        }
    }

    #[test]
    fn the_error_is_a_std_error_without_a_source() {
        let e = Error::new(Code::IoNotFound, "`x` does not exist").in_file("x");
        let dynamic: &dyn std::error::Error = &e;
        assert!(dynamic.source().is_none());
        assert_eq!(dynamic.to_string(), "x: io error: `x` does not exist");
    }
}
