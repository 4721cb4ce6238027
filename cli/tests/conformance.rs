//! Runs the language-neutral vectors in tests/conformance/*.toml (see its README) through the
//! built `attain` binary and its JSON output: the CLI as the fourth front door, beside core,
//! Python and JavaScript. Each case's plan and data are written to a temporary folder; an
//! evaluation is `attain report --format json`, a call is `attain assess|explain|required|check
//! --json`, and an error is the JSON the command prints with exit code 2. The comparisons are
//! core's runner's (core/tests/conformance.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use attain_core::{Gender, Report};
use serde::Deserialize;
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// This runner's key in a case's `skip` table.
const BINDING: &str = "cli";

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
    /// Host rows in core's row vocabulary, written as a JSON rows file as they are.
    #[serde(default)]
    observations: Vec<J>,
    csv: Option<String>,
    data: Option<String>,
    #[serde(default)]
    assignments: Vec<J>,
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
    /// The stable code: every expected error names one (tests/conformance/README.md).
    code: String,
    message: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    row: Option<usize>,
}

/// What the binary gave: a report, any other result as JSON, or (exit 2) its error as JSON.
enum Outcome {
    Report(Box<Report>),
    Value(J),
    Error(J),
    /// The case could not be run at all (a crash, output that is not JSON, a call the CLI lacks).
    Broken(String),
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
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

/// What makes a case unrunnable by any runner: it expects nothing, or both an error and
/// results, or names a front door that does not exist in its `skip`.
fn validate(case: &Case) -> Result<(), String> {
    let expects_something = case.expect_error.is_some()
        || !case.expect_indicators.is_empty()
        || !case.expect_goals.is_empty()
        || case.expect_result.is_some()
        || !case.expect_text.is_empty();
    if !expects_something {
        return Err(format!("case `{}` expects nothing, so it cannot fail", case.name));
    }
    if case.expect_error.is_some()
        && !(case.expect_indicators.is_empty()
            && case.expect_goals.is_empty()
            && case.expect_reasons.is_empty()
            && case.expect_measures.is_empty())
    {
        return Err(format!("case `{}` expects both an error and results", case.name));
    }
    for key in case.skip.keys() {
        if !["rust", "cli", "python", "js"].contains(&key.as_str()) {
            return Err(format!("case `{}`: unknown skip key `{key}`", case.name));
        }
    }
    Ok(())
}

/// A fresh folder under the system temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("attain-conformance-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    /// Writes `text` at `rel` and gives `rel` back (the binary runs in this folder).
    fn write(&self, rel: &str, text: &str) -> String {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        rel.to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The plan folder argument: the inline files written under `plan/`, or the case's folder.
fn plan_arg(case: &Case, dir: &TempDir) -> PathBuf {
    match (&case.files, &case.plan) {
        (Some(files), None) => {
            std::fs::create_dir_all(dir.0.join("plan")).unwrap();
            for (path, text) in files {
                dir.write(&format!("plan/{path}"), text);
            }
            PathBuf::from("plan")
        }
        (None, Some(plan)) => folder().join(plan),
        _ => panic!("case `{}` needs exactly one of `files` and `plan`", case.name),
    }
}

/// Every data file of a plan folder's `data/` (as the plan reads them: `.csv` and `.json`),
/// in path order.
fn plan_data_files(root: &Path, plan: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv") || x.eq_ignore_ascii_case("json")) {
                out.push(p);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root.join(plan).join("data"), &mut found);
    found.sort();
    found.into_iter().map(|p| p.display().to_string()).collect()
}

/// The `--data` files of the case's own data, in core's order: host rows (as a JSON rows file),
/// CSV, the plan's data folder, assignment follow-ups. `None` when the case gives no data.
fn data_files(case: &Case, dir: &TempDir, plan: &Path) -> Option<Vec<String>> {
    let none = case.observations.is_empty() && case.csv.is_none() && case.data.is_none() && case.assignments.is_empty();
    if none {
        return None;
    }
    let mut files = Vec::new();
    if !case.observations.is_empty() {
        // Core's JSON reader reads the same vocabulary as its host rows.
        files.push(dir.write("observations.json", &serde_json::to_string(&case.observations).unwrap()));
    }
    if let Some(text) = &case.csv {
        files.push(dir.write("observations.csv", text));
    }
    match case.data.as_deref() {
        None => {}
        Some("plan") => files.extend(plan_data_files(&dir.0, plan)),
        Some(other) => panic!("case `{}`: data = `{other}`; the only value is \"plan\"", case.name),
    }
    if !case.assignments.is_empty() {
        let json = serde_json::json!({ "assignments": case.assignments });
        files.push(dir.write("assignments.json", &json.to_string()));
    }
    Some(files)
}

fn data_flags(files: &[String]) -> Vec<String> {
    files.iter().flat_map(|f| ["--data".to_string(), f.clone()]).collect()
}

/// A TOML scalar as a command-line word (a period may be a whole number).
fn word(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => panic!("`{other:?}` is not a scalar"),
    }
}

