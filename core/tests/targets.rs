//! Targets as written (issue 13): comparators and directions in plan.toml, rule tests and `assess`, the polarity they give and the errors at their place.

use crate::common::{assert_at, assert_message, csv, evaluate, plan, plan_error};
use attain_core::{AssessRequest, Direction, ErrorKind, Gender, PlanFiles, Target, TargetInput, TargetOp};

const HEAD: &str = "[plan]\nid = \"t\"\ntitle = \"T\"\nperiod = \"2023\"\n";

fn indicator(rest: &str) -> String {
    format!("{HEAD}[[indicator]]\nid = \"I\"\ntitle = \"I\"\n{rest}")
}

#[test]
fn every_form_loads_with_its_comparator_and_number() {
    let p = plan(&indicator("targets = { 2020 = \"≥30\", 2021 = \"> 40\", 2022 = \"minst 40,5\", 2023 = \"Ska öka\", 2024 = 50 }\n"), &[]);
    let i = p.indicator("I").unwrap();
    let at = |period: &str| i.target_at(period).map(|t| (t.op, t.value));
    assert_eq!(at("2020"), Some((TargetOp::AtLeast, Some(30.0))));
    assert_eq!(at("2021"), Some((TargetOp::Above, Some(40.0))));
    assert_eq!(at("2022"), Some((TargetOp::AtLeast, Some(40.5))));
    assert_eq!(at("2023"), Some((TargetOp::Increase, None)));
    assert_eq!(at("2024"), Some((TargetOp::AtLeast, Some(50.0))), "a plain number takes the polarity: higher");
    assert_eq!(i.direction, Direction::Higher);
    // `targets` holds the numbers only; `target_for` is the number of `target_at`.
    assert_eq!(i.targets.keys().collect::<Vec<_>>(), ["2020", "2021", "2022", "2024"]);
    assert_eq!((i.target_for("2023"), i.target_for("2021")), (None, Some(40.0)));
    let outline = p.outline();
    let ops: Vec<(&str, &str)> = outline.indicators[0].target_ops.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(ops, [("2020", ">="), ("2021", ">"), ("2022", ">="), ("2023", "increase"), ("2024", ">=")]);
}

#[test]
fn a_comparator_gives_the_polarity_where_no_direction_is_written() {
    let p = plan(&indicator("targets = { 2022 = 14, 2023 = \"högst 12\" }\n"), &[]);
    let i = p.indicator("I").unwrap();
    assert_eq!(i.direction, Direction::Lower);
    assert_eq!(i.target_at("2022"), Some(Target { op: TargetOp::AtMost, value: Some(14.0) }), "the plain number follows");
    // `=` gives none: the default, higher.
    assert_eq!(plan(&indicator("targets = { 2023 = \"= 100\" }\n"), &[]).indicator("I").unwrap().direction, Direction::Higher);
    let lower = plan(&indicator("direction = \"lower\"\ntargets = { 2023 = \"= 0\" }\n"), &[]);
    assert_eq!(lower.indicator("I").unwrap().direction, Direction::Lower);
}

#[test]
fn the_polarity_from_a_comparator_decides_the_percentile_too() {
    let p = plan(&indicator("rule = \"quartile\"\ntargets = { 2023 = \"<10\" }\n"), &[]);
    let data = csv("indicator,entity,period,value\nI,1,2023,2\nI,2,2023,5\nI,3,2023,8\nI,4,2023,9\nI,5,2023,11\n");
    let r = evaluate(&p, &data, "1", "2023");
    assert_eq!(r.indicator("I", Gender::T).unwrap().percentile, Some(1.0), "2 is the lowest, so the best");
    assert_eq!(r.indicator("I", Gender::T).unwrap().status, "attained");
}

#[test]
fn malformed_and_contradicting_targets_are_errors_at_the_target() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("targets = { 2023 = \"minst 40 procent\" }\n", 8, 20, "target `minst 40 procent` is not a number, a comparison"),
        ("targets = { 2023 = \"30\" }\n", 8, 20, "target `30` is a number in quotes"),
        ("targets = { 2023 = \">\" }\n", 8, 20, "target `>` is not"),
        (
            "direction = \"higher\"\ntargets = { 2023 = \"< 5\" }\n",
            9,
            20,
            "target `< 5` for `2023` means lower is better, but the direction is `higher`",
        ),
        (
            "targets = { 2022 = \"minska\", 2023 = \"> 5\" }\n",
            8,
            37,
            "target `> 5` for `2023` means higher is better, but the target for `2022` means lower",
        ),
        ("targets = { 2023 = nan }\n", 8, 20, "target `nan` is not a finite number"),
    ];
    for (rest, line, column, msg) in cases {
        let e = plan_error(&indicator(rest), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(*line), Some(*column));
        assert_eq!(e.code(), attain_core::Code::PlanInvalidValue, "{e}");
        assert_message(&e, msg);
    }
    let e = plan_error(&indicator("targets = { 2023 = true }\n"), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(8), Some(20));
    assert_eq!(e.code(), attain_core::Code::PlanInvalidType, "{e}");
    assert_message(&e, "invalid type: boolean `true`, expected a number or a target such as \"≥ 30\"");
}

