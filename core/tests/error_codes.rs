//! Stable error codes: one closed catalogue, a code on every error, in every serialised form.

use crate::common::{plan, plan_error, repo_root};
use attain_core::{Code, Error, ErrorKind, Gender, Observations, PlanFiles, Query, Stop};
use std::collections::BTreeSet;

const PLAN: &str = "[plan]\nid = \"p\"\ntitle = \"P\"\nentity = \"1\"\nperiod = \"2023\"\n\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/r.rhai\"\n";

#[test]
fn the_catalogue_has_no_duplicates_and_every_code_starts_with_a_kind() {
    let kinds: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut seen = BTreeSet::new();
    for &code in Code::ALL {
        let text = code.as_str();
        assert!(seen.insert(text), "code `{text}` is in the catalogue twice");
        let segments: Vec<&str> = text.split('.').collect();
        assert!(segments.len() >= 2, "code `{text}` has no condition after its kind");
        assert!(
            segments.iter().all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
            "code `{text}` is not lowercase words joined by `.`"
        );
        assert!(kinds.contains(&segments[0]), "code `{text}` does not start with a kind ({})", kinds.join(", "));
        assert_eq!(code.kind().as_str(), segments[0], "the kind of `{text}`");
        assert_eq!(Code::parse(text), Some(code));
        assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(text));
        assert!(!code.description().is_empty() && code.description().ends_with('.'), "`{text}` needs a one-line description");
    }
    assert_eq!(seen.len(), Code::ALL.len());
    assert_eq!(Code::parse("plan.no_such_code"), None);
    // Every kind has a code.
    for kind in ErrorKind::ALL {
        assert!(Code::ALL.iter().any(|c| c.kind() == *kind), "kind `{}` has no code", kind.as_str());
    }
}

#[test]
fn a_plan_error_has_its_code() {
    let e = plan_error(&format!("{PLAN}\n[[indicator]]\nid = \"I\"\ntitle = \"again\"\n"), &[("rules/r.rhai", "attained()")]);
    assert_eq!((e.kind(), e.code()), (ErrorKind::Plan, Code::PlanDuplicateId));
    let e = plan_error(&format!("{PLAN}colour = \"red\"\n"), &[("rules/r.rhai", "attained()")]);
    assert_eq!(e.code().as_str(), "plan.unknown_field");
    let e = plan_error("[plan\n", &[]);
    assert_eq!(e.code().as_str(), "plan.syntax");
    let e = plan_error("[plan]\nid = \"p\"\n", &[]);
    assert_eq!(e.code().as_str(), "plan.missing_field", "{e}");
}

#[test]
fn a_rule_error_has_its_code_and_so_has_the_indicator_error_in_a_report() {
    let e = plan_error(PLAN, &[("rules/r.rhai", "let x = ;")]);
    assert_eq!((e.kind(), e.code()), (ErrorKind::Rule, Code::RuleCompile));
    let data = Observations::from_csv("indicator,entity,period,value\nI,1,2023,5\n", "d.csv").unwrap();
    for (script, code) in [
        ("loop {}", "rule.limit.operations"),
        ("let s = \"x\";\nloop { s += s; }", "rule.limit.size"),
        ("throw \"no\";", "rule.runtime"),
        ("\"attained\"", "rule.invalid_result"),
        ("status(\"great\")", "rule.unknown_status"),
    ] {
        let p = plan(PLAN, &[("rules/r.rhai", script)]);
        let report = p.evaluate(&data, &Query::default()).unwrap();
        let ind = report.indicator("I", Gender::T).unwrap();
        assert_eq!(ind.status, "error", "{script}");
        let error = ind.error.as_ref().expect("the indicator carries its error");
        assert_eq!(error.code().as_str(), code, "{script}: {error}");
        let json: serde_json::Value = serde_json::from_str(&attain_core::render(&report, attain_core::Format::Json)).unwrap();
        assert_eq!(json["indicators"][0]["error"]["code"], code, "{script}: the report's JSON carries the code");
    }
}

