//! Properties of the std rules over generated inputs (proptest), through the public API:
//! monotone in polarity, a missing value is no data, evaluation is deterministic, and the
//! report JSON round-trips. Also `attain_core::check` on plans that pass and fail.

use crate::common::{obs, plan};
use attain_core::{CheckOptions, Gender, Observation, Observations, Plan, Query, Report};
use proptest::prelude::*;
use std::sync::OnceLock;

/// One indicator per std rule and polarity, with params and targets that put the levels'
/// boundaries inside the generated range.
const RULES_PLAN: &str = r#"
[plan]
id = "props"
title = "Properties"
[comparison]
national = "0000"
peers = ["p1", "p2", "p3", "p4", "p5"]
[[goal]]
id = "all"
title = "All"
indicators = ["REF_H", "REF_L", "PEER_H", "PEER_L", "FIX_H", "TGT_H", "TGT_L", "Q_H", "Q_L", "TR_H", "TR_L", "TJ_H", "TJ_L", "OKR_H", "OKR_L"]
[[indicator]]
id = "REF_H"
title = "reference, higher"
rule = "reference"
params = { against = "national", tolerance = 0.1 }
[[indicator]]
id = "REF_L"
title = "reference, lower"
direction = "lower"
rule = "reference"
params = { against = "national", tolerance = 0.1 }
[[indicator]]
id = "PEER_H"
title = "reference to peers, higher"
rule = "reference"
params = { against = "peers", tolerance = 0.2 }
[[indicator]]
id = "PEER_L"
title = "reference to peers, lower"
direction = "lower"
rule = "reference"
params = { against = "peers", tolerance = 0.2 }
[[indicator]]
id = "FIX_H"
title = "reference to a number"
rule = "reference"
params = { against = 50, tolerance = 0.3 }
[[indicator]]
id = "TGT_H"
title = "target, higher"
rule = "target"
params = { tolerance = 0.1 }
targets = { 2020 = 30.0, 2024 = 70.0 }
[[indicator]]
id = "TGT_L"
title = "target, lower"
direction = "lower"
rule = "target"
targets = { 2022 = 50.0 }
[[indicator]]
id = "Q_H"
title = "quartile, higher"
rule = "quartile"
[[indicator]]
id = "Q_L"
title = "quartile, lower"
direction = "lower"
rule = "quartile"
[[indicator]]
id = "TR_H"
title = "trend, higher"
rule = "trend"
params = { n = 2, flat = 0.05 }
[[indicator]]
id = "TR_L"
title = "trend, lower"
direction = "lower"
rule = "trend"
[[indicator]]
id = "TJ_H"
title = "trajectory, higher"
rule = "trajectory"
params = { tolerance = 0.1 }
targets = { 2030 = 150.0 }
[[indicator]]
id = "TJ_L"
title = "trajectory, lower"
direction = "lower"
rule = "trajectory"
targets = { 2030 = 0.0 }
[[indicator]]
id = "OKR_H"
title = "okr, higher"
rule = "okr"
params = { baseline = 0 }
targets = { 2022 = 100.0 }
[[indicator]]
id = "OKR_L"
title = "okr, lower"
direction = "lower"
rule = "okr"
params = { baseline = 100 }
targets = { 2022 = 0.0 }
"#;

fn rules_plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| plan(RULES_PLAN, &[]))
}

/// Everything but the judged value: history, national, peers (also the quartile population).
#[derive(Debug, Clone)]
struct World {
    history: [f64; 2],
    national: f64,
    peers: [f64; 5],
}

fn world() -> impl Strategy<Value = World> {
    (prop::array::uniform2(-50.0..150.0f64), -50.0..150.0f64, prop::array::uniform5(-50.0..150.0f64))
        .prop_map(|(history, national, peers)| World { history, national, peers })
}

/// A value in the generated range, often a round number (ties with the boundaries matter).
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![-50.0..150.0f64, (-50i32..150).prop_map(f64::from)]
}