fn has_nan(v: &toml::Value) -> bool {
    match v {
        toml::Value::Float(f) => f.is_nan(),
        toml::Value::Array(a) => a.iter().any(has_nan),
        toml::Value::Table(t) => t.values().any(has_nan),
        _ => false,
    }
}

/// `assess` inputs as flags, for what JSON cannot hold (NaN): only the inputs that have a flag.
fn assess_flags(inputs: &toml::Table) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (key, v) in inputs {
        match key.as_str() {
            "value" | "period" | "target" | "national" | "percentile" => out.extend([format!("--{key}"), word(v)]),
            "history" => {
                let items: Vec<String> = v
                    .as_array()
                    .ok_or("history is not a list")?
                    .iter()
                    .map(|h| format!("{}={}", word(&h["period"]), word(&h["value"])))
                    .collect();
                out.extend(["--history".to_string(), items.join(",")]);
            }
            other => return Err(format!("the input `{other}` has no flag, and NaN cannot be written in `--inputs` JSON")),
        }
    }
    Ok(out)
}

/// The command line of a case, relative to its folder; `Err` for a call the CLI cannot make.
fn command_line(case: &Case, dir: &TempDir) -> Result<Vec<String>, String> {
    let plan = plan_arg(case, dir);
    let plan_word = plan.display().to_string();
    let data = data_files(case, dir, &plan);
    let Some(call) = &case.call else {
        let mut args = vec!["report".to_string(), plan_word, "--format".into(), "json".into()];
        // Core evaluates the case's data only: with none, an empty file keeps the plan's own away.
        let files = data.unwrap_or_else(|| vec![dir.write("none.json", "[]")]);
        args.extend(data_flags(&files));
        for (flag, value) in [("--entity", &case.query.entity), ("--period", &case.query.period)] {
            if let Some(v) = value {
                args.extend([flag.to_string(), v.clone()]);
            }
        }
        return Ok(args);
    };
    let mut fields = call.clone();
    let op = fields.remove("op").map(|v| word(&v)).unwrap_or_else(|| panic!("case `{}`: call without `op`", case.name));
    let mut take = |key: &str| fields.remove(key).unwrap_or_else(|| panic!("case `{}`: {op} needs `{key}`", case.name));
    let args = match op.as_str() {
        "assess" => {
            let indicator = word(&take("indicator"));
            let inputs = take("inputs");
            let mut args = vec!["assess".to_string(), plan_word, "--indicator".into(), indicator, "--json".into()];
            if has_nan(&inputs) {
                args.extend(assess_flags(inputs.as_table().ok_or("inputs is not a table")?)?);
            } else {
                args.extend(["--inputs".to_string(), serde_json::to_string(&inputs).unwrap()]);
            }
            args
        }
        "assess_many" => {
            let indicator = word(&take("indicator"));
            let rows = take("rows");
            if has_nan(&rows) {
                return Err("NaN cannot be written in `--inputs` JSON".into());
            }
            vec![
                "assess".to_string(),
                plan_word,
                "--indicator".into(),
                indicator,
                "--json".into(),
                "--inputs".into(),
                serde_json::to_string(&rows).unwrap(),
            ]
        }
        "outline" => vec!["outline".to_string(), plan_word],
        "explain" | "required" => {
            let mut args = vec![op.clone(), plan_word, "--json".into()];
            for key in ["indicator", "entity", "period", "gender"] {
                if let Some(v) = fields.remove(key) {
                    args.extend([format!("--{key}"), word(&v)]);
                }
            }
            args.extend(data_flags(&data.unwrap_or_default()));
            args
        }
        "check" => {
            let mut args = vec!["check".to_string(), plan_word, "--json".into()];
            for key in ["cases", "seed"] {
                if let Some(v) = fields.remove(key) {
                    args.extend([format!("--{key}"), word(&v)]);
                }
            }
            args
        }
        "rule_tests" => {
            let mut args = vec!["test".to_string(), plan_word, "--format".into(), "json".into()];
            for flag in ["coverage", "mutants"] {
                if let Some(v) = fields.remove(flag) {
                    if v.as_bool() == Some(true) {
                        args.push(format!("--{flag}"));
                    }
                }
            }
            args
        }
        other => return Err(format!("the CLI has no command for `{other}`; give the case a `cli` skip with the reason")),
    };
    if !fields.is_empty() {
        return Err(format!("{op}: the CLI runner does not pass {:?}", fields.keys().collect::<Vec<_>>()));
    }
    Ok(args)
}

