//! `Plan::assess`: an indicator's rule on inputs given directly, as `evaluate` would judge them,
//! with every default decided in core (the host boundary, core/src/host/).

use crate::common::{csv, evaluate, plan};
use attain_core::{AssessRequest, ErrorKind, Gender, HistoryPoint, Period, decode, decode_json};

const PLAN: &str = "[plan]\nid = \"a\"\ntitle = \"A\"\nlanguage = \"sv\"\n\
    [[indicator]]\nid = \"T\"\ntitle = \"Target\"\nunit = \"%\"\nrule = \"target\"\ntargets = { 2020 = 60.0, 2030 = 80.0 }\n\
    [[indicator]]\nid = \"L\"\ntitle = \"Lower\"\ndirection = \"lower\"\nrule = \"trend\"\n\
    [[indicator]]\nid = \"S\"\ntitle = \"Script\"\nrule = \"rules/s.rhai\"\n";
const SCRIPT: &str = "if value > 100.0 { throw \"too big\" }\nif value > 50.0 { attained(\"big\") } else { not_attained(\"small\") }\n";

fn req(value: Option<f64>, period: &str) -> AssessRequest {
    with(AssessRequest::default(), |r| {
        r.value = value;
        r.period = Some(Period::parse(period).unwrap());
    })
}

/// A request changed by `f` (the request types are `#[non_exhaustive]`: built from a default).
fn with(mut r: AssessRequest, f: impl FnOnce(&mut AssessRequest)) -> AssessRequest {
    f(&mut r);
    r
}

fn history(points: &[(&str, f64)]) -> Vec<HistoryPoint> {
    points.iter().map(|(p, v)| HistoryPoint { period: Period::parse(p).unwrap(), value: *v }).collect()
}

#[test]
fn the_target_comes_from_the_indicator_unless_given() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    // 2025 is halfway on the line from 60 (2020) to 80 (2030): 70.
    let a = p.assess("T", &req(Some(70.0), "2025")).unwrap();
    assert_eq!((a.status.as_str(), a.label.as_str(), a.target), ("attained", "Uppfyllt", Some(70.0)));
    assert_eq!(a.reason, "70 % når målet 70 %");
    let given = p.assess("T", &with(req(Some(70.0), "2025"), |r| r.target = Some(attain_core::TargetInput::Number(90.0)))).unwrap();
    assert_eq!((given.status.as_str(), given.target), ("not_attained", Some(90.0)), "{}", given.reason);
}

#[test]
fn previous_is_the_last_of_the_history_unless_given() {
    // The issue's what-if: value 60 in 2023 against the target 70, history 2022 = 55.
    let p = plan(
        "[plan]\nid = \"w\"\ntitle = \"W\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"target\"\ntargets = { 2023 = 70 }\n",
        &[],
    );
    let improving = p.assess("I", &with(req(Some(60.0), "2023"), |r| r.history = history(&[("2022", 55.0)]))).unwrap();
    assert_eq!(
        (improving.status.as_str(), improving.previous, improving.target),
        ("partly", Some(55.0), Some(70.0)),
        "{}",
        improving.reason
    );
    let stated = with(req(Some(60.0), "2023"), |r| {
        r.previous = Some(65.0);
        r.history = history(&[("2022", 55.0)]);
    });
    assert_eq!(p.assess("I", &stated).unwrap().status, "not_attained", "a previous given wins over the history");
}

#[test]
fn the_period_is_the_plans_unless_given() {
    let p = plan(
        "[plan]\nid = \"w\"\ntitle = \"W\"\nperiod = \"2023\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"target\"\ntargets = { 2023 = 70 }\n",
        &[],
    );
    let a = p.assess("I", &with(AssessRequest::default(), |r| r.value = Some(75.0))).unwrap();
    assert_eq!((a.status.as_str(), a.period.as_str()), ("attained", "2023"));
    let without = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let e = without.assess("T", &with(AssessRequest::default(), |r| r.value = Some(75.0))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert!(e.message().contains("`period` is not given"), "{e}");
}

#[test]
fn assess_agrees_with_evaluate_on_the_same_inputs() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let data = csv("indicator,entity,period,value\nL,1,2021,12\nL,1,2022,10\nT,1,2022,63\nS,1,2022,51\n");
    let report = evaluate(&p, &data, "1", "2022");
    for r in &report.indicators {
        let text = serde_json::json!({
            "value": r.value, "period": r.period, "target": r.target, "previous": r.previous,
            "history": r.history, "national": r.national, "percentile": r.percentile, "women": r.women, "men": r.men,
        });
        let given: AssessRequest = decode_json("inputs", &text.to_string()).unwrap();
        let a = p.assess(&r.id, &given).unwrap();
        assert_eq!((&a.status, &a.reason), (&r.status, &r.reason), "{}", r.id);
    }
    assert_eq!(report.indicator("L", Gender::T).unwrap().status, "attained", "lower is better: 12 → 10 improves");
}

