//! What a host asks of a plan: entity, period and indicator of a query, the data argument, `check` settings.

use super::Period;
#[cfg(feature = "schema")]
use super::decode::GendersSchema;
use super::decode::{gender, genders};
use crate::data::Observations;
use crate::error::{Code, Error, Result};
use crate::eval::Query;
use crate::model::Gender;
use crate::plan::Plan;
use serde::Deserialize;
use std::sync::Arc;

/// Which entity and period to judge: [`Plan::evaluate`]'s [`Query`] as a host sends it.
/// Every field is optional: the plan's entity, the plan's period or the entity's latest period
/// with data, and total plus women and men.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EvaluateRequest {
    /// Entity id.
    #[serde(default)]
    pub entity: Option<String>,
    /// Period.
    #[serde(default)]
    pub period: Option<Period>,
    /// Genders: one or a list (`T`, `K`, `M`); the total is always judged.
    #[serde(default, deserialize_with = "genders")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<GendersSchema>"))]
    pub genders: Option<Vec<Gender>>,
}

impl EvaluateRequest {
    /// The query it asks.
    pub fn query(&self) -> Query {
        Query { entity: self.entity.clone(), period: self.period.as_ref().map(|p| p.as_str().to_string()), genders: self.genders.clone() }
    }
}

/// Many entities and periods at once ([`Plan::evaluate_many`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EvaluateManyRequest {
    /// Entity ids.
    pub entities: Vec<String>,
    /// Periods.
    pub periods: Vec<Period>,
}

/// One indicator of one entity and period: what [`Plan::explain`] and [`Plan::required`] take.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct IndicatorRequest {
    /// Indicator id.
    pub indicator: String,
    /// Entity id (default: the plan's).
    #[serde(default)]
    pub entity: Option<String>,
    /// Period (default: the plan's, else the latest with data).
    #[serde(default)]
    pub period: Option<Period>,
    /// Gender (default: total).
    #[serde(default, deserialize_with = "gender")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub gender: Option<Gender>,
}

impl IndicatorRequest {
    /// The query it asks and the gender.
    pub fn query(&self) -> (Query, Gender) {
        let query = Query { entity: self.entity.clone(), period: self.period.as_ref().map(|p| p.as_str().to_string()), genders: None };
        (query, self.gender.unwrap_or_default())
    }
}

// ------------------------------------------------------------------ the data argument

/// What a host passed as the data of a call, classified by the binding (the only decision a
/// binding makes about it). One meaning in every host:
///
/// - nothing: the plan's own `data/` folder (read once, then kept with the plan);
/// - observations made by the host's constructors (from rows, CSV or JSON text, or a file);
/// - text: an error. A string is never read as a path or as CSV, because the browser has no
///   files and a string that is a path in one host and CSV in another is how the hosts came to
///   disagree; the constructors say which it is.
#[derive(Debug, Clone, Copy)]
pub enum DataArg<'a> {
    /// No data given.
    Absent,
    /// Observations the host made.
    Given(&'a Observations),
    /// A string.
    Text,
}

impl Plan {
    /// The observations a call runs on, by the rule of [`DataArg`].
    ///
    /// # Errors
    /// A query error for text; the plan's data errors when its folder is read.
    pub fn data_for(&self, data: DataArg<'_>) -> Result<Arc<Observations>> {
        match data {
            DataArg::Absent => self.data(),
            DataArg::Given(d) => Ok(Arc::new(d.clone())),
            DataArg::Text => Err(Error::new(
                Code::QueryInvalidArgument,
                "`data` is a string, which is never read as a path or as CSV: make observations from a file, from CSV or JSON text, or from rows",
            )),
        }
    }
}

// ------------------------------------------------------------------ check and rule tests

/// Settings of [`check`](crate::check) as a host gives them: `{cases, seed}`, both optional.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct CheckRequest {
    /// Generated inputs per indicator (default 200, at most [`MAX_CHECK_CASES`](crate::MAX_CHECK_CASES)).
    pub cases: usize,
    /// Seed of the generator (default 2023).
    pub seed: u64,
}

impl Default for CheckRequest {
    fn default() -> Self {
        let d = crate::CheckOptions::default();
        CheckRequest { cases: d.cases, seed: d.seed }
    }
}

impl CheckRequest {
    /// The options it asks for.
    pub fn options(&self) -> crate::CheckOptions {
        crate::CheckOptions { cases: self.cases, seed: self.seed }
    }
}
