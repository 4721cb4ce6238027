//! Scripts are untrusted: a script that fails, loops, grows or returns the wrong thing ends in a
//! clear error for that one indicator (status `error`, the error kept with its file and line);
//! the rest of the report completes.

use crate::common::{csv, evaluate, plan};
use attain_core::{ErrorKind, Gender, Report};

/// A plan with one indicator `BAD` running `script` and one healthy indicator `OK`, both in goal 1.
pub(crate) fn run(script: &str) -> Report {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"BAD\", \"OK\"]\n\
                [[indicator]]\nid = \"BAD\"\ntitle = \"Bad\"\nrule = \"rules/bad.rhai\"\n\
                [[indicator]]\nid = \"OK\"\ntitle = \"Ok\"\nrule = \"reference\"\nparams = { against = 5 }\n";
    let p = plan(toml, &[("rules/bad.rhai", script)]);
    let data = csv("indicator,entity,period,value\nBAD,1,2022,1\nOK,1,2022,10\n");
    evaluate(&p, &data, "1", "2022")
}

/// Asserts that BAD failed with a rule error in its script whose message contains `msg`, and
/// that OK and the goal were still judged.
#[track_caller]
pub(crate) fn assert_bad(report: &Report, msg: &str, line: Option<usize>) {
    let bad = report.indicator("BAD", Gender::T).unwrap();
    assert_eq!(bad.status, "error", "{}", bad.reason);
    assert_eq!(bad.score, None);
    let e = bad.error.as_ref().expect("the error is kept");
    assert_eq!(e.kind(), ErrorKind::Rule);
    assert_eq!(e.file(), Some("rules/bad.rhai"));
    if line.is_some() {
        assert_eq!(e.line(), line, "{e}");
    }
    assert!(e.message().contains(msg), "`{}` does not contain `{msg}`", e.message());
    // The reason is the error's message after its place, in the plan's language (English here).
    let place = match (e.line(), e.column()) {
        (Some(l), Some(c)) => format!("rules/bad.rhai line {l}, column {c}"),
        _ => "rules/bad.rhai".to_string(),
    };
    // The message names the rule (`rule `rules/bad.rhai` failed: …`); the reason names its place
    // and says the rest.
    let rule = "rule `rules/bad.rhai` ";
    let said = e.message().strip_prefix(rule).map(|m| m.strip_prefix("failed: ").unwrap_or(m)).expect("the message names the rule");
    assert_eq!(bad.reason, format!("rule error in {place}: {said}"), "the reason is the error's cause at its place");
    let ok = report.indicator("OK", Gender::T).unwrap();
    assert_eq!(ok.status, "attained");
    assert!(ok.error.is_none());
    let goal = report.goal("1").unwrap();
    assert_eq!(goal.status, "attained", "the failed indicator is left out of the goal: {}", goal.reason);
    assert!(goal.reason.contains("1 of 1"), "{}", goal.reason);
}

#[test]
fn a_string_is_not_a_status() {
    assert_bad(&run("\"attained\""), "rule `rules/bad.rhai` returned string (`attained`)", None);
}

#[test]
fn an_array_is_not_a_status() {
    assert_bad(&run("[attained()]"), "returned array", None);
}

#[test]
fn a_map_or_nothing_is_not_a_status() {
    assert_bad(&run("#{ status: \"attained\" }"), "returned map", None);
    assert_bad(&run(""), "returned ()", None);
    assert_bad(&run("let x = 1;"), "returned ()", None);
    assert_bad(&run("true"), "returned bool", None);
}

#[test]
fn a_huge_wrong_return_value_is_shown_cut_short() {
    let r = run("let m = #{};\nfor i in 0..20000 { m[i.to_string()] = i; }\nm");
    let bad = r.indicator("BAD", Gender::T).unwrap();
    assert_eq!(bad.status, "error");
    assert!(bad.reason.contains("returned map (`#{"), "{}", bad.reason);
    assert!(bad.reason.contains("…`)"), "{}", bad.reason);
    assert!(bad.reason.len() < 400, "the reason is {} bytes long", bad.reason.len());
    let r = run("let s = \"x\";\ns.pad(9000, 'y');\ns");
    assert!(r.indicator("BAD", Gender::T).unwrap().reason.len() < 400);
}

