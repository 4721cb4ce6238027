//! Runs the language-neutral vectors in tests/conformance/*.toml (see its README): the same
//! cases the Python and JavaScript bindings run.

use crate::common::repo_root;
use attain_core::{
    AssessRequest, CheckRequest, DataArg, Error, Gender, IndicatorRequest, Observations, Plan, PlanFiles, Query, Report, decode,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// This runner's key in a case's `skip` table.
const BINDING: &str = "rust";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[allow(dead_code)]
    description: Option<String>,
    files: Option<BTreeMap<String, String>>,
    plan: Option<String>,
    /// Host rows, in core's row vocabulary (read by `Observations::from_values`).
    #[serde(default)]
    observations: Vec<serde_json::Value>,
    csv: Option<String>,
    data: Option<String>,
    #[serde(default)]
    assignments: Vec<serde_json::Value>,
    #[serde(default)]
    query: CaseQuery,
    #[serde(default)]
    expect_indicators: BTreeMap<String, String>,
    #[serde(default)]
    expect_goals: BTreeMap<String, String>,
    #[serde(default)]
    expect_reasons: BTreeMap<String, String>,
    /// Per result (keys as `expect_reasons`), its measures: exactly these names, each to 1e-9.
    #[serde(default)]
    expect_measures: BTreeMap<String, BTreeMap<String, f64>>,
    /// Warnings the report must carry: each table matches one warning (its keys equal, `message`
    /// a substring).
    #[serde(default)]
    expect_warnings: Vec<toml::Table>,
    expect_error: Option<ExpectError>,
    #[serde(default)]
    skip: BTreeMap<String, String>,
    /// A call other than `evaluate` (see the README): `op` and its fields.
    call: Option<toml::Table>,
    expect_result: Option<toml::Value>,
    #[serde(default)]
    expect_text: BTreeMap<String, String>,
}

/// What a case's call gave: a report, or any other result as JSON (one per case, never
/// stored in bulk, so its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Report(Box<Report>),
    Value(serde_json::Value),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CaseQuery {
    entity: Option<String>,
    period: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectError {
    #[serde(rename = "type")]
    kind: String,
    /// The stable code (`plan.duplicate_id`): every expected error names one.
    code: String,
    message: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    row: Option<usize>,
}

fn folder() -> PathBuf {
    repo_root().join("tests/conformance")
}

/// Every case of every file, with the file it came from.
fn all_cases() -> Vec<(String, Case)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("tests/conformance exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no conformance files in {}", folder().display());
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        out.extend(file.case.into_iter().map(|c| (name.clone(), c)));
    }
    out
}

fn load_plan(case: &Case) -> Result<Plan, Error> {
    match (&case.files, &case.plan) {
        (Some(files), None) => Plan::from_files(files.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<PlanFiles>()),
        (None, Some(dir)) => Plan::load(folder().join(dir)),
        _ => panic!("case `{}` needs exactly one of `files` and `plan`", case.name),
    }
}

fn observations(case: &Case, plan: &Plan) -> Result<Observations, Error> {
    let mut data = Observations::from_values(&case.observations)?;
    if let Some(text) = &case.csv {
        data.merge_checked(Observations::from_csv(text, "observations.csv")?)?;
    }
    match case.data.as_deref() {
        None => {}
        Some("plan") => data.merge_checked(plan.bundled_data()?)?,
        Some(other) => panic!("case `{}`: data = `{other}`; the only value is \"plan\"", case.name),
    }
    if !case.assignments.is_empty() {
        data.merge(Observations::from_assignment_values(&case.assignments)?);
    }
    Ok(data)
}

/// The rows written back every way core writes them (host rows, CSV, JSON) and read again
/// are the same rows, and so are the follow-ups.
fn round_trip(name: &str, data: &Observations) -> Result<(), Error> {
    let host: Vec<serde_json::Value> = data.rows().map(|r| serde_json::to_value(r).expect("a row serialises")).collect();
    let back = [
        ("host rows", Observations::from_values(&host)?),
        ("CSV", Observations::from_csv(&data.to_csv()?, "rows.csv")?),
        ("JSON", Observations::from_json(&data.to_json(), "rows.json")?),
    ];
    for (how, again) in back {
        assert_eq!(
            again.rows().collect::<Vec<_>>(),
            data.rows().collect::<Vec<_>>(),
            "case `{name}`: the rows written as {how} and read again differ"
        );
    }
    let follow_ups = Observations::from_csv(&data.assignments_to_csv(), "follow-ups.csv")?;
    assert_eq!(follow_ups.assignment_updates(), data.assignment_updates(), "case `{name}`: the follow-ups written as CSV differ");
    Ok(())
}