#[test]
fn rule_cases_take_written_targets_and_refuse_contradicting_ones_at_the_target() {
    let case = "[[case]]\nname = \"c\"\nrule = \"target\"\nvalue = 9\n";
    let run = |rest: &str| attain_core::run_rule_tests_in(&PlanFiles::from([("tests/a.test.toml".to_string(), format!("{case}{rest}"))]));
    let ok = run("target = \"<10\"\nexpect = \"attained\"\nexpect_reason_contains = \"9 reaches the target < 10\"\n").unwrap();
    assert_eq!((ok.cases.len(), ok.failed), (1, 0), "{:?}", ok.cases);
    let e = run("direction = \"higher\"\ntarget = \"högst 8\"\nexpect = \"attained\"\n").unwrap_err();
    assert_at(&e, ErrorKind::Test, Some("tests/a.test.toml"), Some(6), Some(10));
    assert_message(&e, "target `högst 8` for `2023` means lower is better, but the direction is `higher`");
    let e = run("targets = { 2023 = \"ungefär 9\" }\nexpect = \"attained\"\n").unwrap_err();
    assert_at(&e, ErrorKind::Test, Some("tests/a.test.toml"), Some(5), Some(20));
    assert_message(&e, "target `ungefär 9` is not a number, a comparison");
}

#[test]
fn assess_reads_a_written_target_and_names_its_comparator() {
    let p = plan(&indicator("unit = \"%\"\ntargets = { 2023 = 70 }\n"), &[]);
    let mut r = AssessRequest::default();
    r.value = Some(70.0);
    r.target = Some(TargetInput::Text("> 70".into()));
    let a = p.assess("I", &r).unwrap();
    assert_eq!((a.status.as_str(), a.target, a.target_op.as_deref()), ("partly", Some(70.0), Some(">")));
    assert_eq!(a.reason, "70 % is within 5 % of the target > 70 %");
    r.target = None;
    let own = p.assess("I", &r).unwrap();
    assert_eq!((own.status.as_str(), own.target_op.as_deref()), ("attained", Some(">=")));
    r.target = Some(TargetInput::Text("minska".into()));
    let e = p.assess("I", &r).unwrap_err();
    assert_eq!(e.code(), attain_core::Code::QueryInvalidValue);
    assert_eq!(e.message(), "target `minska` for `2023` means lower is better, but the direction is `higher`");
    r.target = Some(TargetInput::Number(f64::NAN));
    assert_eq!(p.assess("I", &r).unwrap_err().message(), "`target` is NaN, not a finite number");
}

#[test]
fn every_renderer_shows_the_target_as_written_and_html_escapes_it() {
    let head = "[plan]\nid = \"t\"\ntitle = \"T\"\nentity = \"1\"\nperiod = \"2023\"\nlanguage = \"en\"\n[[goal]]\nid = \"g\"\ntitle = \"G\"\nindicators = [\"I\", \"J\"]\n";
    let toml = format!(
        "{head}[[indicator]]\nid = \"I\"\ntitle = \"I\"\nunit = \"<u>\"\nrule = \"target\"\ntargets = {{ 2023 = \"<10\" }}\n\
         [[indicator]]\nid = \"J\"\ntitle = \"J\"\nrule = \"target\"\ntargets = {{ 2023 = \"öka\" }}\n"
    );
    let p = plan(&toml, &[]);
    let data = csv("indicator,entity,period,value\nI,1,2023,8\nJ,1,2022,3\nJ,1,2023,4\n");
    let report = p.evaluate(&data, &attain_core::Query::default()).unwrap();
    let html = attain_core::render(&report, attain_core::Format::Html);
    assert!(html.contains("target &lt; 10 &lt;u&gt;"), "{html}");
    assert!(html.contains("target: increase"), "{html}");
    assert!(!html.contains("<u>"), "the unit is escaped");
    let md = attain_core::render(&report, attain_core::Format::Markdown);
    assert!(md.contains("< 10") || md.contains("&lt; 10"), "{md}");
    let table = attain_core::render(&report, attain_core::Format::Table { color: false });
    assert!(table.contains("< 10 <u>"), "{table}");
}
