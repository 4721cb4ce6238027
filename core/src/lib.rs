//! attain-core: a rules engine for goal- and results-based management.
//!
//! A [`Plan`] holds goals, the indicators (key figures) linked to them and the assignments
//! given to boards; target rules are short Rhai scripts. [`Plan::evaluate`] judges, for an
//! entity and a period, the attainment status of every indicator and goal and says why.
#![deny(missing_docs)]

mod budget;
mod data;
mod error;
mod eval;
mod files;
mod host;
mod model;
mod native;
mod plan;
mod render;
mod report;
mod rules;
mod testing;

pub use budget::{MeteredAllocator, Stop};
pub use data::{ASSIGNMENT_FIELDS, AssignmentUpdate, MAX_ROWS, OBSERVATION_FIELDS, Observation, Observations, observation_field};
pub use error::{Code, Error, ErrorKind, Location, Result};
pub use eval::Query;
pub use files::{MAX_FILE_BYTES, PlanFiles, read_text};
#[cfg(feature = "schema")]
pub use host::api_schema;
pub use host::{
    AssessRequest, Assessment, CheckRequest, DataArg, EvaluateManyRequest, EvaluateRequest, HistoryPoint, IndicatorRequest, Outline,
    OutlineAssignment, OutlineGoal, OutlineIndicator, PeersRequest, Period, decode, decode_json,
};
pub use model::{AssignmentStatus, Gender, Language, PeerStats, PeriodValue};
pub use plan::{Assignment, Comparison, Direction, Goal, GoalIndicator, Indicator, Level, Plan, Scale};
pub use render::{Format, render};
#[cfg(feature = "schema")]
pub use report::report_schema;
pub use report::{AssignmentResult, GoalResult, IndicatorResult, PlanInfo, REPORT_SCHEMA, Report, Role, WeightedId};
pub use rules::Inputs;
pub use testing::{
    CaseOutcome, CheckFailure, CheckOptions, CheckReport, Explanation, MAX_CHECK_CASES, Required, TestReport, check, run_rule_tests,
    run_rule_tests_in,
};