fn run(case: &Case) -> Result<Outcome, Error> {
    let plan = load_plan(case)?;
    let Some(call) = &case.call else {
        let data = observations(case, &plan)?;
        let mut query = Query::default();
        query.entity = case.query.entity.clone();
        query.period = case.query.period.clone();
        return plan.evaluate(&data, &query).map(|r| Outcome::Report(Box::new(r)));
    };
    let mut args = call.clone();
    let op =
        args.remove("op").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| panic!("case `{}`: call without `op`", case.name));
    let take = |args: &mut toml::Table, key: &str| args.remove(key).unwrap_or_else(|| panic!("case `{}`: {op} needs `{key}`", case.name));
    let json = |v: &dyn erased::Serialize| Outcome::Value(v.to_json());
    // The case's observations, else the plan's own data (as a host passing no data).
    let given = || -> Result<Option<Observations>, Error> {
        let none = case.observations.is_empty() && case.csv.is_none() && case.data.is_none() && case.assignments.is_empty();
        if none { Ok(None) } else { observations(case, &plan).map(Some) }
    };
    let out = match op.as_str() {
        "assess" => {
            let indicator = take(&mut args, "indicator");
            let inputs: AssessRequest = decode("inputs", take(&mut args, "inputs"))?;
            json(&plan.assess(indicator.as_str().unwrap_or_default(), &inputs)?)
        }
        "assess_many" => {
            let indicator = take(&mut args, "indicator");
            let rows: Vec<AssessRequest> = decode("rows", take(&mut args, "rows"))?;
            json(&plan.assess_many(indicator.as_str().unwrap_or_default(), &rows)?)
        }
        "explain" | "required" => {
            let request: IndicatorRequest = decode("request", toml::Value::Table(std::mem::take(&mut args)))?;
            let data = given()?;
            let data = plan.data_for(data.as_ref().map_or(DataArg::Absent, DataArg::Given))?;
            let (query, gender) = request.query();
            if op == "explain" {
                json(&plan.explain(&data, &query, &request.indicator, gender)?)
            } else {
                json(&plan.required(&data, &query, &request.indicator, gender)?)
            }
        }
        "check" => {
            let request: CheckRequest = decode("options", toml::Value::Table(std::mem::take(&mut args)))?;
            json(&attain_core::check(&plan, &request.options())?)
        }
        "outline" => json(&plan.outline()),
        "rule_tests" => {
            let options: attain_core::TestOptions = decode("options", toml::Value::Table(std::mem::take(&mut args)))?;
            let files: PlanFiles =
                case.files.clone().unwrap_or_else(|| panic!("case `{}`: rule_tests needs `files`", case.name)).into_iter().collect();
            json(&attain_core::run_rule_tests_in_with(&files, &options)?)
        }
        "evaluate_text" => {
            // A host passing a string as the data argument.
            let _text = take(&mut args, "text");
            let data = plan.data_for(DataArg::Text)?;
            Outcome::Report(Box::new(plan.evaluate(&data, &Query::default())?))
        }
        "rows" => {
            let data = observations(case, &plan)?;
            round_trip(&case.name, &data)?;
            json(&data.rows().collect::<Vec<_>>())
        }
        other => panic!("case `{}`: unknown op `{other}`", case.name),
    };
    assert!(args.is_empty(), "case `{}`: {op} does not take {:?}", case.name, args.keys().collect::<Vec<_>>());
    Ok(out)
}

/// Serialising the many result types through one function.
mod erased {
    pub trait Serialize {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Serialize for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("results serialise")
        }
    }
}

/// `want` is a subset of `got`: tables by the keys given, lists item by item, numbers within 1e-9.
fn subset(want: &serde_json::Value, got: &serde_json::Value, path: &str, diffs: &mut Vec<String>) {
    use serde_json::Value as J;
    match (want, got) {
        (J::Object(w), J::Object(g)) => {
            for (k, wv) in w {
                let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match g.get(k) {
                    Some(gv) => subset(wv, gv, &at, diffs),
                    None => diffs.push(format!("result {at}: missing (expected {wv})")),
                }
            }
        }
        (J::Array(w), J::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                subset(wv, gv, &if path.is_empty() { i.to_string() } else { format!("{path}.{i}") }, diffs);
            }
        }
        (J::Number(w), J::Number(g)) => {
            let (w, g) = (w.as_f64().unwrap_or(f64::NAN), g.as_f64().unwrap_or(f64::NAN));
            if (w - g).abs() > 1e-9 {
                diffs.push(format!("result {path}: expected {w}, got {g}"));
            }
        }
        _ if want == got => {}
        _ => diffs.push(format!("result {path}: expected {want}, got {got}")),
    }
}

/// The text at a dotted path (`reason`, `0.reason`, `result.reason`).
fn text_at<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a str> {
    path.split('.')
        .try_fold(v, |v, key| match key.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(key),
        })
        .and_then(serde_json::Value::as_str)
}

