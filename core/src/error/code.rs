//! The closed catalogue of error codes (`kind.condition`) and the kinds they belong to.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of input was wrong: the first segment of every [`Code`].
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
    /// A bug in attain, caught at a binding's boundary (a panic, a trapped WebAssembly instance).
    Internal,
}

impl ErrorKind {
    /// Every kind, in the order of the catalogue.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Plan,
        ErrorKind::Rule,
        ErrorKind::Data,
        ErrorKind::Query,
        ErrorKind::Test,
        ErrorKind::Io,
        ErrorKind::Interrupted,
        ErrorKind::Internal,
    ];

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
            ErrorKind::Internal => "internal",
        }
    }
}

/// Defines the closed catalogue of codes: each variant, its text and its one-line meaning.
macro_rules! catalogue {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal,)+) => {
        /// The stable code of an error: `kind.condition` (`plan.duplicate_id`,
        /// `rule.limit.operations`). The first segment is the [`ErrorKind`]; the same condition
        /// always has the same code, in every host. Serialised as its text.
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])+ #[serde(rename = $code)] $variant,)+
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The code's text, `kind.condition`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            /// What the code means, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),+).trim(),)+
                }
            }
        }
    };
}

catalogue! {
    /// There is no `plan.toml` among the plan's files.
    PlanMissingFile = "plan.missing_file",
    /// `plan.toml` is empty.
    PlanEmpty = "plan.empty",
    /// `plan.toml` is not valid TOML.
    PlanSyntax = "plan.syntax",
    /// `plan.toml` has a key the plan format does not know.
    PlanUnknownField = "plan.unknown_field",
    /// `plan.toml` lacks a key the plan format requires.
    PlanMissingField = "plan.missing_field",
    /// A value in `plan.toml` has the wrong type (a string for a number, …).
    PlanInvalidType = "plan.invalid_type",
    /// A value in `plan.toml` is out of range or not one of the allowed (language, direction, score, weight, period, …).
    PlanInvalidValue = "plan.invalid_value",
    /// An indicator, goal, assignment or scale level id is defined twice.
    PlanDuplicateId = "plan.duplicate_id",
    /// A goal links the same indicator twice.
    PlanDuplicateLink = "plan.duplicate_link",
    /// A reference names an indicator, goal or peer group that is not defined.
    PlanUnknownReference = "plan.unknown_reference",
    /// Goal parents form a cycle.
    PlanCycle = "plan.cycle",
    /// A rule or aggregation is neither a std one nor a script path ending in `.rhai`.
    PlanUnknownRule = "plan.unknown_rule",
    /// A script path leaves the plan folder.
    PlanScriptPath = "plan.script_path",
    /// A plan file's path is empty, absolute, leaves the plan folder (`..`), ends in `/`, holds a NUL, or names a file twice.
    PlanFilePath = "plan.file_path",
    /// A script named by the plan is not in the plan folder.
    PlanMissingScript = "plan.missing_script",
    /// A param given to a rule that the rule does not read.
    PlanUnknownParam = "plan.unknown_param",
    /// A rule reads a param with no default (`params.x`, not `params.x ?? …`) that the plan does not give.
    PlanMissingParam = "plan.missing_param",
    /// A host argument meant as a plan has the wrong type or shape.
    PlanInvalidArgument = "plan.invalid_argument",
    /// A Rhai script does not compile.
    RuleCompile = "rule.compile",
    /// A script reads a name that is neither in the rule's scope nor declared by it.
    RuleUnknownName = "rule.unknown_name",
    /// A script defines more functions than its limit.
    RuleLimitFunctions = "rule.limit.functions",
    /// A rule failed while running (a `throw`, a type error, an unknown function, …).
    RuleRuntime = "rule.runtime",
    /// A rule returned something that is not a verdict, or a score outside 0..1.
    RuleInvalidResult = "rule.invalid_result",
    /// A rule returned a status that is not on the plan's scale.
    RuleUnknownStatus = "rule.unknown_status",
    /// A rule ran more operations than its limit.
    RuleLimitOperations = "rule.limit.operations",
    /// A rule held more memory than its limit.
    RuleLimitMemory = "rule.limit.memory",
    /// A rule ran longer than its time limit.
    RuleLimitTime = "rule.limit.time",
    /// A rule had more variables in scope than its limit.
    RuleLimitVariables = "rule.limit.variables",
    /// A string, array or map of a rule grew beyond its limit.
    RuleLimitSize = "rule.limit.size",
    /// A rule's calls nested deeper than the limit.
    RuleLimitDepth = "rule.limit.depth",
    /// A rule imported more modules than the limit, or its imports nest too deep.
    RuleLimitModules = "rule.limit.modules",
    /// A script is longer than the limit for one script.
    RuleLimitScript = "rule.limit.script",
    /// A rule was stopped because its call was cancelled or reached its timeout.
    RuleInterrupted = "rule.interrupted",
    /// A CSV or JSON file, or a set of rows, is empty.
    DataEmpty = "data.empty",
    /// A CSV file is malformed (a quote never closed, a misplaced line break, …).
    DataMalformedCsv = "data.malformed_csv",
    /// A CSV row has more or fewer fields than the header.
    DataFieldCount = "data.field_count",
    /// A data file is not UTF-8 text.
    DataNotUtf8 = "data.not_utf8",
    /// A JSON file is not valid JSON (or names a key twice in one object).
    DataMalformedJson = "data.malformed_json",
    /// A spreadsheet file (.xlsx) cannot be opened as a workbook.
    DataMalformedWorkbook = "data.malformed_workbook",
    /// A Parquet file cannot be read as Parquet (not Parquet, or compressed with a codec other than Snappy or Zstandard).
    DataMalformedParquet = "data.malformed_parquet",
    /// A plan's data holds a workbook (.xlsx) or a Parquet file and the reader has none (the JavaScript package, core alone).
    DataUnreadWorkbook = "data.unread_workbook",
    /// A CSV header names a column attain does not know.
    DataUnknownColumn = "data.unknown_column",
    /// A CSV header lacks a required column.
    DataMissingColumn = "data.missing_column",
    /// A CSV header names a column twice (or by two names for the same thing).
    DataDuplicateColumn = "data.duplicate_column",
    /// A header has both a tidy sheet's columns (`value`, `period`) and period columns (a wide sheet's).
    DataMixedLayout = "data.mixed_layout",
    /// A JSON or host row has a field attain does not know.
    DataUnknownField = "data.unknown_field",
    /// A JSON or host row lacks a required field.
    DataMissingField = "data.missing_field",
    /// A row gives one field under two names (`indicator` and `kpi`).
    DataDuplicateField = "data.duplicate_field",
    /// A JSON value or host value has the wrong type (a row that is not an object, …).
    DataInvalidType = "data.invalid_type",
    /// A value is neither a number nor a gap (empty or one of Kolada's markers).
    DataInvalidValue = "data.invalid_value",
    /// A value is NaN or infinite.
    DataNotFinite = "data.not_finite",
    /// A gender is not T, K or M.
    DataInvalidGender = "data.invalid_gender",
    /// A count is not a whole number that fits.
    DataInvalidCount = "data.invalid_count",
    /// An assignment follow-up's status is not one of the five.
    DataInvalidStatus = "data.invalid_status",
    /// An indicator, entity, period or assignment id is empty.
    DataEmptyId = "data.empty_id",
    /// Two rows hold a value for the same indicator, entity, period and gender.
    DataDuplicateRow = "data.duplicate_row",
    /// More rows than the limit.
    DataLimitRows = "data.limit.rows",
    /// A text or value given as a report is not an attain report.
    DataNotAReport = "data.not_a_report",
    /// A host argument meant as data has the wrong type or shape.
    DataInvalidArgument = "data.invalid_argument",
    /// The plan has no indicator of that id.
    QueryUnknownIndicator = "query.unknown_indicator",
    /// The report has no goal of that id (a table of one goal).
    QueryUnknownGoal = "query.unknown_goal",
    /// No entity was given and the plan sets none.
    QueryNoEntity = "query.no_entity",
    /// The entity has no values in the data, so there is no latest period.
    QueryNoData = "query.no_data",
    /// A period is needed and none is given, or it does not start with a year.
    QueryInvalidPeriod = "query.invalid_period",
    /// A gender is not T, K or M, or the indicator is not split by gender.
    QueryInvalidGender = "query.invalid_gender",
    /// An output format attain does not know.
    QueryInvalidFormat = "query.invalid_format",
    /// A timeout that is negative, not a number or infinite.
    QueryInvalidTimeout = "query.invalid_timeout",
    /// More check cases than the limit.
    QueryLimitCases = "query.limit.cases",
    /// The entity is not named anywhere in the data.
    QueryUnknownEntity = "query.unknown_entity",
    /// A request has a field attain does not know.
    QueryUnknownField = "query.unknown_field",
    /// A request lacks a field it requires.
    QueryMissingField = "query.missing_field",
    /// A field of a request has the wrong type.
    QueryInvalidType = "query.invalid_type",
    /// An input number is NaN or infinite.
    QueryNotFinite = "query.not_finite",
    /// An input is out of its range (a percentile outside 0..1, …).
    QueryInvalidValue = "query.invalid_value",
    /// A history is not oldest first, names a period twice, or reaches the period judged.
    QueryInvalidHistory = "query.invalid_history",
    /// More rows asked for at once than memory allows.
    QueryLimitRows = "query.limit.rows",
    /// A host argument of a query has the wrong type or shape.
    QueryInvalidArgument = "query.invalid_argument",
    /// No `*.test.toml` files were found or given.
    TestNoFiles = "test.no_files",
    /// Coverage was asked of a build of core without its `coverage` feature (every shipped front door has it).
    TestCoverageUnavailable = "test.coverage_unavailable",
    /// A test file is not valid TOML.
    TestSyntax = "test.syntax",
    /// A test file has a key the test format does not know.
    TestUnknownField = "test.unknown_field",
    /// A test file lacks a key the test format requires.
    TestMissingField = "test.missing_field",
    /// A value in a test file has the wrong type.
    TestInvalidType = "test.invalid_type",
    /// A value in a test file is not one of the allowed (a direction, `data`, …).
    TestInvalidValue = "test.invalid_value",
    /// A test expects a status that is not on the plan's scale (nor `no_data` or `error`).
    TestUnknownStatus = "test.unknown_status",
    /// Two cases of a test file have the same name.
    TestDuplicateCase = "test.duplicate_case",
    /// A test case expects nothing, so it could not fail.
    TestExpectsNothing = "test.expects_nothing",
    /// An `equivalent-mutants.toml` lists a mutant the script no longer gives.
    TestStaleMutant = "test.stale_mutant",
    /// A file or folder does not exist.
    IoNotFound = "io.not_found",
    /// A file or folder could not be read.
    IoRead = "io.read",
    /// A file or stream could not be written.
    IoWrite = "io.write",
    /// A path expected to be a folder is not one.
    IoNotAFolder = "io.not_a_folder",
    /// A file is not UTF-8 text (or is UTF-16).
    IoNotUtf8 = "io.not_utf8",
    /// A link the reader does not follow (to a folder, outside the plan, or nowhere).
    IoLink = "io.link",
    /// Not a regular file (a pipe, socket or device).
    IoNotAFile = "io.not_a_file",
    /// A plan folder holds more files or bytes, or nests deeper, than the limits.
    IoLimit = "io.limit",
    /// A worker thread for the call could not be started.
    IoThread = "io.thread",
    /// A web request (Kolada) failed for good: the URL and the HTTP status or cause are named.
    IoNetwork = "io.network",
    /// The call's timeout was reached.
    InterruptedTimeout = "interrupted.timeout",
    /// The call was cancelled.
    InterruptedCancelled = "interrupted.cancelled",
    /// A panic inside attain, caught at a binding's boundary.
    InternalPanic = "internal.panic",
    /// The WebAssembly instance trapped (and was restarted).
    InternalTrap = "internal.trap",
    /// An object made by a WebAssembly instance that has since been restarted.
    InternalRestarted = "internal.restarted",
}

impl Code {
    /// The kind, the code's first segment.
    pub fn kind(self) -> ErrorKind {
        let first = self.as_str().split('.').next().unwrap_or_default();
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == first).unwrap_or(ErrorKind::Internal)
    }

    /// The code of a text, as serialised (`plan.duplicate_id`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }

    /// The code for a host argument of the wrong type or shape, in the kind of what it was meant as.
    pub fn invalid_argument(kind: ErrorKind) -> Code {
        match kind {
            ErrorKind::Plan => Code::PlanInvalidArgument,
            ErrorKind::Data => Code::DataInvalidArgument,
            _ => Code::QueryInvalidArgument,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The category of a serde error (toml, serde_json), read from its message: the foreign
/// errors expose no other handle on it.
pub(crate) fn serde_code(message: &str, [unknown, missing, invalid_type, invalid_value, other]: [Code; 5]) -> Code {
    if message.contains("unknown field") {
        unknown
    } else if message.contains("missing field") {
        missing
    } else if message.contains("invalid type") {
        invalid_type
    } else if message.contains("invalid value") || message.contains("unknown variant") || message.contains("is not a finite number") {
        invalid_value
    } else {
        other
    }
}
