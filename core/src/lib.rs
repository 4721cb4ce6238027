//! attain-core: a rules engine for goal- and results-based management.
//!
//! A [`Plan`] holds goals, the indicators (key figures) linked to them and the assignments
//! given to boards; target rules are short Rhai scripts. [`Plan::evaluate`] judges, for an
//! entity and a period, the attainment status of every indicator and goal and says why.
#![deny(missing_docs)]

// Layers, lowest first (docs/architecture.md): the shared types; the sandbox and the script
// engine; the bound rules and their twins; the plan; evaluation and the queries over it.
mod error;
mod locale;
mod model;
mod period;
mod sandbox;
mod target;

mod data;
mod files;
mod judgement;
mod stdlib;

mod native;
mod script;

mod bound;
mod plan;

mod check;
mod eval;
mod host;
mod query;
mod render;
mod report;
mod testing;
mod warning;

pub use check::{CheckFailure, CheckOptions, CheckReport, MAX_CHECK_CASES, NotChecked, check};
pub use data::{
    AssignmentUpdate, ColumnReader, IgnoredColumn, OBSERVATION_FIELDS, Observation, Observations, TableCell, TypedColumn, observation_field,
};
pub use error::{Code, Error, ErrorKind, Location, Result};
pub use eval::Query;
pub use files::{
    EntryAction, EntryKind, FolderBudget, MAX_FILE_BYTES, MAX_FOLDER_DEPTH, PlanFiles, folder_entry, not_a_folder, read_text,
    unread_workbook,
};
#[cfg(feature = "schema")]
pub use host::api_schema;
pub use host::{
    AssessRequest, Assessment, CheckRequest, DataArg, EvaluateManyRequest, EvaluateRequest, HistoryPoint, IndicatorRequest, Outline,
    OutlineAssignment, OutlineGoal, OutlineIndicator, PeersRequest, Period, decode, decode_json,
};
pub use locale::{DecimalMark, parse_number};
pub use model::{AssignmentStatus, Direction, Gender, Language, Level, PeerStats, PeriodValue, Scale};
pub use plan::{Assignment, Comparison, Goal, GoalIndicator, Indicator, KOLADA_GROUPS_FILE, MinBasis, Plan};
pub use query::{Explanation, Required};
pub use render::{
    Format, INDICATOR_NUMBER_COLUMNS, MIN_TABLE_WIDTH, ReportCell, TableOptions, indicator_table, render, render_table, render_warnings,
};
#[cfg(feature = "schema")]
pub use report::report_schema;
pub use report::{AssignmentResult, Basis, GoalResult, IndicatorResult, PlanInfo, REPORT_SCHEMA, Report, Role, WeightedId};
pub use sandbox::{MeteredAllocator, Stop};
pub use target::{Target, TargetInput, TargetOp};
pub use testing::{
    CaseOutcome, Coverage, MissedLine, MutantOutcome, MutantStatus, Mutants, ScriptCoverage, TestOptions, TestReport, run_rule_tests,
    run_rule_tests_in, run_rule_tests_in_with, run_rule_tests_with,
};
pub use warning::{Warning, WarningCode};