/// The same world for every indicator, with entity `1` at `value` in 2022.
fn data(plan: &Plan, w: &World, value: Option<f64>) -> Observations {
    let mut rows = Vec::new();
    for ind in plan.indicators() {
        let id = ind.id.as_str();
        rows.push(obs(id, "1", "2020", Some(w.history[0])));
        rows.push(obs(id, "1", "2021", Some(w.history[1])));
        rows.push(obs(id, "1", "2022", value));
        rows.push(obs(id, "0000", "2022", Some(w.national)));
        for (i, p) in w.peers.iter().enumerate() {
            rows.push(obs(id, &format!("p{}", i + 1), "2022", Some(*p)));
        }
    }
    Observations::from_rows(rows).unwrap()
}

fn report(plan: &Plan, w: &World, value: Option<f64>) -> Report {
    plan.evaluate(&data(plan, w, value), &Query::new("1", "2022")).unwrap()
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// A better value never gives a worse status, for every std rule and both polarities.
    #[test]
    fn std_rules_are_monotone_in_polarity(w in world(), a in value(), b in value()) {
        let plan = rules_plan();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (r_lo, r_hi) = (report(plan, &w, Some(lo)), report(plan, &w, Some(hi)));
        for ind in plan.indicators() {
            let at_lo = r_lo.indicator(&ind.id, Gender::T).unwrap();
            let at_hi = r_hi.indicator(&ind.id, Gender::T).unwrap();
            let (better, worse, bv, wv) = if ind.higher_is_better() { (at_hi, at_lo, hi, lo) } else { (at_lo, at_hi, lo, hi) };
            let rank = |s: &str| plan.scale().rank(s);
            prop_assert!(rank(&better.status).is_some(), "{}: {} ({})", ind.id, better.status, better.reason);
            prop_assert!(rank(&worse.status).is_some(), "{}: {} ({})", ind.id, worse.status, worse.reason);
            prop_assert!(
                rank(&better.status) <= rank(&worse.status),
                "{}: the better value {bv} gave {} ({}) but the worse value {wv} gave {} ({})",
                ind.id, better.status, better.reason, worse.status, worse.reason
            );
        }
    }

    /// A missing value (a gap, or no row at all) is no data for every rule, never an error.
    #[test]
    fn a_missing_value_gives_no_data(w in world(), drop_row in any::<bool>()) {
        let plan = rules_plan();
        let mut d = data(plan, &w, None);
        if drop_row {
            let rows: Vec<Observation> = d.rows().filter(|r| !(r.entity == "1" && r.period == "2022")).collect();
            // Without the 2022 row, the 2021 value would be used (max_age 2): drop it too.
            let rows = rows.into_iter().filter(|r| !(r.entity == "1" && r.period != "2020")).collect();
            d = Observations::from_rows(rows).unwrap();
            // 2020 is 2 years back and still allowed: the rules judge it, so ask for 2023 with max_age 2.
            let r = plan.evaluate(&d, &Query::new("1", "2023")).unwrap();
            for ind in &r.indicators {
                prop_assert_eq!(&ind.status, "no_data", "{}: {}", ind.id, ind.reason);
                prop_assert!(ind.error.is_none());
            }
        } else {
            let r = plan.evaluate(&d, &Query::new("1", "2022")).unwrap();
            for ind in &r.indicators {
                // The 2022 gap falls back to 2021's value: that is a value, judged by the rule.
                prop_assert_eq!(ind.period.as_deref(), Some("2021"), "{}", ind.id);
                prop_assert!(plan.scale().rank(&ind.status).is_some() || ind.status == "no_data", "{}: {}", ind.id, ind.status);
            }
            let no_history = Observations::from_rows(d.rows().filter(|r| r.entity != "1").collect()).unwrap();
            // An entity the data does not name at all is a query error, not a report of gaps.
            let e = plan.evaluate(&no_history, &Query::new("1", "2022")).unwrap_err();
            prop_assert_eq!(e.kind(), attain_core::ErrorKind::Query);
            prop_assert!(e.message().contains("entity `1` does not appear"), "{}", e);
        }
    }

    /// The same input gives the same report, alone or in a batch.
    #[test]
    fn evaluation_is_deterministic(w in world(), v in value()) {
        let plan = rules_plan();
        let d = data(plan, &w, Some(v));
        let q = Query::new("1", "2022").with_genders(&[Gender::T]);
        let first = plan.evaluate(&d, &q).unwrap();
        let second = plan.evaluate(&d, &q).unwrap();
        prop_assert_eq!(&first, &second);
        let batch = plan.evaluate_many(&d, &["0000".into(), "1".into(), "p3".into()], &["2021".into(), "2022".into()]).unwrap();
        prop_assert_eq!(batch.len(), 6);
        prop_assert_eq!(&batch[3], &first, "evaluate_many gives what evaluate gives");
        prop_assert_eq!(&batch[2].entity, "1");
        prop_assert_eq!(&batch[2].period, "2021");
    }

    /// Report::from_json(report.to_json()) == report, for any values, including gendered
    /// results, rule errors and no data.
    #[test]
    fn report_json_round_trips(w in world(), v in prop::option::of(value()), women in value(), men in value(), big in -1e300..1e300f64) {
        let plan = roundtrip_plan();
        let mut d = data(rules_plan(), &w, v);
        d.merge_checked(Observations::from_rows(vec![
            obs("G", "1", "2022", Some(big)),
            Observation { gender: Gender::K, ..obs("G", "1", "2022", Some(women)) },
            Observation { gender: Gender::M, ..obs("G", "1", "2022", Some(men)) },
            obs("G", "0000", "2022", Some(w.national)),
            obs("E", "1", "2022", Some(women)),
        ]).unwrap()).unwrap();
        let report = plan.evaluate(&d, &Query::new("1", "2022")).unwrap();
        prop_assert_eq!(report.indicator("E", Gender::T).unwrap().status.as_str(), "error");
        prop_assert!(report.indicator("G", Gender::K).is_some());
        let back = Report::from_json(&report.to_json()).unwrap();
        prop_assert_eq!(back, report);
    }
}

