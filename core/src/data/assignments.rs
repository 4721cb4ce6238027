//! Assignment follow-ups: the `AssignmentUpdate` type, its checks and the ways to add them.

use crate::error::{Code, Error, Result};
use crate::model::AssignmentStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Observations;
use super::read_host::host_values;
use super::read_json::{json_id, json_text, json_type};
use super::row::{check_id, trim_in_place};
use super::strict::Strict;

/// The fields of an assignment follow-up, the same in CSV, JSON and host rows.
pub(crate) const ASSIGNMENT_FIELDS: [&str; 4] = ["assignment", "period", "status", "comment"];

/// A follow-up of an assignment.
///
/// ```
/// use attain_core::{AssignmentStatus, AssignmentUpdate, Observations};
/// let u = AssignmentUpdate::new("A1", "2023-T2", AssignmentStatus::Done).with_comment("klart");
/// let data = Observations::default().with_assignments(vec![u.clone()])?;
/// assert_eq!(data.assignment_updates(), &[u]);
/// # Ok::<(), attain_core::Error>(())
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Strict")]
pub struct AssignmentUpdate {
    /// Assignment id.
    pub assignment: String,
    /// Period of the follow-up.
    pub period: String,
    /// Status.
    pub status: AssignmentStatus,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}

impl AssignmentUpdate {
    /// A follow-up without a comment.
    pub fn new(assignment: impl Into<String>, period: impl Into<String>, status: AssignmentStatus) -> AssignmentUpdate {
        AssignmentUpdate { assignment: assignment.into(), period: period.into(), status, comment: String::new() }
    }

    /// The same follow-up with a comment.
    #[must_use]
    pub fn with_comment(mut self, comment: impl Into<String>) -> AssignmentUpdate {
        self.comment = comment.into();
        self
    }

    /// A follow-up whose status is given as text (`on_track`), as a host passes it.
    ///
    /// # Errors
    /// A data error for a status that is not one of done, on_track, at_risk, not_done, not_started.
    pub fn from_text(assignment: &str, period: &str, status: &str, comment: &str) -> Result<AssignmentUpdate> {
        Ok(AssignmentUpdate::new(assignment, period, assignment_status(status)?).with_comment(comment))
    }
}

impl TryFrom<Strict> for AssignmentUpdate {
    type Error = String;
    fn try_from(Strict(v): Strict) -> Result<AssignmentUpdate, String> {
        let Value::Object(m) = v else { return Err(format!("a follow-up must be an object, got {}", json_type(&v))) };
        let mut u = assignment_from_map(&m).map_err(|e| e.message().to_string())?;
        normalize_assignment(&mut u).map_err(|e| e.message().to_string())?;
        Ok(u)
    }
}

/// One assignment follow-up given as a map of field → value.
fn assignment_from_map(m: &serde_json::Map<String, Value>) -> Result<AssignmentUpdate> {
    if let Some(k) = m.keys().find(|k| !ASSIGNMENT_FIELDS.contains(&k.as_str())) {
        return Err(Error::new(
            Code::DataUnknownField,
            format!("unknown field `{k}` in an assignment follow-up (expected {})", ASSIGNMENT_FIELDS.join(", ")),
        ));
    }
    let id = |name: &str| {
        json_id(m.get(name), name)?.ok_or_else(|| Error::new(Code::DataMissingField, format!("the follow-up has no `{name}`")))
    };
    let status =
        json_text(m.get("status"), "status")?.ok_or_else(|| Error::new(Code::DataMissingField, "the follow-up has no `status`"))?;
    Ok(AssignmentUpdate {
        assignment: id("assignment")?,
        period: id("period")?,
        status: assignment_status(&status)?,
        comment: json_text(m.get("comment"), "comment")?.unwrap_or_default(),
    })
}

pub(super) fn assignment_status(s: &str) -> Result<AssignmentStatus> {
    AssignmentStatus::parse(s).ok_or_else(|| {
        Error::new(Code::DataInvalidStatus, format!("status `{s}` is not one of done, on_track, at_risk, not_done, not_started"))
    })
}

/// One follow-up as every reader keeps it.
pub(super) fn normalize_assignment(u: &mut AssignmentUpdate) -> Result<()> {
    if u.assignment.trim().is_empty() || u.period.trim().is_empty() {
        return Err(Error::new(Code::DataEmptyId, "assignment and period must not be empty"));
    }
    check_id(&mut u.assignment, "assignment")?;
    check_id(&mut u.period, "period")?;
    trim_in_place(&mut u.comment);
    Ok(())
}

impl Observations {
    /// These observations with follow-ups from host rows, each read by its own serde deserializer
    /// (`assignment`, `period`, `status`, optionally `comment`).
    ///
    /// # Errors
    /// A data error naming the 1-based follow-up: an unknown field, a missing field, an unknown
    /// status.
    pub fn with_host_assignments<'de, D: serde::Deserializer<'de>>(self, rows: impl IntoIterator<Item = D>) -> Result<Observations> {
        let updates = Observations::from_assignment_values(&host_values(rows)?)?.assignments;
        self.with_assignments(updates)
    }

    /// Assignment follow-ups from host rows, each a map with `assignment`, `period`, `status`
    /// and optionally `comment`.
    ///
    /// # Errors
    /// A data error naming the 1-based row: an unknown field, a missing field, an unknown status.
    pub fn from_assignment_values(rows: &[Value]) -> Result<Observations> {
        let mut obs = Observations::default();
        obs.read_json_assignments(rows, None)?;
        Ok(obs)
    }

    /// Adds one assignment follow-up.
    ///
    /// # Errors
    /// A data error for an empty assignment or period, or one holding a line break.
    pub fn add_assignment(&mut self, mut update: AssignmentUpdate) -> Result<()> {
        normalize_assignment(&mut update)?;
        self.assignments.push(update);
        Ok(())
    }

    /// These observations with the follow-ups added.
    ///
    /// # Errors
    /// A data error naming the 1-based follow-up, as [`Observations::add_assignment`] gives.
    pub fn with_assignments(mut self, updates: Vec<AssignmentUpdate>) -> Result<Observations> {
        for (i, u) in updates.into_iter().enumerate() {
            self.add_assignment(u).map_err(|e| e.at_row(i + 1))?;
        }
        Ok(self)
    }

    pub(super) fn read_json_assignments(&mut self, rows: &[Value], file: Option<&str>) -> Result<()> {
        for (i, r) in rows.iter().enumerate() {
            let err = |e: Error| {
                let e = e.at_row(i + 1);
                match file {
                    Some(f) => e.in_file(f),
                    None => e,
                }
            };
            let Value::Object(m) = r else {
                return Err(err(Error::new(Code::DataInvalidType, format!("a follow-up must be an object, got {}", json_type(r)))));
            };
            let mut u = assignment_from_map(m).map_err(err)?;
            normalize_assignment(&mut u).map_err(err)?;
            self.assignments.push(u);
        }
        Ok(())
    }
}
