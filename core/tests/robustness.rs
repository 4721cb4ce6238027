//! No panic on any input: generated and mutated plans, data and scripts give a value or a typed
//! error (DESIGN §10: "no panic crosses a binding"). The in-process counterpart of fuzzing.

use attain_core::{Observations, Plan, PlanFiles, Query, Report};
use proptest::prelude::*;

const VALID_PLAN: &str = r#"[plan]
id = "f"
title = "Fuzz"
entity = "1"
[comparison]
national = "0000"
peers = "G1"
[comparison.groups]
G1 = { members = ["2", "3"] }
[[goal]]
id = "1"
title = "G"
indicators = ["A", { id = "B", weight = 2 }]
aggregate = "share"
params = { attained_share = 0.5 }
[[goal]]
id = "2"
title = "H"
parent = "1"
indicators = ["C"]
aggregate = "rules/agg.rhai"
[[indicator]]
id = "A"
title = "A"
rule = "reference"
params = { against = "peers", tolerance = 0.1 }
gender = true
[[indicator]]
id = "B"
title = "B"
direction = "lower"
rule = "target"
targets = { 2020 = 5.0, 2030 = 1.0 }
[[indicator]]
id = "C"
title = "C"
rule = "rules/c.rhai"
[[assignment]]
id = "X"
goal = "2"
text = "t"
"#;

const VALID_CSV: &str = "indicator,entity,period,gender,value,count\nA,1,2022,T,5,\nA,1,2022,K,4,\nA,2,2022,T,6,\nA,G1,2022,T,5.5,2\nB,1,2021,T,3,\nB,1,2022,T,..,\nC,1,2022,T,1,\n";

const VALID_JSON: &str =
    r#"{"values":[{"kpi":"A","municipality":"1","period":2022,"values":[{"gender":"T","value":5,"count":1,"status":""}]}]}"#;

fn files(plan: &str, script: &str) -> PlanFiles {
    PlanFiles::from([
        ("plan.toml".to_string(), plan.to_string()),
        ("rules/c.rhai".to_string(), script.to_string()),
        ("rules/agg.rhai".to_string(), "share(indicators + assignments, \"attained\") ?? no_data()".to_string()),
    ])
}

/// Evaluates whatever loads; every step may fail, none may panic.
fn exercise(plan_toml: &str, script: &str, csv: &str) {
    let Ok(plan) = Plan::from_files(files(plan_toml, script)) else { return };
    let data = Observations::from_csv(csv, "d.csv").unwrap_or_default();
    for q in [Query::default(), Query::new("1", "2022"), Query::new("9", "2030-T3")] {
        if let Ok(report) = plan.evaluate(&data, &q) {
            for format in [
                attain_core::Format::Html,
                attain_core::Format::Markdown,
                attain_core::Format::Csv,
                attain_core::Format::Table { color: true },
            ] {
                let _ = attain_core::render(&report, format);
            }
            let json = report.to_json();
            assert_eq!(Report::from_json(&json).as_ref(), Ok(&report));
        }
    }
    let _ = attain_core::check(&plan, &attain_core::CheckOptions::new(3, 1));
    for id in ["A", "B", "C"] {
        let _ = plan.required(&data, &Query::new("1", "2022"), id, attain_core::Gender::T);
        let _ = plan.explain(&data, &Query::new("1", "2022"), id, attain_core::Gender::K);
    }
}

/// Mutates text: delete, insert or replace a few characters at generated places.
fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, op, c) in edits {
        if chars.is_empty() {
            chars.push(c);
            continue;
        }
        let i = at % chars.len();
        match op % 3 {
            0 => {
                chars.remove(i);
            }
            1 => chars.insert(i, c),
            _ => chars[i] = c,
        }
    }
    chars.into_iter().collect()
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
    let interesting = prop_oneof![
        Just('"'),
        Just('['),
        Just(']'),
        Just('{'),
        Just('}'),
        Just('='),
        Just('\n'),
        Just(','),
        Just('.'),
        Just('-'),
        Just('e'),
        Just('9'),
        Just('G'),
        Just('é'),
        Just('\u{0}'),
        any::<char>()
    ];
    prop::collection::vec((any::<usize>(), any::<u8>(), interesting), 1..6)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_plans_never_panic(e in edits()) {
        exercise(&mutate(VALID_PLAN, &e), "if value == () { no_data() } else if value > 0 { attained() } else { 0.3 }", VALID_CSV);
    }

    #[test]
    fn mutated_csv_never_panics(e in edits()) {
        let text = mutate(VALID_CSV, &e);
        let _ = Observations::from_csv(&text, "d.csv");
        exercise(VALID_PLAN, "attained()", &text);
    }

    #[test]
    fn mutated_json_never_panics(e in edits()) {
        let text = mutate(VALID_JSON, &e);
        let _ = Observations::from_json(&text, "d.json");
        let _ = Report::from_json(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Plan::from_files(files(&text, ""));
        let _ = Observations::from_csv(&text, "d.csv");
        let _ = Observations::from_json(&text, "d.json");
        let _ = attain_core::run_rule_tests_in(&PlanFiles::from([("t.test.toml".to_string(), text.clone())]));
    }

    /// Scripts made of Rhai tokens: they may fail to compile or fail at run time, but the
    /// report completes with `error` for that indicator.
    #[test]
    fn generated_scripts_never_panic(tokens in prop::collection::vec(prop_oneof![
        Just("value"), Just("target"), Just("history"), Just("peers"), Just("params"), Just("percentile"),
        Just("attained()"), Just("partly(\"x\")"), Just("status(\"zz\")"), Just("no_data()"), Just("("), Just(")"),
        Just("["), Just("]"), Just("{"), Just("}"), Just("+"), Just("-"), Just("*"), Just("/"), Just("%"), Just("**"),
        Just("=="), Just("<"), Just(";"), Just("let x ="), Just("x"), Just("if"), Just("else"), Just("loop"), Just("while"),
        Just("fn f(a) {"), Just("f("), Just("return"), Just("throw"), Just("1"), Just("0.5"), Just("1e308"), Just("-1"),
        Just("\"s\""), Just("."), Just(","), Just("?"), Just("??"), Just("import \"m\" as m;"), Just("m::"), Just("#{"),
        Just("shortfall("), Just("trend(history, 2)"), Just("fmt("), Just("quantile(["), Just("show("), Just("tr(\"a\", \"b\")"),
        Just("to_string()"), Just(".len()"), Just("parse_float(\"x\")"), Just("[].pad(99999999, 1)"), Just("\"x\".pad(99999999, 'y')")
    ], 0..40)) {
        let script = tokens.join(" ");
        exercise(VALID_PLAN, &script, VALID_CSV);
    }
}

#[test]
fn the_valid_inputs_are_valid() {
    // The mutations start from inputs that load and evaluate, so they explore near-valid input.
    let plan = Plan::from_files(files(VALID_PLAN, "attained()")).unwrap();
    let data = Observations::from_csv(VALID_CSV, "d.csv").unwrap();
    let report = plan.evaluate(&data, &Query::new("1", "2022")).unwrap();
    assert_eq!(report.goals.len(), 2);
    let totals = report.indicators.iter().filter(|r| r.gender == attain_core::Gender::T);
    assert!(totals.clone().all(|r| r.status != "error" && r.status != "no_data"), "{:#?}", report.indicators);
    assert!(Observations::from_json(VALID_JSON, "d.json").is_ok());
}