proptest! {
    #![proptest_config(config())]

    /// The percentile is the entity's position among every other municipality in the data: the
    /// share worse than it, ties counting half; the national row, declared groups and Kolada's
    /// `G…` ids are not ranked.
    #[test]
    fn the_percentile_is_the_position_among_municipalities(
        others in prop::collection::vec(0i32..20, 1..40),
        own in 0i32..20,
        national in 0i32..20,
        group in 0i32..20,
        higher in any::<bool>(),
    ) {
        let toml = format!(
            "[plan]\nid = \"p\"\ntitle = \"P\"\n[comparison]\nnational = \"0000\"\n[comparison.groups]\nREGION = {{ members = [\"m0\"] }}\n\
             [[indicator]]\nid = \"Q\"\ntitle = \"Q\"\ndirection = \"{}\"\nrule = \"quartile\"\n",
            if higher { "higher" } else { "lower" }
        );
        let p = plan(&toml, &[]);
        let mut rows = vec![
            obs("Q", "me", "2022", Some(f64::from(own))),
            obs("Q", "0000", "2022", Some(f64::from(national))),
            obs("Q", "REGION", "2022", Some(f64::from(group))),
            obs("Q", "G-kolada", "2022", Some(f64::from(group))),
            obs("Q", "me", "2021", Some(0.0)),
        ];
        rows.extend(others.iter().enumerate().map(|(i, v)| obs("Q", &format!("m{i}"), "2022", Some(f64::from(*v)))));
        let r = p.evaluate(&Observations::from_rows(rows).unwrap(), &Query::new("me", "2022")).unwrap();
        let got = r.indicator("Q", Gender::T).unwrap().percentile.unwrap();
        let worse = others.iter().filter(|v| if higher { **v < own } else { **v > own }).count() as f64;
        let ties = others.iter().filter(|v| **v == own).count() as f64;
        let want = (worse + ties / 2.0) / others.len() as f64;
        prop_assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
    }
}

fn roundtrip_plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let text = format!(
            "{RULES_PLAN}\n[[goal]]\nid = \"sub\"\ntitle = \"Sub\"\nparent = \"all\"\nindicators = [\"G\", \"E\"]\n\
             [[indicator]]\nid = \"G\"\ntitle = \"Gendered\"\nunit = \"%\"\ngender = true\nrule = \"reference\"\n\
             [[indicator]]\nid = \"E\"\ntitle = \"Fails\"\nrule = \"e.rhai\"\n\
             [[assignment]]\nid = \"A\"\ngoal = \"all\"\ntext = \"Do\"\nboards = [\"KS\"]\n"
        );
        plan(&text, &[("e.rhai", "throw \"broken on purpose\";")])
    })
}

