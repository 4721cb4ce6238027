//! The `attain` binary: exit codes (0 ok, 1 a test or check failed, 2 bad input) and what it
//! prints. Runs the built binary; test data is found from this crate's folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn attain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attain")).args(args).output().expect("the attain binary runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder under the system temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("attain-cli-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        for (path, content) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn arg(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const PLAN: &str = r#"[plan]
id = "cli"
title = "CLI plan"
entity = "2380"
[comparison]
national = "0000"
[[goal]]
id = "1"
title = "Work"
indicators = ["N00209", "WAIT"]
[[indicator]]
id = "N00209"
title = "Full-time"
unit = "%"
gender = true
rule = "reference"
[[indicator]]
id = "WAIT"
title = "Waiting days"
direction = "lower"
rule = "target"
targets = { 2022 = 20.0 }
"#;

const DATA: &str = "indicator,entity,period,gender,value
N00209,2380,2022,T,72.3
N00209,2380,2022,K,65
N00209,2380,2022,M,80
N00209,0000,2022,T,69.8
N00209,0000,2022,K,66
N00209,0000,2022,M,75
WAIT,2380,2021,T,30
WAIT,2380,2022,T,25
";

fn good_plan() -> TempDir {
    TempDir::new(&[("plan.toml", PLAN), ("data/values.csv", DATA)])
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr));
}

// ---------------------------------------------------------------- attain test