#[test]
fn a_data_error_has_its_code() {
    let csv = |text: &str| Observations::from_csv(text, "d.csv").unwrap_err().code().as_str();
    assert_eq!(csv("indicator,entity,period,value,colour\n"), "data.unknown_column");
    assert_eq!(csv("indicator,entity,period,value\nI,1,2023,1\nI,1,2023,2\n"), "data.duplicate_row");
    assert_eq!(csv("indicator,entity,period,value\nI,1,2023,NaN\n"), "data.not_finite");
    assert_eq!(csv("indicator,entity,period,gender,value\nI,1,2023,X,1\n"), "data.invalid_gender");
    assert_eq!(csv("entity,period,value\n"), "data.missing_column");
    let json = |text: &str| Observations::from_json(text, "d.json").unwrap_err();
    let e = json("[{\"indicator\": \"I\",");
    assert_eq!((e.code(), e.file(), e.line()), (Code::DataMalformedJson, Some("d.json"), Some(1)));
    assert_eq!(json("[{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2023\", \"colour\": 1}]").code(), Code::DataUnknownField);
    // Inside a Kolada response the prefix `item N: ` goes in front of the same code.
    let e = json("{\"values\": [{\"kpi\": \"I\", \"municipality\": \"1\", \"period\": 2023, \"values\": [{\"gender\": \"X\"}]}]}");
    assert_eq!((e.code(), e.row()), (Code::DataInvalidGender, Some(1)));
    assert!(e.message().starts_with("item 1, value 1: gender `X`"), "{e}");
    // serde's own error for a follow-up, mapped by its category.
    let e = json("{\"assignments\": [{\"assignment\": \"A\", \"period\": \"2023\"}]}");
    assert_eq!((e.code(), e.row()), (Code::DataMissingField, Some(1)), "{e}");
    let e = json("{\"assignments\": [{\"assignment\": \"A\", \"period\": \"2023\", \"status\": 5}]}");
    assert_eq!(e.code(), Code::DataInvalidType, "{e}");
}

#[test]
fn query_test_io_and_interrupted_errors_have_their_codes() {
    let p = plan(PLAN, &[("rules/r.rhai", "attained()")]);
    let e = p.explain(&Observations::default(), &Query::default(), "NOPE", Gender::T).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Query, Code::QueryUnknownIndicator));
    let no_entity = plan(&PLAN.replace("entity = \"1\"\n", ""), &[("rules/r.rhai", "attained()")]);
    assert_eq!(no_entity.evaluate(&Observations::default(), &Query::default()).unwrap_err().code(), Code::QueryNoEntity);
    let e = attain_core::run_rule_tests_in(&PlanFiles::new()).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Test, Code::TestNoFiles));
    let e = attain_core::Plan::load(repo_root().join("no/such/folder")).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Io, Code::IoNotFound));
    let e = Observations::load(repo_root().join("no-such-file.csv")).unwrap_err();
    assert_eq!(e.code(), Code::IoNotFound);
    let stop = Stop::new();
    stop.cancel();
    let e = stop.run(|| Ok(())).unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::Interrupted, Code::InterruptedCancelled));
    assert_eq!(Stop::with_timeout_secs(f64::NAN).unwrap_err().code(), Code::QueryInvalidTimeout);
}

#[test]
fn a_serialised_error_round_trips_with_its_code() {
    let e = plan_error(&format!("{PLAN}\n[[indicator]]\nid = \"I\"\ntitle = \"again\"\n"), &[("rules/r.rhai", "attained()")]);
    let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(json["type"], "plan");
    assert_eq!(json["code"], "plan.duplicate_id");
    assert_eq!(json["file"], "plan.toml");
    assert_eq!(json["line"], 13);
    let back: Error = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(back, e);
    assert_eq!(back.code(), Code::PlanDuplicateId);
    // A type that is not the code's kind is refused, as is an unknown code.
    let wrong = r#"{"type": "data", "code": "plan.duplicate_id", "message": "m"}"#;
    let err = serde_json::from_str::<Error>(wrong).unwrap_err();
    assert!(err.to_string().contains("error type `data` does not match code `plan.duplicate_id`"), "{err}");
    assert!(serde_json::from_str::<Error>(r#"{"type": "plan", "code": "plan.nope", "message": "m"}"#).is_err());
}

/// A kind-only constructor (`Error::plan(…)`, `Error::new(ErrorKind::…)`) would let a code be
/// forgotten: none may come back anywhere in core's source.
#[test]
fn no_kind_only_constructor_is_left_in_core() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo_root().join("core/src"), &mut files);
    assert!(files.len() >= 10, "core/src has only {} files", files.len());
    let kinds = ["plan", "rule", "data", "query", "test", "io", "interrupted", "internal"];
    let mut forbidden: Vec<String> = kinds.iter().map(|k| format!("Error::{k}(")).collect();
    forbidden.push("Error::new(ErrorKind".into());
    forbidden.push("Error::new(crate::ErrorKind".into());
    forbidden.extend(kinds.iter().map(|k| format!("fn {k}(message")));
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            for f in &forbidden {
                if line.contains(f.as_str()) {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "kind-only error constructors remain:\n{}", found.join("\n"));
}

/// docs/guide.md's "Error codes" table is the catalogue, row for row.
#[test]
fn the_guide_lists_the_catalogue() {
    let guide = std::fs::read_to_string(repo_root().join("docs/guide.md")).unwrap();
    let section = guide.split("## 7. Error codes").nth(1).expect("the guide has an Error codes section");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
    let want: Vec<String> = Code::ALL.iter().map(|c| format!("| `{}` | {} |", c.as_str(), c.description().replace('|', "\\|"))).collect();
    assert_eq!(rows, want, "docs/guide.md's error codes differ from core's catalogue (core/src/error/code.rs)");
}