#[test]
fn numbers_outside_0_to_1_are_not_scores() {
    assert_bad(&run("1.5"), "returned the number 1.5, but a score must be between 0 and 1", None);
    assert_bad(&run("-0.1"), "returned the number -0.1", None);
    assert_bad(&run("2"), "returned the number 2", None);
    assert_bad(&run("0.0 / 0.0"), "returned the number NaN", None);
    assert_bad(&run("1.0 / 0.0"), "returned the number inf", None);
}

#[test]
fn a_number_inside_0_to_1_is_a_score_on_the_scale() {
    let r = run("0.9");
    let bad = r.indicator("BAD", Gender::T).unwrap();
    assert_eq!((bad.status.as_str(), bad.reason.as_str()), ("attained", "score 0.90"));
    let r = run("0");
    assert_eq!(r.indicator("BAD", Gender::T).unwrap().status, "not_attained");
    let r = run("0.5");
    assert_eq!(r.indicator("BAD", Gender::T).unwrap().status, "partly");
}

#[test]
fn an_unknown_status_id_is_refused() {
    assert_bad(
        &run("status(\"great\")"),
        "returned status `great`, which is not on the scale (attained, partly, not_attained, no_data)",
        None,
    );
    assert_bad(&run("status(\"error\")"), "not on the scale", None);
}

#[test]
fn a_script_that_never_ends_is_stopped() {
    assert_bad(&run("let x = 0;\nloop { x += 1; }"), "ran more than the limit of 200000 operations", None);
    assert_bad(&run("while true {}"), "operations", None);
    assert_bad(&run("fn f(n) { if n == 0 { 0 } else { f(n - 1) + f(n - 1) } }\nf(30)"), "", None);
}

#[test]
fn strings_arrays_and_maps_that_grow_without_bound_are_stopped() {
    assert_bad(&run("let s = \"x\";\nloop { s += s; }"), "grew beyond its limit", Some(2));
    assert_bad(&run("let a = [1];\nloop { a += a; }"), "grew beyond its limit", Some(2));
    assert_bad(&run("let a = [];\na.pad(1000000, 0);"), "grew beyond its limit", Some(2));
    // Rhai checks a map's size when it is used, not on every index assignment: the operation
    // budget bounds what a loop can add before that.
    assert_bad(&run("let m = #{};\nfor i in 0..20000 { m[i.to_string()] = i; }\nm.len()"), "grew beyond its limit", Some(3));
    assert_bad(&run("let s = \"x\";\ns.pad(100000, 'y');"), "grew beyond its limit", Some(2));
}

#[test]
fn deep_recursion_is_stopped() {
    assert_bad(&run("fn down(n) { down(n + 1) }\ndown(0)"), "calls nested deeper than the limit of 16 levels", None);
}

#[test]
fn deep_expressions_are_refused_at_compile_time() {
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"d.rhai\"\n";
    let e = attain_core::Plan::from_files(crate::common::plan_files(toml, &[("d.rhai", &deep)])).unwrap_err();
    assert_eq!((e.kind(), e.file(), e.line()), (ErrorKind::Rule, Some("d.rhai"), Some(1)), "{e}");
}

#[test]
fn a_thrown_error_keeps_its_message_and_line() {
    assert_bad(&run("let x = 1;\nthrow \"no way\";"), "no way", Some(2));
}

#[test]
fn a_runtime_type_error_names_the_rule() {
    assert_bad(&run("value + \"a\" - 1"), "rule `rules/bad.rhai` failed", Some(1));
    assert_bad(&run("let m = #{};\nm.x.y"), "rule `rules/bad.rhai` failed", Some(2));
}

#[test]
fn import_outside_the_plan_is_refused_and_inside_it_works() {
    assert_bad(&run("import \"../../etc/passwd\" as p;\nattained()"), "Module not found: ../../etc/passwd", Some(1));
    assert_bad(&run("import \"/etc/passwd\" as p;\nattained()"), "Module not found", Some(1));
    assert_bad(&run("import \"nowhere\" as p;\nattained()"), "Module not found: nowhere", Some(1));
    // A module that exists in the plan (relative to the importing script) works.
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/r.rhai\"\n";
    let p = plan(
        toml,
        &[
            ("rules/r.rhai", "import \"lib\" as l;\nl::judge(value)"),
            ("rules/lib.rhai", "fn judge(v) { if v > 0 { attained(\"pos\") } else { not_attained() } }"),
        ],
    );
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    assert_eq!(r.indicators[0].status, "attained", "{}", r.indicators[0].reason);
}