#[test]
fn the_std_rule_tests_pass_and_reach_every_level() {
    let out = attain(&["test", &repo().join("rules/std").display().to_string()]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("never returned"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 100, "{last}");
    for rule in ["target", "reference", "quartile", "trend", "trajectory", "okr", "share", "majority_improving", "mean_score", "worst"] {
        assert!(stdout.contains(&format!("ok    {rule}: ")), "no passing case for {rule}");
    }
}

#[test]
fn a_wrong_expectation_exits_1_naming_the_case_expected_and_got() {
    let dir = TempDir::new(&[(
        "tests/wrong.test.toml",
        "[[case]]\nname = \"right\"\nrule = \"target\"\nvalue = 80\ntarget = 80\nexpect = \"attained\"\n\n\
         [[case]]\nname = \"wrong on purpose\"\nrule = \"reference\"\nvalue = 72.3\nnational = 69.8\nexpect = \"not_attained\"\n\
         expect_reason_contains = \"worse\"\n",
    )]);
    let out = attain(&["test", &dir.arg("tests")]);
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ok    right"), "{stdout}");
    assert!(stdout.contains("FAIL  wrong on purpose ("), "{stdout}");
    assert!(stdout.contains("wrong.test.toml:8)"), "the case's line: {stdout}");
    assert!(stdout.contains("expected: not_attained, reason containing \"worse\""), "{stdout}");
    assert!(stdout.contains("got:      attained"), "{stdout}");
    assert!(stdout.contains("reason:   72.3 is at least as good as the national value (69.8)"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
    // The levels no case reached are noted.
    assert!(stdout.contains("note  `reference`: never returned"), "{stdout}");
    // JSON output carries the same.
    let out = attain(&["test", &dir.arg("tests"), "--format", "json"]);
    assert_exit(&out, 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failed"], 1);
    assert_eq!(v["cases"][1]["got"], "attained");
}

#[test]
fn a_malformed_test_file_exits_2_with_its_position() {
    let dir = TempDir::new(&[("t.test.toml", "[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"attained\"\nvalu = 3\n")]);
    let out = attain(&["test", dir.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("t.test.toml:5:1: test error: unknown field `valu`"), "{stderr}");
    let empty = TempDir::new(&[("readme.txt", "no tests here")]);
    let out = attain(&["test", empty.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("no `*.test.toml` files"));
}

#[test]
fn plan_rule_tests_run_with_the_plan() {
    let dir = TempDir::new(&[
        ("plan.toml", PLAN),
        ("data/values.csv", DATA),
        (
            "tests/plan.test.toml",
            "[[plan_case]]\nname = \"the plan's own data\"\ndata = \"plan\"\nentity = \"2380\"\nperiod = \"2022\"\n\
             expect_indicators = { N00209 = \"attained\", WAIT = \"partly\" }\nexpect_goals = { \"1\" = \"partly\" }\n",
        ),
    ]);
    let out = attain(&["test", dir.path().to_str().unwrap()]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("3 passed, 0 failed"), "{}", text(&out.stdout));
}

// ---------------------------------------------------------------- attain report

#[test]
fn report_prints_every_format_and_exits_0() {
    let dir = good_plan();
    let out = attain(&["report", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "attain-report/1");
    assert_eq!(v["period"], "2022");
    assert_eq!(v["goals"][0]["status"], "partly");
    let statuses: Vec<(String, String)> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (format!("{}/{}", r["id"].as_str().unwrap(), r["gender"].as_str().unwrap()), r["status"].as_str().unwrap().to_string()))
        .collect();
    let want = [("N00209/T", "attained"), ("N00209/K", "not_attained"), ("N00209/M", "attained"), ("WAIT/T", "partly")];
    assert_eq!(statuses, want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
    for (format, needle) in [("table", "Full-time"), ("md", "| Full-time"), ("csv", "N00209"), ("html", "<html")] {
        let out = attain(&["report", dir.path().to_str().unwrap(), "--format", format]);
        assert_exit(&out, 0);
        assert!(text(&out.stdout).contains(needle), "{format}: {}", text(&out.stdout));
    }
    let target = dir.arg("out.html");
    let out = attain(&["report", dir.path().to_str().unwrap(), "--format", "html", "--out", &target]);
    assert_exit(&out, 0);
    assert!(std::fs::read_to_string(&target).unwrap().contains("<html"));
    assert!(text(&out.stderr).contains("wrote"));
}

#[test]
fn report_with_explicit_data_entity_and_period() {
    let dir = good_plan();
    let extra = TempDir::new(&[("more.csv", "indicator,entity,period,value\nWAIT,2380,2023,15\n")]);
    let out = attain(&[
        "report",
        dir.path().to_str().unwrap(),
        "--data",
        &dir.arg("data/values.csv"),
        "--data",
        &extra.arg("more.csv"),
        "--entity",
        "2380",
        "--period",
        "2023",
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"], "2023");
    let wait = v["indicators"].as_array().unwrap().iter().find(|r| r["id"] == "WAIT").unwrap();
    // No target for 2023: the rule says no data.
    assert_eq!(wait["status"], "no_data");
    assert_eq!(wait["value"], 15.0);
}

#[test]
fn a_bad_plan_exits_2_with_file_line_and_column() {
    let dir = TempDir::new(&[("plan.toml", "[plan]\nid = \"x\"\ntitle = \"X\"\ncolour = \"red\"\n")]);
    let out = attain(&["report", dir.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: plan.toml:4:1: plan error: unknown field `colour`"), "{stderr}");
    assert!(out.stdout.is_empty());
    let cycle = TempDir::new(&[(
        "plan.toml",
        "[plan]\nid = \"x\"\ntitle = \"X\"\n[[goal]]\nid = \"a\"\ntitle = \"A\"\nparent = \"b\"\n[[goal]]\nid = \"b\"\ntitle = \"B\"\nparent = \"a\"\n",
    )]);
    let out = attain(&["check", cycle.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("plan.toml:5:6: plan error: goal parents form a cycle"), "{}", text(&out.stderr));
    let script = TempDir::new(&[
        ("plan.toml", "[plan]\nid = \"x\"\ntitle = \"X\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\n"),
        ("r.rhai", "let a = ;"),
    ]);
    let out = attain(&["report", script.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("r.rhai:1:9: rule error: script does not compile"), "{}", text(&out.stderr));
}

#[test]
fn bad_data_exits_2_with_file_line_and_row() {
    let dir = good_plan();
    let data = TempDir::new(&[
        ("nan.csv", "indicator,entity,period,value\nWAIT,2380,2021,3\nWAIT,2380,2022,NaN\n"),
        ("empty.csv", ""),
        ("bad.json", "[{\"indicator\": \"WAIT\",}]"),
        ("dup.csv", "indicator,entity,period,value\nWAIT,2380,2022,3\n"),
        ("huge.csv", "indicator,entity,period,value\nWAIT,2380,2022,1e400\n"),
    ]);
    let cases = [
        ("nan.csv", "nan.csv:3:4 row 2: data error: value `NaN` is not a finite number"),
        ("empty.csv", "empty.csv:1:1: data error: the file is empty"),
        ("bad.json", "bad.json:1:23: data error: malformed JSON"),
        ("huge.csv", "huge.csv:2:4 row 1: data error: value `1e400` is not a finite number"),
    ];
    for (file, needle) in cases {
        let out = attain(&["report", dir.path().to_str().unwrap(), "--data", &data.arg(file)]);
        assert_exit(&out, 2);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(needle), "{file}: {stderr}");
    }
    // The same row in two files is a duplicate, not a silent overwrite.
    let out = attain(&["report", dir.path().to_str().unwrap(), "--data", &data.arg("dup.csv"), "--data", &data.arg("dup.csv")]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("duplicate value for `WAIT`"), "{}", text(&out.stderr));
    // A bad file in the plan's own data folder.
    let bad = TempDir::new(&[("plan.toml", PLAN), ("data/values.csv", "indicator,entity,period,value\nWAIT,2380,2022,-inf\n")]);
    let out = attain(&["report", bad.path().to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("data/values.csv:2:4 row 1: data error"), "{}", text(&out.stderr));
}

#[test]
fn missing_paths_and_bad_arguments_exit_2() {
    let out = attain(&["report", "/nonexistent/attain/plan"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("io error"), "{}", text(&out.stderr));
    let out = attain(&["report", good_plan().path().to_str().unwrap(), "--format", "pdf"]);
    assert_exit(&out, 2);
    let out = attain(&["frobnicate"]);
    assert_exit(&out, 2);
    let out = attain(&["explain", good_plan().path().to_str().unwrap(), "--indicator", "NOPE"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("query error: the plan has no indicator `NOPE`"), "{}", text(&out.stderr));
    let out = attain(&["explain", good_plan().path().to_str().unwrap(), "--indicator", "N00209", "--gender", "X"]);
    assert_exit(&out, 2);
    let out = attain(&["report", good_plan().path().to_str().unwrap(), "--entity", "9999"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("entity `9999` does not appear in the data"), "{}", text(&out.stderr));
}

#[test]
fn version_and_help_exit_0() {
    assert_exit(&attain(&["--version"]), 0);
    let out = attain(&["--help"]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("report"));
}

// ---------------------------------------------------------------- check, explain, required

#[test]
fn check_exits_0_on_a_sound_plan_and_1_on_an_inverted_rule() {
    let out = attain(&["check", good_plan().path().to_str().unwrap()]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("plan `cli` is valid; 2 indicators"), "{}", text(&out.stdout));
    let inverted = TempDir::new(&[
        ("plan.toml", "[plan]\nid = \"inv\"\ntitle = \"Inv\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"inv.rhai\"\n"),
        ("inv.rhai", "if value == () { return no_data(); }\nif value > 50 { not_attained() } else { attained() }"),
    ]);
    let out = attain(&["check", inverted.path().to_str().unwrap(), "--cases", "50", "--seed", "1"]);
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAIL  `I` (rule `inv.rhai`) monotone: the better value"), "{stdout}");
    assert!(stdout.contains("1 failures (seed 1)"), "{stdout}");
}

#[test]
fn explain_and_required_print_the_inputs_and_the_answer() {
    let dir = good_plan();
    let out = attain(&["explain", dir.path().to_str().unwrap(), "--indicator", "N00209", "--gender", "K"]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Full-time (N00209), K"), "{stdout}");
    assert!(stdout.contains("national    66"), "{stdout}");
    assert!(stdout.contains("status      not_attained"), "{stdout}");
    let out = attain(&["required", dir.path().to_str().unwrap(), "--indicator", "WAIT"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).trim(), "Waiting days must reach 20.00 to be attained (now partly)");
    let out = attain(&["required", dir.path().to_str().unwrap(), "--indicator", "N00209", "--gender", "K", "--json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["next_status"], "attained");
    assert!((v["required"].as_f64().unwrap() - 66.0).abs() < 1e-6, "{v}");
}

#[test]
fn assess_judges_values_given_on_the_command_line() {
    let dir = good_plan();
    let plan = dir.path().to_str().unwrap();
    // The plan's target for WAIT in 2022 is 20 (lower is better): 19 reaches it.
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--value", "19", "--period", "2022"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).trim(), "Attained (attained): 19 reaches the target 20");
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--value", "24", "--period", "2022", "--history", "2020=31, 2021=30"]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("better than before (30)"), "{}", text(&out.stdout));
    let out = attain(&["assess", plan, "--indicator", "N00209", "--value", "-1.5", "--national", "70", "--period", "2022", "--json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "not_attained", "{v}");
    let out = attain(&["assess", plan, "--indicator", "N00209", "--value", "72", "--period", "2022"]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).trim(), "Not assessed (no_data): no value for the national value in 2022");
    // A target written as a plan writes one reaches core as text: strictly below 19 is not 19.
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--value", "19", "--period", "2022", "--target", "< 19", "--json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["status"].as_str(), v["target"].as_f64(), v["target_op"].as_str()), (Some("partly"), Some(19.0), Some("<")), "{v}");
    assert_eq!(v["reason"], "19 is within 5 % of the target < 19", "{v}");
}

#[test]
fn assess_refuses_bad_arguments_with_exit_2() {
    let dir = good_plan();
    let plan = dir.path().to_str().unwrap();
    for (args, message) in [
        (vec!["--indicator", "NOPE", "--value", "1"], "no indicator `NOPE`"),
        (vec!["--indicator", "WAIT", "--value", "1"], "`period` is not given"),
        (vec!["--indicator", "WAIT", "--value", "NaN", "--period", "2022"], "`value` is NaN, not a finite number"),
        (vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--target", "inf"], "`target` is inf, not a finite number"),
        (vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--percentile", "1.5"], "`percentile` is 1.5"),
        (vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--history", "2021:3"], "--history item 1 (`2021:3`): no `=`"),
        (
            vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--history", "2021=3,2020=x"],
            "item 2 (`2020=x`): the value is not a number",
        ),
        (vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--history", "2021=3,2020=4"], "oldest first"),
        (vec!["--indicator", "WAIT", "--value", "many", "--period", "2022"], "invalid value 'many'"),
        (
            vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--target", "minst 5"],
            "target `minst 5` for `2022` means higher is better",
        ),
        (
            vec!["--indicator", "WAIT", "--value", "1", "--period", "2022", "--target", "many"],
            "target `many` is not a number, a comparison",
        ),
    ] {
        let mut all = vec!["assess", plan];
        all.extend(&args);
        let out = attain(&all);
        assert_exit(&out, 2);
        assert!(text(&out.stderr).contains(message), "{args:?}: {}", text(&out.stderr));
    }
}

// ---------------------------------------------------------------- errors as JSON

/// With `--json` (or `--format json`) a failing command prints core's serialised error, its
/// stable code included, on standard output; standard error keeps the human line.
#[test]
fn a_failing_json_command_prints_the_error_as_json_with_its_code() {
    let dir = good_plan();
    let plan = dir.path().display().to_string();
    let out = attain(&["explain", &plan, "--indicator", "NOPE", "--json"]);
    assert_exit(&out, 2);
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("stdout is JSON");
    assert_eq!(json["type"], "query");
    assert_eq!(json["code"], "query.unknown_indicator");
    assert_eq!(json["message"], "the plan has no indicator `NOPE`");
    assert_eq!(text(&out.stderr), "error: query error: the plan has no indicator `NOPE`\n");
    let bad = TempDir::new(&[("plan.toml", "[plan\n")]);
    let out = attain(&["report", &bad.path().display().to_string(), "--format", "json"]);
    assert_exit(&out, 2);
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("stdout is JSON");
    assert_eq!((json["code"].as_str(), json["file"].as_str(), json["line"].as_u64()), (Some("plan.syntax"), Some("plan.toml"), Some(1)));
    // Without JSON asked for, standard output stays empty.
    let out = attain(&["explain", &plan, "--indicator", "NOPE"]);
    assert_exit(&out, 2);
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn assess_inputs_json_reaches_core_and_conflicts_with_the_flags() {
    let dir = good_plan();
    let plan = dir.path().to_str().unwrap();
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--inputs", r#"{"value": 19, "period": 2022}"#]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).trim(), "Attained (attained): 19 reaches the target 20");
    let out = attain(&[
        "assess",
        plan,
        "--indicator",
        "WAIT",
        "--json",
        "--inputs",
        r#"[{"value": 19, "period": "2022"}, {"value": 25, "period": "2022"}]"#,
    ]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["status"], "attained", "{v}");
    assert_eq!(v[1]["status"], "not_attained", "{v}");
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--value", "1", "--inputs", r#"{"value": 19}"#]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("cannot be used with"), "{}", text(&out.stderr));
}

#[test]
fn a_json_command_prints_its_error_as_core_json_on_stdout() {
    let dir = good_plan();
    let plan = dir.path().to_str().unwrap();
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--json", "--inputs", r#"{"valeu": 19}"#]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).starts_with("error: query error: `inputs.valeu`: unknown field `valeu`, expected one of `value`"),
        "{}",
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "query", "{v}");
    assert_eq!(v["code"], "query.unknown_field", "{v}");
    assert!(v["message"].as_str().unwrap().starts_with("`inputs.valeu`: unknown field `valeu`"), "{v}");
    // Without --json, standard output stays empty.
    let out = attain(&["assess", plan, "--indicator", "WAIT", "--inputs", r#"{"valeu": 19}"#]);
    assert_exit(&out, 2);
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn check_json_and_outline_print_core_types() {
    let dir = good_plan();
    let plan = dir.path().to_str().unwrap();
    let out = attain(&["check", plan, "--cases", "10", "--seed", "1", "--json"]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["indicators"], 2, "{v}");
    assert_eq!(v["failures"], serde_json::json!([]), "{v}");
    let out = attain(&["outline", plan]);
    assert_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "cli", "{v}");
    assert_eq!(v["indicators"][1]["id"], "WAIT", "{v}");
}

// ---------------------------------------------------------------- warnings (issue 14)

const TYPO_PLAN: &str = r#"[plan]
id = "typo"
title = "Typo"
language = "sv"
entity = "2380"
period = "2023"
[[goal]]
id = "1"
title = "Mål"
indicators = ["N21030", "BAD"]
[[indicator]]
id = "N21030"
title = "Kostnad"
targets = { 2023 = 70.0 }
[[indicator]]
id = "BAD"
title = "Trasig"
rule = "rules/bad.rhai"
"#;

const TYPO_DATA: &str = "indicator,entity,period,gender,value
N21030,2380,2023,T,80
N2103O,2380,2023,T,5
N2103O,2380,2022,T,6
BAD,2380,2023,T,1
";

#[test]
fn report_warns_of_an_unknown_id_and_a_rule_error_and_strict_exits_1() {
    let plan = TempDir::new(&[("plan.toml", TYPO_PLAN), ("data/values.csv", TYPO_DATA), ("rules/bad.rhai", "let a = 1;\n1.5\n")]);
    let out = attain(&["report", plan.path().to_str().unwrap()]);
    assert_exit(&out, 0);
    // The table shows the warnings itself, so standard error does not repeat them.
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\nVarningar\n  ! 2 rader för okänt nyckeltal N2103O (menade du N21030?) [data.unknown_indicator]\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  ! nyckeltal BAD: regelfel i rules/bad.rhai rad 2, kolumn 1: gav talet 1,5"), "{stdout}");
    assert!(stdout.contains("1 nyckeltal kunde inte bedömas: regelfel i rules/bad.rhai"), "{stdout}");
    assert!(!text(&out.stderr).contains("varning"), "{}", text(&out.stderr));
    // Any other output has them on standard error.
    let html = attain(&["report", plan.path().to_str().unwrap(), "--format", "html"]);
    let stderr = text(&html.stderr);
    assert!(stderr.contains("varning: 2 rader för okänt nyckeltal N2103O (menade du N21030?) [data.unknown_indicator]"), "{stderr}");
    assert!(stderr.contains("varning: nyckeltal BAD: regelfel i rules/bad.rhai") && stderr.contains("[rule.error]"), "{stderr}");
    assert!(stderr.lines().all(|l| l.chars().count() <= 100), "{stderr}");
    let strict = attain(&["report", plan.path().to_str().unwrap(), "--strict"]);
    assert_exit(&strict, 1);
    // The JSON form carries the same warnings.
    let json = attain(&["report", plan.path().to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let w = &report["warnings"][0];
    assert_eq!((w["code"].as_str(), w["nearest"].as_str(), w["rows"].as_u64()), (Some("data.unknown_indicator"), Some("N21030"), Some(2)));
}

#[test]
fn strict_report_exits_0_without_a_rule_error() {
    let out = attain(&["report", good_plan().path().to_str().unwrap(), "--strict"]);
    assert_exit(&out, 0);
}

#[test]
fn check_fails_on_unknown_ids_in_the_plans_data() {
    let plan = TempDir::new(&[("plan.toml", TYPO_PLAN), ("data/values.csv", TYPO_DATA), ("rules/bad.rhai", "attained()\n")]);
    let out = attain(&["check", plan.path().to_str().unwrap(), "--cases", "20"]);
    assert_exit(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAIL  data/: 2 rader för okänt nyckeltal N2103O (menade du N21030?)"), "{stdout}");
}

// ---------------------------------------------------------------- the terminal report

fn ostersund() -> String {
    repo().join("rules/ostersund-2023").display().to_string()
}

/// The text with ANSI colour codes (`ESC [ … m`) taken out.
fn without_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn table(args: &[&str]) -> String {
    let out = attain(args);
    assert_exit(&out, 0);
    text(&out.stdout)
}

#[test]
fn the_ostersund_report_fits_100_columns_with_and_without_colour() {
    use unicode_width::UnicodeWidthStr;
    let plain = table(&["report", &ostersund()]);
    let colour = table(&["report", &ostersund(), "--color", "always"]);
    assert!(colour.contains("\u{1b}[32m") && !plain.contains('\u{1b}'), "colour only when asked");
    assert_eq!(without_ansi(&colour), plain, "colour adds codes and nothing else");
    assert!(plain.lines().count() > 100, "the whole report:\n{plain}");
    for line in plain.lines() {
        assert!(line.width() <= 100, "{} columns: {line}", line.width());
    }
    // Long reasons wrap under their line instead of running on.
    let wrapped = plain.lines().filter(|l| l.starts_with("                       ")).count();
    assert!(wrapped > 20, "{plain}");
    let narrow = table(&["report", &ostersund(), "--width", "60"]);
    assert!(narrow.lines().all(|l| l.width() <= 60), "{narrow}");
}

#[test]
fn every_indicator_shows_its_id_and_full_title_so_titles_stay_distinct() {
    let out = attain(&["report", &ostersund(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let table = table(&["report", &ostersund()]);
    let ids: Vec<&str> = report["indicators"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let words: Vec<&str> = table.split_whitespace().collect();
    // The table's words without the ids, which stand in the column beside the title.
    let prose = words.iter().filter(|w| !ids.contains(w)).copied().collect::<Vec<_>>().join(" ");
    for r in report["indicators"].as_array().unwrap().iter().filter(|r| r["gender"] == "T") {
        let id = r["id"].as_str().unwrap();
        assert!(words.contains(&id), "id {id} is not shown");
        let title = r["title"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(prose.contains(&title), "the full title of {id} is not shown: {title}");
    }
    // Goal 6's two key figures that used to read "Brukarbedömning individ- och familjeomsorg tota…".
    let a = "Brukarbedömning individ- och familjeomsorg totalt – förbättrad situation, andel (%)";
    let b = "Brukarbedömning individ- och familjeomsorg totalt – helhetssyn, andel (%)";
    assert_eq!(a.chars().take(48).collect::<String>(), b.chars().take(48).collect::<String>());
    assert!(prose.contains(a) && prose.contains(b), "{table}");
    assert!(words.contains(&"U30453") && words.contains(&"U30452"));
}

#[test]
fn the_legend_explains_the_markers_under_the_header() {
    let sv = table(&["report", &ostersund()]);
    assert_eq!(sv.lines().nth(1), Some("● nyckeltal som bedöms i målet   · nyckeltal som bara visas   ▸ uppdrag"));
    // Each marker means what the legend says: `·` only on key figures (N01951 is one in goal 1).
    assert!(sv.lines().any(|l| l.starts_with("  · Ej bedömd")), "{sv}");
    let dir = good_plan();
    let en = table(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(en.lines().nth(1), Some("● indicator, scored by its goal   · key figure, shown and not scored   ▸ assignment"));
}

#[test]
fn assignments_are_counted_unless_followed_up_and_all_listed_with_the_flag() {
    let short = table(&["report", &ostersund()]);
    assert!(short.contains("  ▸ 5 uppdrag: 5 ej uppföljda\n"), "{short}");
    assert!(!short.contains("A1.1"), "no assignment is listed without a follow-up: {short}");
    let long = table(&["report", &ostersund(), "--assignments"]);
    let listed = long.lines().filter(|l| l.starts_with("    A") && l.contains(" [ej uppföljt] ")).count();
    assert_eq!(listed, 59, "{long}");
    assert!(long.contains("    A1.1 [ej uppföljt] Bedriv verksamheten kostnadseffektivt"), "{long}");
    // A follow-up is listed by default, with its status; the count agrees in number.
    let dir = TempDir::new(&[
        (
            "plan.toml",
            &format!(
                "{PLAN}[[assignment]]\nid = \"A1\"\ngoal = \"1\"\ntext = \"Hire\"\n[[assignment]]\nid = \"A2\"\ngoal = \"1\"\ntext = \"Train\"\n[[assignment]]\nid = \"A3\"\ngoal = \"1\"\ntext = \"Plan\"\n"
            ),
        ),
        ("data/values.csv", DATA),
        ("data/assignments.csv", "assignment,period,status,comment\nA1,2022,done,hired three\n"),
    ]);
    let en = table(&["report", dir.path().to_str().unwrap()]);
    assert!(en.contains("  ▸ 3 assignments: 1 done, 2 not followed up\n"), "{en}");
    assert!(en.contains("    A1 [Done] Hire — hired three\n"), "{en}");
    assert!(!en.contains("A2"), "{en}");
}

#[test]
fn goal_shows_one_goal_and_an_unknown_goal_is_exit_2_naming_the_known_ones() {
    let six = table(&["report", &ostersund(), "--goal", "6"]);
    assert!(six.contains("Mål 6 (bedömt på 1 av 12 nyckeltal)"), "{six}");
    for other in ["Mål 1 ", "Mål 5 ", "Mål 7 "] {
        assert!(!six.contains(other), "{other} in {six}");
    }
    assert!(six.contains("U30453") && !six.contains("N00209"), "{six}");
    let out = attain(&["report", &ostersund(), "--goal", "9"]);
    assert_exit(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("no goal `9`") && err.contains("`1`, `2`, `3`, `4`, `5`, `6`, `7`, `8`"), "{err}");
    // The table's options shape the table only.
    let out = attain(&["report", &ostersund(), "--goal", "6", "--format", "md"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("--format table"), "{}", text(&out.stderr));
}

#[test]
fn counts_agree_in_number_and_targets_show_their_comparator() {
    let sv = table(&["report", &ostersund()]);
    assert!(sv.contains("Medelpoäng 75 av 100: 3 uppfyllda, 0 delvis uppfyllda, 1 ej uppfyllt, 3 ej bedömda."), "{sv}");
    assert!(!sv.contains(" 1 uppfyllda") && !sv.contains(" 1 ej uppfyllda") && !sv.contains(" 1 ej bedömda"), "{sv}");
    let dir = good_plan();
    let en = table(&["report", dir.path().to_str().unwrap()]);
    assert!(en.contains("(assessed on 2 of 2 indicators)"), "{en}");
    // WAIT has a target of 20 days, lower is better: the table shows it with its comparator.
    assert!(en.contains("25 (2022), target ≤ 20 — "), "{en}");
    let out = attain(&["report", dir.path().to_str().unwrap(), "--format", "md"]);
    assert!(text(&out.stdout).contains("| WAIT | Waiting days | 25 | 2022 | ≤ 20 |"), "{}", text(&out.stdout));
    let one = TempDir::new(&[
        ("plan.toml", &PLAN.replace("indicators = [\"N00209\", \"WAIT\"]", "indicators = [\"WAIT\"]")),
        ("data/values.csv", DATA),
    ]);
    let en = table(&["report", one.path().to_str().unwrap()]);
    assert!(en.contains("(assessed on 1 of 1 indicator)"), "{en}");
}

#[test]
fn the_readme_and_guide_quote_the_table_as_it_prints() {
    let goal8 = table(&["report", &ostersund(), "--goal", "8"]);
    for doc in ["README.md", "docs/guide.md"] {
        let text = std::fs::read_to_string(repo().join(doc)).unwrap();
        let start = text.find("```text\n● Delvis uppfyllt Mål 8").unwrap_or_else(|| panic!("{doc} quotes goal 8")) + "```text\n".len();
        let block = &text[start..start + text[start..].find("```").unwrap()];
        assert!(goal8.contains(block), "{doc}'s quote is not what `attain report --goal 8` prints:\n{block}\n---\n{goal8}");
    }
}

#[test]
fn coverage_prints_the_lines_never_run_and_writes_lcov() {
    let dir = TempDir::new(&[
        ("plan.toml", "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"rules/three.rhai\"\n"),
        (
            "rules/three.rhai",
            "if value >= 10.0 {\n    return attained(\"high\");\n}\nif value >= 5.0 { return partly(\"middle\"); }\nnot_attained(\"low\")\n",
        ),
        ("tests/three.test.toml", "[[case]]\nname = \"high\"\nrule = \"rules/three.rhai\"\nvalue = 12\nexpect = \"attained\"\n"),
    ]);
    let lcov = dir.path().join("lcov.info");
    let out = attain(&["test", dir.path().to_str().unwrap(), "--coverage-out", lcov.to_str().unwrap()]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("miss  rules/three.rhai:4  if value >= 5.0 { return partly(\"middle\"); }\n"), "{stdout}");
    assert!(stdout.contains("miss  rules/three.rhai:5  not_attained(\"low\")\n"), "{stdout}");
    assert!(stdout.contains("coverage: 1 rules, 2 of 4 lines run (50.0 %)"), "{stdout}");
    let written = std::fs::read_to_string(&lcov).unwrap();
    assert_eq!(written, "TN:\nSF:rules/three.rhai\nDA:1,1\nDA:2,1\nDA:4,0\nDA:5,0\nLF:4\nLH:2\nend_of_record\n");
    // Without the flags nothing about coverage is printed.
    let out = attain(&["test", dir.path().to_str().unwrap()]);
    assert!(!text(&out.stdout).contains("coverage"), "{}", text(&out.stdout));
}

/// A planted weak test: a three-way rule whose one case checks only the attained branch. Every
/// mutant of the other two branches survives, and `--mutants` names each at its place.
#[test]
fn mutants_name_each_survivor_of_a_weak_test_at_its_place() {
    let dir = TempDir::new(&[
        ("plan.toml", "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"rules/three.rhai\"\n"),
        (
            "rules/three.rhai",
            "if value >= 10.0 {\n    return attained(\"high\");\n}\nif value >= 5.0 { return partly(\"middle\"); }\nnot_attained(\"low\")\n",
        ),
        ("tests/three.test.toml", "[[case]]\nname = \"high\"\nrule = \"rules/three.rhai\"\nvalue = 12\nexpect = \"attained\"\n"),
    ]);
    let out = attain(&["test", dir.path().to_str().unwrap(), "--mutants"]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    let survivors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("survived")).collect();
    assert_eq!(
        survivors,
        [
            "survived  rules/three.rhai:1:10  >= -> >",
            "survived  rules/three.rhai:4:10  >= -> >",
            "survived  rules/three.rhai:4:13  5.0 -> 50.0",
            "survived  rules/three.rhai:4:19  return -> (removed)",
            "survived  rules/three.rhai:4:26  partly -> attained",
            "survived  rules/three.rhai:4:26  partly -> not_attained",
            "survived  rules/three.rhai:5:1  not_attained -> attained",
            "survived  rules/three.rhai:5:1  not_attained -> partly",
        ],
        "{stdout}"
    );
    // Killed: 10.0 -> 100.0 (12 is no longer high), and attained -> partly / not_attained;
    // the branch's return removed falls through to not_attained.
    assert!(stdout.contains("mutants: 4 killed of 12 (score 0.333); 0 unviable, 0 equivalent"), "{stdout}");
    let out = attain(&["test", dir.path().to_str().unwrap(), "--min-score", "0.5"]);
    assert_exit(&out, 1);
    let out = attain(&["test", dir.path().to_str().unwrap(), "--min-score", "0.3"]);
    assert_exit(&out, 0);
    let out = attain(&["test", dir.path().to_str().unwrap(), "--min-score", "2"]);
    assert_exit(&out, 2);
    // The JSON report carries every mutant with its place and status.
    let out = attain(&["test", dir.path().to_str().unwrap(), "--mutants", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &report["mutants"]["mutants"][0];
    assert_eq!(first["file"], "rules/three.rhai");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(1), Some(10)));
    assert_eq!(
        (first["original"].as_str(), first["mutated"].as_str(), first["status"].as_str()),
        (Some(">="), Some(">"), Some("survived"))
    );
    assert_eq!(report["mutants"]["mutants"][1]["status"], "killed");
    assert_eq!(report["mutants"]["mutants"][1]["killed_by"], "tests/three.test.toml:1 high");
}

/// An equivalent mutant listed with its reason is left out of the score; an entry no mutant
/// matches is an error at the entry.
#[test]
fn equivalent_mutants_are_listed_and_a_stale_entry_is_an_error() {
    let entry = |line: usize, reason: &str| {
        format!(
            "[[mutant]]\nfile = \"rules/three.rhai\"\nline = {line}\ncolumn = 10\noriginal = \">=\"\nmutated = \">\"\nreason = \"{reason}\"\n"
        )
    };
    let files = |eq: String| {
        TempDir::new(&[
            ("plan.toml", "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"rules/three.rhai\"\n"),
            ("rules/three.rhai", "if value >= 10.0 { return attained(); }\nnot_attained()\n"),
            (
                "tests/three.test.toml",
                "[[case]]\nname = \"high\"\nrule = \"rules/three.rhai\"\nvalue = 12\nexpect = \"attained\"\n[[case]]\nname = \"low\"\nrule = \"rules/three.rhai\"\nvalue = 1\nexpect = \"not_attained\"\n",
            ),
            ("tests/equivalent-mutants.toml", &eq),
        ])
    };
    let dir = files(entry(1, "planted: a test of exactly 10 would kill it"));
    let out = attain(&["test", dir.path().to_str().unwrap(), "--mutants", "--min-score", "1"]);
    assert_exit(&out, 0);
    assert!(text(&out.stdout).contains("0 unviable, 1 equivalent"), "{}", text(&out.stdout));
    let dir = files(entry(2, "stale"));
    let out = attain(&["test", dir.path().to_str().unwrap(), "--mutants"]);
    assert_exit(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("no mutant `>=` -> `>` at `rules/three.rhai:2:10`"), "{err}");
    assert!(err.contains("equivalent-mutants.toml"), "{err}");
}

/// A mutant that loops is stopped by the operation budget and counts as killed.
#[test]
fn a_mutant_that_loops_is_killed_by_the_operation_budget() {
    let dir = TempDir::new(&[
        ("plan.toml", "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"rules/loop.rhai\"\n"),
        ("rules/loop.rhai", "let i = 3;\nwhile i != 0 { i -= 1; }\nattained()\n"),
        ("tests/loop.test.toml", "[[case]]\nname = \"ends\"\nrule = \"rules/loop.rhai\"\nvalue = 1\nexpect = \"attained\"\n"),
    ]);
    let out = attain(&["test", dir.path().to_str().unwrap(), "--mutants", "--format", "json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mutants = report["mutants"]["mutants"].as_array().unwrap();
    // `i -= 1` made `i -= 2`: 3, 1, -1, … never 0.
    let looping = mutants.iter().find(|m| m["line"] == 2 && m["original"] == "1").unwrap();
    assert_eq!((looping["mutated"].as_str(), looping["status"].as_str()), (Some("2"), Some("killed")), "{looping}");
    assert!(looping["killed_by"].as_str().unwrap().starts_with("tests/loop.test.toml:1 ends"), "{looping}");
}