fn run(case: &Case) -> Outcome {
    let dir = TempDir::new();
    let args = match command_line(case, &dir) {
        Ok(args) => args,
        Err(why) => return Outcome::Broken(why),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_attain")).args(&args).current_dir(&dir.0).output().expect("the attain binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let parsed: Result<J, _> = serde_json::from_str(&stdout);
    // `check` exits 1 when a property fails; its report is still the answer.
    let check_failed = out.status.code() == Some(1) && args[0] == "check";
    match (out.status.code(), parsed) {
        (Some(0), Ok(v)) | (Some(1), Ok(v)) if out.status.success() || check_failed => {
            if case.call.is_some() {
                Outcome::Value(v)
            } else {
                match serde_json::from_value::<Report>(v) {
                    Ok(r) => Outcome::Report(Box::new(r)),
                    Err(e) => Outcome::Broken(format!("the report JSON does not read back: {e}")),
                }
            }
        }
        (Some(2), Ok(v)) if v.get("type").is_some() => Outcome::Error(v),
        (code, _) => Outcome::Broken(format!("`attain {}` exited {code:?}\nstdout: {stdout}\nstderr: {stderr}", args.join(" "))),
    }
}

/// `want` is a subset of `got`: tables by the keys given, lists item by item, numbers within 1e-9.
fn subset(want: &J, got: &J, path: &str, diffs: &mut Vec<String>) {
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
fn text_at<'a>(v: &'a J, path: &str) -> Option<&'a str> {
    path.split('.')
        .try_fold(v, |v, key| match key.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(key),
        })
        .and_then(J::as_str)
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

/// An error's JSON against what the case expects.
fn check_error(want: &ExpectError, e: &J, diffs: &mut Vec<String>) {
    let text = |key: &str| e.get(key).and_then(J::as_str);
    let number = |key: &str| e.get(key).and_then(J::as_u64).and_then(|n| usize::try_from(n).ok());
    if text("type") != Some(want.kind.as_str()) {
        diffs.push(format!("error type: expected {}, got {:?} ({e})", want.kind, text("type")));
    }
    if text("code") != Some(want.code.as_str()) {
        diffs.push(format!("error code: expected {}, got {:?} ({e})", want.code, text("code")));
    }
    if let Some(m) = &want.message {
        if !text("message").unwrap_or_default().contains(m.as_str()) {
            diffs.push(format!("error message: expected it to contain `{m}`, got {:?}", text("message")));
        }
    }
    if want.file.is_some() && want.file.as_deref() != text("file") {
        diffs.push(format!("error file: expected {:?}, got {:?} ({e})", want.file, text("file")));
    }
    for (what, want) in [("line", want.line), ("column", want.column), ("row", want.row)] {
        if want.is_some() && want != number(what) {
            diffs.push(format!("error {what}: expected {want:?}, got {:?} ({e})", number(what)));
        }
    }
}

