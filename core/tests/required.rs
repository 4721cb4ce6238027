//! `Plan::required`: for a monotone rule, the nearest value that moves an indicator to the next
//! better level. Feeding the answer back (Observations::set_value) must give that level, and a
//! value a little short of it must not.

use crate::common::{csv, evaluate, plan};
use attain_core::{Gender, Observations, Plan, Query};

const PLAN: &str = r#"
[plan]
id = "req"
title = "Required"
[comparison]
national = "0000"
peers = ["0001", "0002", "0003"]
[[indicator]]
id = "TGT"
title = "Full-time"
unit = "%"
rule = "target"
targets = { 2022 = 80.0 }
[[indicator]]
id = "TGT_L"
title = "Sick leave"
direction = "lower"
rule = "target"
params = { tolerance = 0.1 }
targets = { 2022 = 5.0 }
[[indicator]]
id = "REF"
title = "Satisfaction"
rule = "reference"
params = { against = "national", tolerance = 0.05 }
[[indicator]]
id = "PEER_L"
title = "Cost"
direction = "lower"
rule = "reference"
params = { against = "peers" }
[[indicator]]
id = "Q"
title = "Quality"
rule = "quartile"
[[indicator]]
id = "Q_L"
title = "Waiting"
direction = "lower"
rule = "quartile"
[[indicator]]
id = "TR"
title = "Trend"
rule = "trend"
[[indicator]]
id = "TJ_L"
title = "Emissions"
direction = "lower"
rule = "trajectory"
targets = { 2030 = 0.0 }
[[indicator]]
id = "OKR"
title = "OKR"
rule = "okr"
params = { baseline = 0 }
targets = { 2022 = 100.0 }
"#;

/// Every indicator starts at the worst level (not attained).
const DATA: &str = "indicator,entity,period,value
TGT,1,2021,75
TGT,1,2022,70
TGT_L,1,2021,5
TGT_L,1,2022,8
REF,1,2022,60
REF,0000,2022,70
PEER_L,1,2022,130
PEER_L,0001,2022,90
PEER_L,0002,2022,100
PEER_L,0003,2022,110
Q,1,2022,15
Q_L,1,2022,95
TR,1,2021,50
TR,1,2022,40
TJ_L,1,2020,100
TJ_L,1,2022,95
OKR,1,2022,10
";

fn population() -> String {
    // Ten other municipalities at 10, 20, … 100 for the quartile rules.
    (1..=10).flat_map(|i| [format!("Q,{:04},2022,{}\n", 100 + i, i * 10), format!("Q_L,{:04},2022,{}\n", 100 + i, i * 10)]).collect()
}

fn setup() -> (Plan, Observations) {
    (plan(PLAN, &[]), csv(&format!("{DATA}{}", population())))
}

fn status(plan: &Plan, data: &Observations, id: &str) -> String {
    evaluate(plan, data, "1", "2022").indicator(id, Gender::T).unwrap().status.clone()
}

/// Climbs from not attained to attained through `required`, one level at a time.
#[track_caller]
fn climb(id: &str, expected: &[(&str, f64)]) {
    let (plan, mut data) = setup();
    let q = Query::new("1", "2022");
    assert_eq!(status(&plan, &data, id), "not_attained", "{id} starts at the worst level");
    let higher = plan.indicator(id).unwrap().higher_is_better();
    for (next, want) in expected {
        let r = plan.required(&data, &q, id, Gender::T).unwrap();
        assert_eq!(r.next_status.as_deref(), Some(*next), "{id}: {}", r.message);
        let x = r.required.unwrap_or_else(|| panic!("{id}: no required value: {}", r.message));
        // The answer is in the indicator's precision (these give no decimals: two), the nearest
        // such value that reaches the level: the threshold itself, or one step past a strict one.
        let step = 0.01;
        assert!((x - want).abs() <= step + 1e-9, "{id}: required {x}, expected {want} or one step past it");
        assert!(((x / step).round() * step - x).abs() < 1e-9, "{id}: {x} is not in two decimals");
        assert!(r.message.contains("must reach"), "{}", r.message);
        let period = r.period.clone().unwrap();
        // One step of that precision short of the answer keeps the old level ...
        let short = if higher { x - step } else { x + step };
        data.set_value(id, "1", &period, Gender::T, Some(short)).unwrap();
        assert_eq!(status(&plan, &data, id), r.status, "{id}: {short} is short of {x}");
        // ... and the answer gives the better level.
        data.set_value(id, "1", &period, Gender::T, Some(x)).unwrap();
        assert_eq!(status(&plan, &data, id), *next, "{id}: fed back {x}");
    }
    let r = plan.required(&data, &q, id, Gender::T).unwrap();
    assert_eq!((r.status.as_str(), r.required), ("attained", None), "{id}: {}", r.message);
    assert!(r.message.contains("already at the best level"), "{}", r.message);
}