#[test]
fn a_missing_value_is_no_data_without_running_the_rule() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let a = p.assess("S", &req(None, "2023")).unwrap();
    assert_eq!((a.status.as_str(), a.reason.as_str()), ("no_data", "inget värde"));
    let trend = p.assess("L", &with(req(Some(2.0), "2023"), |r| r.history = history(&[("2022", 3.0)]))).unwrap();
    assert_eq!(trend.status, "attained", "{}", trend.reason);
}

#[test]
fn an_unknown_indicator_and_a_failing_rule_are_errors() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let e = p.assess("NOPE", &req(Some(1.0), "2023")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert!(e.message().contains("`NOPE`"), "{e}");
    let e = p.assess("S", &req(Some(101.0), "2023")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rule);
    assert_eq!((e.file(), e.line()), (Some("rules/s.rhai"), Some(1)), "{e}");
    assert!(e.message().contains("too big"), "{e}");
}

#[test]
fn inputs_core_refuses_name_the_argument() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let refused = |json: &str| -> String {
        let e = decode_json::<AssessRequest>("inputs", json).and_then(|r| p.assess("T", &r)).expect_err(json);
        assert_eq!(e.kind(), ErrorKind::Query, "{json}: {e}");
        e.message().to_string()
    };
    assert!(refused(r#"{"value": 60, "period": "2023", "percentile": 1.5}"#).contains("`percentile` is 1.5"));
    assert!(refused(r#"{"value": 60, "period": "2024-13"}"#).contains("`inputs.period`"));
    assert!(refused(r#"{"value": 60, "period": "2024-13"}"#).contains("period `2024-13` is not"));
    assert!(refused(r#"{"valeu": 60, "period": "2023"}"#).contains("unknown field `valeu`"));
    assert!(refused(r#"{"value": "sixty", "period": "2023"}"#).contains("`inputs.value`"));
    let order = refused(r#"{"value": 60, "period": "2023", "history": [{"period": "2022", "value": 1}, {"period": "2021", "value": 2}]}"#);
    assert!(order.contains("`2021` comes after a later one"), "{order}");
    let twice = refused(r#"{"value": 60, "period": "2023", "history": [{"period": "2022", "value": 1}, {"period": "2022", "value": 2}]}"#);
    assert!(twice.contains("`2022` comes twice"), "{twice}");
    let late = refused(r#"{"value": 60, "period": "2023", "history": [{"period": "2023", "value": 1}]}"#);
    assert!(late.contains("is not before the period judged"), "{late}");
    let path = refused(r#"{"value": 60, "period": "2023", "history": [{"period": "2021", "value": 1}, {"period": "2022", "value": "x"}]}"#);
    assert!(path.contains("`inputs.history[1].value`"), "{path}");
    // NaN cannot be written in JSON; a host sends it as a float, as here through serde's map.
    let host = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new([("value", f64::NAN)].into_iter());
    let e = decode::<AssessRequest, _>("inputs", host).and_then(|r| p.assess("T", &r)).unwrap_err();
    assert!(e.message().contains("`value` is NaN, not a finite number"), "{e}");
}

#[test]
fn periods_are_text_or_whole_numbers_of_one_form() {
    for ok in ["2023", "2023-T1", "2023-T3", "2023-Q4", "2023-01", "2023-12"] {
        assert_eq!(Period::parse(ok).unwrap().as_str(), ok);
    }
    for bad in ["2024-13", "2024-00", "2023-T4", "2023-Q5", "23", "2023-1", "20x3", "2023T1", "", "2023-"] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
    let from_number: AssessRequest = decode_json("inputs", r#"{"value": 1, "period": 2023}"#).unwrap();
    assert_eq!(from_number.period.unwrap().as_str(), "2023");
}

#[test]
fn assess_many_names_the_row_that_fails() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let rows = [req(Some(60.0), "2023"), req(Some(40.0), "2023"), req(Some(101.0), "2023")];
    let ok = p.assess_many("S", &rows[..2]).unwrap();
    assert_eq!(ok.iter().map(|a| a.status.as_str()).collect::<Vec<_>>(), ["attained", "not_attained"]);
    let e = p.assess_many("S", &rows).unwrap_err();
    assert_eq!((e.kind(), e.row()), (ErrorKind::Rule, Some(3)), "{e}");
}

#[test]
fn a_list_request_names_the_row_inside_it() {
    let e = decode_json::<Vec<AssessRequest>>("rows", r#"[{"value": 1}, {"valeu": 1}]"#).unwrap_err();
    assert!(e.message().starts_with("`rows[1].valeu`: unknown field `valeu`"), "{e}");
}
