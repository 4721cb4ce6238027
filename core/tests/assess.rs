//! `Plan::assess`: an indicator's rule on inputs given directly, as `evaluate` would judge them.

use crate::common::{csv, evaluate, plan};
use attain_core::{ErrorKind, Gender, Inputs, PeriodValue};

const PLAN: &str = "[plan]\nid = \"a\"\ntitle = \"A\"\nlanguage = \"sv\"\n\
    [[indicator]]\nid = \"T\"\ntitle = \"Target\"\nunit = \"%\"\nrule = \"target\"\ntargets = { 2020 = 60.0, 2030 = 80.0 }\n\
    [[indicator]]\nid = \"L\"\ntitle = \"Lower\"\ndirection = \"lower\"\nrule = \"trend\"\n\
    [[indicator]]\nid = \"S\"\ntitle = \"Script\"\nrule = \"rules/s.rhai\"\n";
const SCRIPT: &str = "if value > 100.0 { throw \"too big\" }\nif value > 50.0 { attained(\"big\") } else { not_attained(\"small\") }\n";

fn inputs(value: Option<f64>, period: &str) -> Inputs {
    Inputs { value, period: period.into(), ..Inputs::default() }
}

#[test]
fn inputs_are_taken_as_given_and_the_target_comes_from_the_indicator() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let none = p.assess("T", &inputs(Some(70.0), "2025")).unwrap();
    assert_eq!((none.status.as_str(), none.reason.as_str()), ("no_data", "inget målvärde för 2025"));
    // 2025 is halfway on the line from 60 (2020) to 80 (2030): 70.
    let target = p.indicator("T").unwrap().target_for("2025");
    assert_eq!(target, Some(70.0));
    let a = p.assess("T", &Inputs { target, ..inputs(Some(70.0), "2025") }).unwrap();
    assert_eq!((a.status.as_str(), a.label.as_str()), ("attained", "Uppfyllt"));
    assert_eq!(a.reason, "70 % når målet 70 %");
    let given = p.assess("T", &Inputs { target: Some(90.0), ..inputs(Some(70.0), "2025") }).unwrap();
    assert_eq!(given.status, "not_attained", "{}", given.reason);
}

#[test]
fn assess_agrees_with_evaluate_on_the_same_inputs() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let data = csv("indicator,entity,period,value\nL,1,2021,12\nL,1,2022,10\nT,1,2022,63\nS,1,2022,51\n");
    let report = evaluate(&p, &data, "1", "2022");
    for r in &report.indicators {
        let given = Inputs {
            value: r.value,
            target: r.target,
            previous: r.previous,
            history: r.history.clone(),
            national: r.national,
            peers: r.peers.clone(),
            percentile: r.percentile,
            women: r.women,
            men: r.men,
            period: r.period.clone().unwrap(),
        };
        let a = p.assess(&r.id, &given).unwrap();
        assert_eq!((&a.status, &a.reason), (&r.status, &r.reason), "{}", r.id);
    }
    assert_eq!(report.indicator("L", Gender::T).unwrap().status, "attained", "lower is better: 12 → 10 improves");
}

#[test]
fn a_missing_value_is_no_data_without_running_the_rule() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let a = p.assess("S", &inputs(None, "2023")).unwrap();
    assert_eq!((a.status.as_str(), a.reason.as_str()), ("no_data", "inget värde"));
    let history = vec![PeriodValue { period: "2022".into(), value: 3.0 }];
    let trend = p.assess("L", &Inputs { history, ..inputs(Some(2.0), "2023") }).unwrap();
    assert_eq!(trend.status, "attained", "{}", trend.reason);
}

#[test]
fn an_unknown_indicator_and_a_failing_rule_are_errors() {
    let p = plan(PLAN, &[("rules/s.rhai", SCRIPT)]);
    let e = p.assess("NOPE", &inputs(Some(1.0), "2023")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert!(e.message().contains("`NOPE`"), "{e}");
    let e = p.assess("S", &inputs(Some(101.0), "2023")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rule);
    assert_eq!((e.file(), e.line()), (Some("rules/s.rhai"), Some(1)), "{e}");
    assert!(e.message().contains("too big"), "{e}");
}