#[test]
fn imports_without_end_are_stopped() {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"a.rhai\"\n";
    let p = plan(toml, &[("a.rhai", "import \"b\" as b;\nattained()"), ("b.rhai", "import \"a\" as a;\n")]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    let ind = &r.indicators[0];
    assert_eq!(ind.status, "error", "{}", ind.reason);
    assert!(ind.reason.contains("imports nest deeper"), "{}", ind.reason);
    let e = ind.error.as_ref().unwrap();
    assert_eq!((e.file(), e.line()), (Some("a.rhai"), Some(1)), "the position is the import in the rule: {e}");
    // A limit hit inside an imported module is named as that limit.
    let p = plan(toml, &[("a.rhai", "import \"b\" as b;\nattained()"), ("b.rhai", "loop {}")]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    assert!(r.indicators[0].reason.contains("operations"), "{}", r.indicators[0].reason);
}

#[test]
fn printing_and_debugging_do_nothing() {
    let r = run("print(\"hello\");\ndebug(value);\nattained()");
    assert_eq!(r.indicator("BAD", Gender::T).unwrap().status, "attained");
}

#[test]
fn a_failing_aggregation_gives_the_goal_an_error_and_the_rest_completes() {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"I\"]\naggregate = \"agg.rhai\"\n\
                [[goal]]\nid = \"2\"\ntitle = \"H\"\nindicators = [\"I\"]\n\
                [[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"reference\"\nparams = { against = 0 }\n";
    let p = plan(toml, &[("agg.rhai", "let n = 0;\nloop { n += 1; }")]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    let g1 = r.goal("1").unwrap();
    assert_eq!(g1.status, "error");
    let e = g1.error.as_ref().unwrap();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Rule, Some("agg.rhai")));
    assert!(e.message().contains("operations"), "{e}");
    assert_eq!(r.goal("2").unwrap().status, "attained");
    assert_eq!(r.indicators[0].status, "attained");
    // An aggregation returning an unknown status is an error too.
    let p = plan(toml, &[("agg.rhai", "status(\"gold\")")]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    assert_eq!(r.goal("1").unwrap().status, "error");
    assert!(r.goal("1").unwrap().reason.contains("`gold`"));
}

#[test]
fn a_std_rule_given_a_bad_param_value_fails_for_that_indicator_only() {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[indicator]]\nid = \"BAD\"\ntitle = \"B\"\nrule = \"reference\"\nparams = { against = \"neighbours\" }\n\
                [[indicator]]\nid = \"OK\"\ntitle = \"O\"\nrule = \"reference\"\nparams = { against = 0 }\n";
    let p = plan(toml, &[]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nBAD,1,2022,1\nOK,1,2022,1\n"), "1", "2022");
    let bad = r.indicator("BAD", Gender::T).unwrap();
    assert_eq!(bad.status, "error");
    let e = bad.error.as_ref().unwrap();
    assert_eq!(e.file(), Some("std/reference.rhai"));
    assert!(e.message().contains("params.against must be \"national\", \"peers\", \"mean\" or a number, not \"neighbours\""), "{e}");
    assert!(e.line().is_some());
    assert_eq!(r.indicator("OK", Gender::T).unwrap().status, "attained");
}

#[test]
fn the_sandbox_holds_under_many_threads() {
    // evaluate_many runs in parallel; a looping rule for every entity still ends in errors.
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"l.rhai\"\n";
    let p = plan(toml, &[("l.rhai", "loop {}")]);
    let mut text = String::from("indicator,entity,period,value\n");
    let entities: Vec<String> = (0..8).map(|i| format!("{i:04}")).collect();
    for e in &entities {
        text.push_str(&format!("I,{e},2022,1\n"));
    }
    let reports = p.evaluate_many(&csv(&text), &entities, &["2022".to_string()]).unwrap();
    assert_eq!(reports.len(), 8);
    assert!(reports.iter().all(|r| r.indicators[0].status == "error"));
}

#[test]
fn rules_cannot_read_the_clock_so_a_verdict_does_not_change_tomorrow() {
    assert_bad(&run("let t = timestamp();\nattained()"), "timestamp", Some(1));
    // Bytes and bit fields are left out of the engine too; ordinary strings, maps and maths stay.
    assert_bad(&run("let b = blob(4);\nattained()"), "blob", Some(1));
    let ok =
        run("let s = \"a,b\".split(\",\");\nlet m = #{ n: s.len() };\nif m.n == 2 && sqrt(4.0) == 2.0 { attained() } else { partly() }");
    assert_eq!(ok.indicator("BAD", Gender::T).unwrap().status, "attained");
}