#[test]
fn target_higher_is_better() {
    // Anything above the previous value (75) is partly, before the 5 % tolerance (76) is reached;
    // 80 reaches the target.
    climb("TGT", &[("partly", 75.0), ("attained", 80.0)]);
}

#[test]
fn target_lower_is_better() {
    // Within 10 % of 5 is 5.5; at most 5 reaches it.
    climb("TGT_L", &[("partly", 5.5), ("attained", 5.0)]);
}

#[test]
fn reference_against_the_national_value() {
    climb("REF", &[("partly", 66.5), ("attained", 70.0)]);
}

#[test]
fn reference_against_peers_lower_is_better() {
    // No tolerance: from not attained straight to attained at the peer mean, 100.
    climb("PEER_L", &[("attained", 100.0)]);
}

#[test]
fn trend_from_the_previous_value() {
    // From 50: within 1 % (49.5) is partly, above 50.5 is attained.
    climb("TR", &[("partly", 49.5), ("attained", 50.5)]);
}

#[test]
fn trajectory_lower_is_better() {
    // From 100 in 2020 to 0 in 2030 the line is at 80 in 2022.
    climb("TJ_L", &[("attained", 80.0)]);
}

#[test]
fn okr_progress() {
    climb("OKR", &[("partly", 40.0), ("attained", 70.0)]);
}

#[test]
fn quartile_moves_with_the_percentile() {
    // Among ten others at 10..100: a value above 30 passes 3 of 10 (percentile > 0.25); above 80
    // passes 8 of 10 (0.8 ≥ 0.75). Ties count half, so the boundaries are just above the others.
    let (plan, data) = setup();
    let r = plan.required(&data, &Query::new("1", "2022"), "Q", Gender::T).unwrap();
    assert_eq!(r.next_status.as_deref(), Some("partly"), "{}", r.message);
    let x = r.required.unwrap();
    assert!(x > 20.0 && x <= 30.01 + 1e-9, "required {x}");
    climb_quartile("Q");
    climb_quartile("Q_L");
}

fn climb_quartile(id: &str) {
    let (plan, mut data) = setup();
    let q = Query::new("1", "2022");
    for next in ["partly", "attained"] {
        let r = plan.required(&data, &q, id, Gender::T).unwrap();
        assert_eq!(r.next_status.as_deref(), Some(next), "{id}: {}", r.message);
        data.set_value(id, "1", "2022", Gender::T, r.required).unwrap();
        assert_eq!(status(&plan, &data, id), next, "{id}: fed back {:?}", r.required);
    }
}

#[test]
fn no_value_and_no_way_up_are_said_plainly() {
    let (plan, data) = setup();
    let q = Query::new("1", "2022");
    let gap = csv("indicator,entity,period,value\nREF,1,2022,\n");
    let r = plan.required(&gap, &q, "REF", Gender::T).unwrap();
    assert_eq!((r.status.as_str(), r.required), ("no_data", None));
    assert!(r.message.contains("no value to start from"), "{}", r.message);
    // A rule whose status does not depend on the value has no required value.
    let p = attain_core::Plan::from_files(crate::common::plan_files(
        "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"C\"\ntitle = \"Constant\"\nrule = \"c.rhai\"\n",
        &[("c.rhai", "if value == () { no_data() } else { not_attained() }")],
    ))
    .unwrap();
    let r = p.required(&csv("indicator,entity,period,value\nC,1,2022,5\n"), &q, "C", Gender::T).unwrap();
    assert_eq!((r.status.as_str(), r.next_status.as_deref(), r.required), ("not_attained", Some("partly"), None));
    assert!(r.message.contains("no value of `Constant` moves it"), "{}", r.message);
    drop(data);
}