/// `N00209`, `N00209/K` or `N00209/M`.
fn indicator_key(key: &str) -> (&str, Gender) {
    match key.rsplit_once('/') {
        Some((id, "K")) => (id, Gender::K),
        Some((id, "M")) => (id, Gender::M),
        Some((id, "T")) => (id, Gender::T),
        _ => (key, Gender::T),
    }
}

/// Compares one case; returns what differed.
fn check(case: &Case, outcome: Result<Outcome, Error>) -> Vec<String> {
    let mut diffs = Vec::new();
    if let Some(want) = &case.expect_error {
        match outcome {
            Ok(_) => diffs.push(format!("expected a {} error, but it succeeded", want.kind)),
            Err(e) => {
                let got = e.kind().as_str();
                if got != want.kind {
                    diffs.push(format!("error type: expected {}, got {got} ({e})", want.kind));
                }
                if e.code().as_str() != want.code {
                    diffs.push(format!("error code: expected {}, got {} ({e})", want.code, e.code()));
                }
                if let Some(m) = &want.message {
                    if !e.message().contains(m.as_str()) {
                        diffs.push(format!("error message: expected it to contain `{m}`, got `{}`", e.message()));
                    }
                }
                let fields = [("line", want.line, e.line()), ("column", want.column, e.column()), ("row", want.row, e.row())];
                if want.file.is_some() && want.file.as_deref() != e.file() {
                    diffs.push(format!("error file: expected {:?}, got {:?} ({e})", want.file, e.file()));
                }
                for (what, want, got) in fields {
                    if want.is_some() && want != got {
                        diffs.push(format!("error {what}: expected {want:?}, got {got:?} ({e})"));
                    }
                }
            }
        }
        return diffs;
    }
    let report = match outcome {
        Ok(Outcome::Report(r)) => r,
        Ok(Outcome::Value(got)) => {
            if let Some(want) = &case.expect_result {
                subset(&serde_json::to_value(want).expect("TOML is JSON"), &got, "", &mut diffs);
            }
            for (path, want) in &case.expect_text {
                match text_at(&got, path) {
                    Some(t) if t.contains(want.as_str()) => {}
                    Some(t) => diffs.push(format!("result {path}: expected it to contain `{want}`, got `{t}`")),
                    None => diffs.push(format!("result {path}: no text there in {got}")),
                }
            }
            return diffs;
        }
        Err(e) => return vec![format!("unexpected error: {e}")],
    };
    for (key, want) in &case.expect_indicators {
        let (id, gender) = indicator_key(key);
        match report.indicator(id, gender) {
            Some(r) if &r.status == want => {}
            Some(r) => diffs.push(format!("indicator {key}: expected {want}, got {} ({})", r.status, r.reason)),
            None => diffs.push(format!("indicator {key}: not in the report")),
        }
    }
    for (id, want) in &case.expect_goals {
        match report.goal(id) {
            Some(g) if &g.status == want => {}
            Some(g) => diffs.push(format!("goal {id}: expected {want}, got {} ({})", g.status, g.reason)),
            None => diffs.push(format!("goal {id}: not in the report")),
        }
    }
    for (key, want) in &case.expect_reasons {
        let reason = match key.strip_prefix("goal:") {
            Some(id) => report.goal(id).map(|g| g.reason.clone()),
            None => {
                let (id, gender) = indicator_key(key);
                report.indicator(id, gender).map(|r| r.reason.clone())
            }
        };
        match reason {
            Some(r) if r.contains(want.as_str()) => {}
            Some(r) => diffs.push(format!("reason of {key}: expected it to contain `{want}`, got `{r}`")),
            None => diffs.push(format!("reason of {key}: not in the report")),
        }
    }
    for (key, want) in &case.expect_measures {
        let got = match key.strip_prefix("goal:") {
            Some(id) => report.goal(id).map(|g| &g.measures),
            None => {
                let (id, gender) = indicator_key(key);
                report.indicator(id, gender).map(|r| &r.measures)
            }
        };
        match got {
            Some(m) if m.len() == want.len() && want.iter().all(|(k, x)| m.get(k).is_some_and(|y| (x - y).abs() <= 1e-9)) => {}
            Some(m) => diffs.push(format!("measures of {key}: expected {want:?}, got {m:?}")),
            None => diffs.push(format!("measures of {key}: not in the report")),
        }
    }
    let got = serde_json::to_value(&report.warnings).expect("warnings are JSON");
    for want in &case.expect_warnings {
        let want = serde_json::to_value(want).expect("TOML is JSON");
        if !got.as_array().is_some_and(|all| all.iter().any(|w| warning_matches(&want, w))) {
            diffs.push(format!("warning {want}: not among the report's {got}"));
        }
    }
    diffs
}

