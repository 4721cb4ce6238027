//! Helpers shared by the test modules.

use attain_core::{Error, ErrorKind, Gender, Observation, Observations, Plan, PlanFiles, Query, Report};
use std::path::PathBuf;

/// The repository root (the folder above `core/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A plan from `plan.toml` text and optional extra files (a path refused is the error of
/// `Plan::from_files`).
pub fn plan_files(plan_toml: &str, extra: &[(&str, &str)]) -> PlanFiles {
    std::iter::once(("plan.toml", plan_toml)).chain(extra.iter().copied()).map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

/// Loads a plan that must be valid.
pub fn plan(plan_toml: &str, extra: &[(&str, &str)]) -> Plan {
    Plan::from_files(plan_files(plan_toml, extra)).unwrap_or_else(|e| panic!("plan does not load: {e}"))
}

/// Loading this plan must fail; the error is returned.
pub fn plan_error(plan_toml: &str, extra: &[(&str, &str)]) -> Error {
    match Plan::from_files(plan_files(plan_toml, extra)) {
        Ok(_) => panic!("the plan loaded, but an error was expected:\n{plan_toml}"),
        Err(e) => e,
    }
}

/// Tidy CSV that must parse.
pub fn csv(text: &str) -> Observations {
    Observations::from_csv(text, "data.csv").unwrap_or_else(|e| panic!("data does not parse: {e}"))
}

/// Evaluates for an entity and period.
pub fn evaluate(plan: &Plan, data: &Observations, entity: &str, period: &str) -> Report {
    plan.evaluate(data, &Query::new(entity, period)).unwrap_or_else(|e| panic!("evaluation failed: {e}"))
}

/// Asserts kind, file, line and column of an error.
#[track_caller]
pub fn assert_at(e: &Error, kind: ErrorKind, file: Option<&str>, line: Option<usize>, column: Option<usize>) {
    assert_eq!(e.kind(), kind, "kind of {e}");
    assert_eq!(e.file(), file, "file of {e}");
    assert_eq!(e.line(), line, "line of {e}");
    assert_eq!(e.column(), column, "column of {e}");
}

/// Asserts that an error's message contains a piece of text.
#[track_caller]
pub fn assert_message(e: &Error, contains: &str) {
    assert!(e.message().contains(contains), "message `{}` does not contain `{contains}`", e.message());
}

/// One observation for the total (T), no reason, count or source.
pub fn obs(indicator: &str, entity: &str, period: &str, value: Option<f64>) -> Observation {
    Observation {
        indicator: indicator.into(),
        entity: entity.into(),
        period: period.into(),
        gender: Gender::T,
        value,
        missing: None,
        count: None,
        source: None,
    }
}