/// Compares one case; returns what differed.
fn check(case: &Case, outcome: Outcome) -> Vec<String> {
    let mut diffs = Vec::new();
    let report = match (outcome, &case.expect_error) {
        (Outcome::Broken(why), _) => return vec![why],
        (Outcome::Error(e), Some(want)) => {
            check_error(want, &e, &mut diffs);
            return diffs;
        }
        (Outcome::Error(e), None) => return vec![format!("unexpected error: {e}")],
        (_, Some(want)) => return vec![format!("expected a {} error, but it succeeded", want.kind)],
        (Outcome::Value(got), None) => {
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
        (Outcome::Report(r), None) => r,
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
fn every_conformance_case_passes_through_the_cli() {
    let cases = all_cases();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    let (mut passed, mut skipped) = (0, 0);
    for (file, case) in &cases {
        assert!(names.insert(case.name.clone()), "case name `{}` is used twice (second in {file})", case.name);
        validate(case).unwrap_or_else(|why| panic!("{file}: {why}"));
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
    println!("conformance through the CLI: {passed} passed, {skipped} skipped, {} failed", failures.len());
    assert!(failures.is_empty(), "{} conformance cases failed through the CLI:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 60, "only {passed} conformance cases ran through the CLI");
}

/// The format is strict: an unknown field in a case is an error, not silently ignored.
#[test]
fn the_case_format_rejects_unknown_fields() {
    let text = "[[case]]\nname = \"x\"\nfiles = {}\nexpect_goal = { a = \"attained\" }\n";
    let err = toml::from_str::<CaseFile>(text).err().expect("unknown field refused");
    assert!(err.to_string().contains("unknown field `expect_goal`"), "{err}");
}

/// A case that expects nothing, or skips for a front door that does not exist, is refused.
#[test]
fn a_case_expecting_nothing_or_an_unknown_skip_is_refused() {
    let file: CaseFile = toml::from_str("[[case]]\nname = \"x\"\nfiles = {}\n").unwrap();
    assert_eq!(validate(&file.case[0]), Err("case `x` expects nothing, so it cannot fail".to_string()));
    let text = "[[case]]\nname = \"y\"\nfiles = {}\nexpect_goals = { a = \"attained\" }\nskip = { shell = \"why\" }\n";
    let file: CaseFile = toml::from_str(text).unwrap();
    assert_eq!(validate(&file.case[0]), Err("case `y`: unknown skip key `shell`".to_string()));
}

const WRONG_PLAN: &str = r#"
[case.files]
"plan.toml" = """
[plan]
id = "w"
title = "W"
period = "2023"
[comparison]
national = "0000"
[[indicator]]
id = "I"
title = "I"
rule = "reference"
"""
"#;

/// The runner itself can fail: a wrong expectation is reported with what was expected and got.
#[test]
fn a_wrong_expectation_is_reported() {
    let text = format!(
        r#"
[[case]]
name = "wrong on purpose"
observations = [{{ indicator = "I", entity = "1", period = "2022", value = 5 }}, {{ indicator = "I", entity = "0000", period = "2022", value = 4 }}]
query = {{ entity = "1", period = "2022" }}
expect_indicators = {{ I = "not_attained" }}
expect_reasons = {{ I = "no such text" }}
{WRONG_PLAN}"#
    );
    let file: CaseFile = toml::from_str(&text).unwrap();
    let case = &file.case[0];
    let diffs = check(case, run(case));
    assert_eq!(diffs.len(), 2, "{diffs:?}");
    assert!(diffs[0].starts_with("indicator I: expected not_attained, got attained"), "{diffs:?}");
    assert!(diffs[1].starts_with("reason of I: expected it to contain `no such text`"), "{diffs:?}");
}

/// An error is read from the CLI's JSON: a wrong type, message or row is each reported.
#[test]
fn a_wrong_error_expectation_is_reported() {
    let text = format!(
        r#"
[[case]]
name = "wrong error on purpose"
observations = [{{ indicator = "I", entity = "1", period = "2022", value = 5 }}, {{ indicator = "I", entity = "1", period = "2022", value = 4 }}]
expect_error = {{ type = "plan", code = "plan.duplicate_id", message = "no such text", row = 1 }}
{WRONG_PLAN}"#
    );
    let file: CaseFile = toml::from_str(&text).unwrap();
    let case = &file.case[0];
    let diffs = check(case, run(case));
    assert_eq!(diffs.len(), 4, "{diffs:?}");
    assert!(diffs[0].starts_with("error type: expected plan, got Some(\"data\")"), "{diffs:?}");
    assert!(diffs[1].starts_with("error code: expected plan.duplicate_id, got Some(\"data.duplicate_row\")"), "{diffs:?}");
    assert!(diffs[2].starts_with("error message: expected it to contain `no such text`, got Some(\"duplicate value"), "{diffs:?}");
    assert!(diffs[3].starts_with("error row: expected Some(1), got Some(2)"), "{diffs:?}");
}

/// A call the CLI has no command for is a failure, not a silent pass: it needs a `cli` skip.
#[test]
fn a_call_without_a_cli_command_fails_unless_skipped() {
    let text = format!("[[case]]\nname = \"rows\"\ncall = {{ op = \"rows\" }}\nexpect_result = []\n{WRONG_PLAN}");
    let file: CaseFile = toml::from_str(&text).unwrap();
    let case = &file.case[0];
    assert_eq!(check(case, run(case)), vec!["the CLI has no command for `rows`; give the case a `cli` skip with the reason".to_string()]);
}