/// Whether a report's warning has every key of the expected one: equal, `message` a substring.
fn warning_matches(want: &serde_json::Value, got: &serde_json::Value) -> bool {
    use serde_json::Value;
    want.as_object().is_some_and(|fields| {
        fields.iter().all(|(k, v)| match (k.as_str(), v, got.get(k)) {
            ("message", Value::String(s), Some(Value::String(g))) => g.contains(s.as_str()),
            (_, Value::Number(a), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
            (_, a, Some(b)) => a == b,
            _ => false,
        })
    })
}

#[test]
fn every_conformance_case_passes() {
    let cases = all_cases();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    let (mut passed, mut skipped) = (0, 0);
    for (file, case) in &cases {
        assert!(names.insert(case.name.clone()), "case name `{}` is used twice (second in {file})", case.name);
        let expects_something = case.expect_error.is_some()
            || !case.expect_indicators.is_empty()
            || !case.expect_goals.is_empty()
            || case.expect_result.is_some()
            || !case.expect_text.is_empty();
        assert!(expects_something, "case `{}` in {file} expects nothing, so it cannot fail", case.name);
        assert!(
            case.expect_error.is_none()
                || (case.expect_indicators.is_empty()
                    && case.expect_goals.is_empty()
                    && case.expect_reasons.is_empty()
                    && case.expect_measures.is_empty()
                    && case.expect_warnings.is_empty()),
            "case `{}` in {file} expects both an error and results",
            case.name
        );
        for key in case.skip.keys() {
            assert!(["rust", "cli", "python", "js"].contains(&key.as_str()), "case `{}` in {file}: unknown skip key `{key}`", case.name);
        }
        if let Some(why) = case.skip.get(BINDING) {
            println!("skipped  {file}: {} ({why})", case.name);
            skipped += 1;
            continue;
        }
        let diffs = check(case, run(case));
        if diffs.is_empty() {
            passed += 1;
        } else {
            failures.push(format!("{file}: {}\n  {}", case.name, diffs.join("\n  ")));
        }
    }
    println!("conformance: {passed} passed, {skipped} skipped, {} failed", failures.len());
    assert!(failures.is_empty(), "{} conformance cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 20, "only {passed} conformance cases ran");
}

/// The format is strict: an unknown field in a case is an error, not silently ignored.
#[test]
fn the_case_format_rejects_unknown_fields() {
    let text = "[[case]]\nname = \"x\"\nfiles = {}\nexpect_goal = { a = \"attained\" }\n";
    let err = toml::from_str::<CaseFile>(text).err().expect("unknown field refused");
    assert!(err.to_string().contains("expect_goal"), "{err}");
}

/// The runner itself can fail: a wrong expectation is reported with what was expected and got.
#[test]
fn a_wrong_expectation_is_reported() {
    let text = r#"
[[case]]
name = "wrong on purpose"
observations = [{ indicator = "I", entity = "1", period = "2022", value = 5 }, { indicator = "I", entity = "0000", period = "2022", value = 4 }]
query = { entity = "1", period = "2022" }
expect_indicators = { I = "not_attained" }
expect_reasons = { I = "no such text" }
[case.files]
"plan.toml" = """
[plan]
id = "w"
title = "W"
[comparison]
national = "0000"
[[indicator]]
id = "I"
title = "I"
rule = "reference"
"""
"#;
    let file: CaseFile = toml::from_str(text).unwrap();
    let case = &file.case[0];
    let diffs = check(case, run(case));
    assert_eq!(diffs.len(), 2, "{diffs:?}");
    assert!(diffs[0].contains("expected not_attained, got attained"), "{diffs:?}");
    assert!(diffs[1].contains("no such text"), "{diffs:?}");
}

/// An error of the right type but another code is a failure: vectors match codes.
#[test]
fn a_wrong_error_code_is_reported() {
    let text = r#"
[[case]]
name = "wrong code on purpose"
expect_error = { type = "plan", code = "plan.duplicate_id" }
files = { "plan.toml" = "" }
"#;
    let file: CaseFile = toml::from_str(text).unwrap();
    let case = &file.case[0];
    let diffs = check(case, run(case));
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(diffs[0].starts_with("error code: expected plan.duplicate_id, got plan.empty"), "{diffs:?}");
}

/// Every expected error names its code: a vector without one is refused.
#[test]
fn an_expected_error_without_a_code_is_refused() {
    let text = "[[case]]\nname = \"x\"\nfiles = {}\nexpect_error = { type = \"plan\" }\n";
    let err = toml::from_str::<CaseFile>(text).err().expect("missing code refused");
    assert!(err.to_string().contains("missing field `code`"), "{err}");
}