#[test]
fn the_round_trip_keeps_exotic_floats() {
    // Floats whose shortest decimal form is long: a best-effort float parser loses the last bit
    // (0.9912260996032721 came back as 0.991226099603272 before serde_json's float_roundtrip).
    let plan = roundtrip_plan();
    let w = World {
        history: [0.1 + 0.2, 1.0 / 3.0],
        national: 2.0f64.sqrt(),
        peers: [1e-300, 5e-324, 1.7976931348623157e308, -0.0, 123456.789012345],
    };
    for v in [0.9912260996032721, 0.1 + 0.2, 9007199254740993.0, 1e308, 2.2250738585072014e-308, 0.30000000000000004, 1.0000000000000002] {
        let report = plan.evaluate(&data(rules_plan(), &w, Some(v)), &Query::new("1", "2022")).unwrap();
        assert_eq!(Report::from_json(&report.to_json()).unwrap(), report, "value {v}");
    }
}

// ---------------------------------------------------------------- attain_core::check

#[test]
fn check_passes_on_a_plan_using_every_std_rule() {
    let report = attain_core::check(rules_plan(), &CheckOptions::default()).unwrap();
    assert_eq!(report.indicators, rules_plan().indicators().len());
    assert!(report.evaluations >= 200 * report.indicators, "{}", report.evaluations);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
}

#[test]
fn check_finds_an_inverted_rule_with_a_counterexample() {
    let toml = "[plan]\nid = \"inv\"\ntitle = \"Inverted\"\n\
                [[indicator]]\nid = \"GOOD\"\ntitle = \"Good\"\nrule = \"reference\"\nparams = { against = 50 }\n\
                [[indicator]]\nid = \"INV\"\ntitle = \"Inverted\"\nrule = \"rules/inverted.rhai\"\n\
                [[indicator]]\nid = \"INV_L\"\ntitle = \"Inverted, lower\"\ndirection = \"lower\"\nrule = \"rules/inverted.rhai\"\n";
    // Higher values are meant to be better, but the rule rewards low values.
    let script = "if value == () { return no_data(); }\nif value < 50 { attained() } else { not_attained() }";
    let p = plan(toml, &[("rules/inverted.rhai", script)]);
    let report = attain_core::check(&p, &CheckOptions::new(100, 7)).unwrap();
    let failures: Vec<_> = report.failures.iter().filter(|f| f.property == "monotone").collect();
    assert_eq!(failures.len(), 1, "only INV (higher is better) breaks monotonicity: {:#?}", report.failures);
    let f = failures[0];
    assert_eq!((f.indicator.as_str(), f.rule.as_str()), ("INV", "rules/inverted.rhai"));
    assert!(f.message.contains("the better value") && f.message.contains("gave `not_attained` but the worse value"), "{}", f.message);
    assert!(f.message.contains("(higher is better)"), "{}", f.message);
    // The counterexample is real: feeding it back reproduces it.
    let nums: Vec<f64> = f.message.split(' ').filter_map(|t| t.parse::<f64>().ok()).collect();
    assert_eq!(nums.len(), 2, "{}", f.message);
    let (better, worse) = (nums[0], nums[1]);
    assert!(better > worse && better >= 50.0 && worse < 50.0, "{}", f.message);
    // The same seed gives the same report.
    assert_eq!(attain_core::check(&p, &CheckOptions::new(100, 7)).unwrap(), report);
}

#[test]
fn check_finds_the_other_properties() {
    let toml = "[plan]\nid = \"bad\"\ntitle = \"Bad\"\n\
                [[indicator]]\nid = \"MISSING\"\ntitle = \"M\"\nrule = \"m.rhai\"\n\
                [[indicator]]\nid = \"THROWS\"\ntitle = \"T\"\nrule = \"t.rhai\"\n";
    let p = plan(
        toml,
        &[("m.rhai", "attained()"), ("t.rhai", "if value == () { return no_data(); }\nif value > 90 { throw \"too big\"; }\nattained()")],
    );
    let report = attain_core::check(&p, &CheckOptions::default()).unwrap();
    let props: Vec<(&str, &str)> = report.failures.iter().map(|f| (f.indicator.as_str(), f.property.as_str())).collect();
    assert_eq!(props, vec![("MISSING", "missing_is_no_data"), ("THROWS", "no_error")], "{:#?}", report.failures);
    assert!(report.failures[1].message.contains("too big"));
}
