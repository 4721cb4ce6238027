//! An honest basis and named comparisons: each goal's basis and `min_basis`, the unweighted mean
//! of the municipalities, and how ties rank, on constructed plans and on the Östersund plan.

use crate::common::{assert_at, assert_message, csv, evaluate, plan, plan_error, repo_root};
use attain_core::{Basis, Code, ErrorKind, Format, Gender, Plan, Query, render};

const FOUR: &str = r#"
[plan]
id = "b"
title = "Basis"
min_basis = { count = 2, share = 0.5 }
[comparison]
national = "0000"
[[indicator]]
id = "A"
title = "A"
rule = "reference"
[[indicator]]
id = "B"
title = "B"
rule = "reference"
[[indicator]]
id = "C"
title = "C"
rule = "reference"
[[indicator]]
id = "D"
title = "D"
rule = "reference"
[[goal]]
id = "plan-default"
title = "The plan's min_basis"
indicators = ["A", "B", "C", "D"]
[[goal]]
id = "own"
title = "Its own min_basis"
indicators = ["A", "B", "C", "D"]
min_basis = { count = 1 }
[[goal]]
id = "parent"
title = "Judged from a sub-goal only"
[[goal]]
id = "child"
title = "Sub-goal"
parent = "parent"
indicators = ["A"]
min_basis = { count = 1 }
"#;

#[test]
fn a_goal_below_its_min_basis_is_no_data_with_its_basis() {
    let p = plan(FOUR, &[]);
    let one = evaluate(&p, &csv("indicator,entity,period,value\nA,1,2022,5\nA,0000,2022,4\n"), "1", "2022");
    let g = one.goal("plan-default").unwrap();
    assert_eq!((g.status.as_str(), g.basis), ("no_data", Basis { assessed: 1, of: 4 }));
    assert_eq!(g.reason, "too little to judge on: assessed on 1 of 4 indicators, at least 2 and at least 50 % needed");
    // The goal's own min_basis replaces the plan's.
    let own = one.goal("own").unwrap();
    assert_eq!((own.status.as_str(), own.basis), ("attained", Basis { assessed: 1, of: 4 }));
    // A goal that links no indicator has no indicator basis to ask for.
    let parent = one.goal("parent").unwrap();
    assert_eq!((parent.status.as_str(), parent.basis), ("attained", Basis { assessed: 0, of: 0 }));

    let two = evaluate(&p, &csv("indicator,entity,period,value\nA,1,2022,5\nA,0000,2022,4\nB,1,2022,3\nB,0000,2022,4\n"), "1", "2022");
    let g = two.goal("plan-default").unwrap();
    assert_eq!((g.status.as_str(), g.basis), ("partly", Basis { assessed: 2, of: 4 }));
}

#[test]
fn the_share_is_asked_as_well_as_the_count() {
    let toml = FOUR.replace("min_basis = { count = 2, share = 0.5 }", "min_basis = { count = 2, share = 0.75 }");
    let rows = "indicator,entity,period,value\nA,1,2022,5\nA,0000,2022,4\nB,1,2022,5\nB,0000,2022,4\n";
    let g = evaluate(&plan(&toml, &[]), &csv(rows), "1", "2022").goal("plan-default").cloned().unwrap();
    assert_eq!((g.status.as_str(), g.basis), ("no_data", Basis { assessed: 2, of: 4 }));
    assert_eq!(g.reason, "too little to judge on: assessed on 2 of 4 indicators, at least 2 and at least 75 % needed");
}

#[test]
fn min_basis_is_checked_where_it_stands() {
    let cases = [
        ("min_basis = { count = -1 }", 5, 23, "`min_basis.count` is `-1`; it is a whole number from 0"),
        ("min_basis = { share = 1.5 }", 5, 23, "`min_basis.share` is `1.5`; it is a share from 0 to 1"),
        ("min_basis = {}", 5, 13, "`min_basis` sets neither `count` nor `share`"),
    ];
    for (line, l, c, message) in cases {
        let e = plan_error(&FOUR.replace("min_basis = { count = 2, share = 0.5 }", line), &[]);
        assert_eq!(e.code(), Code::PlanInvalidValue, "{e}");
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(l), Some(c));
        assert_eq!(e.message(), message);
    }
    let e = plan_error(
        &FOUR.replace("min_basis = { count = 1 }\n[[goal]]\nid = \"parent\"", "min_basis = { least = 1 }\n[[goal]]\nid = \"parent\""),
        &[],
    );
    assert_message(&e, "unknown field `least`");
}

const MEAN: &str = r#"
[plan]
id = "m"
title = "Mean"
[comparison]
national = "0000"
mean = "G-mean"
[comparison.groups]
LAN = { title = "A county, not a municipality", members = [] }
[[indicator]]
id = "I"
title = "I"
rule = "reference"
params = { against = "mean" }
[[goal]]
id = "g"
title = "G"
indicators = ["I"]
"#;

#[test]
fn the_mean_of_the_municipalities_is_computed_without_riket_or_groups() {
    let p = plan(MEAN, &[]);
    let rows = "indicator,entity,period,value\nI,1,2022,1\nI,2,2022,2\nI,3,2022,6\nI,0000,2022,100\nI,LAN,2022,50\nI,G-other,2022,40\n";
    let r = evaluate(&p, &csv(rows), "1", "2022");
    let i = r.indicator("I", Gender::T).unwrap();
    assert_eq!(i.municipal_mean, Some(3.0));
    assert_eq!((i.status.as_str(), i.reason.as_str()), ("not_attained", "1 is worse than the unweighted mean of the municipalities (3)"));
    assert_eq!(i.compared_with, vec!["mean".to_string()]);
    assert_eq!(i.national, Some(100.0));
}

#[test]
fn a_published_mean_wins_and_one_municipality_is_no_mean() {
    let p = plan(MEAN, &[]);
    let rows = "indicator,entity,period,value\nI,1,2022,2.16\nI,2,2022,9\nI,G-mean,2022,2.5\nI,1,2021,1\nI,0000,2021,3\n";
    let data = csv(rows);
    let i = evaluate(&p, &data, "1", "2022").indicator("I", Gender::T).cloned().unwrap();
    assert_eq!((i.municipal_mean, i.status.as_str()), (Some(2.5), "not_attained"));
    let i = evaluate(&p, &data, "1", "2021").indicator("I", Gender::T).cloned().unwrap();
    assert_eq!((i.municipal_mean, i.status.as_str()), (None, "no_data"));
    assert_eq!(i.reason, "no value for the unweighted mean of the municipalities in 2021");
}

fn ostersund() -> Plan {
    Plan::load(repo_root().join("rules/ostersund-2023")).unwrap()
}

#[test]
fn the_ostersund_report_shows_each_goals_basis_and_refuses_a_verdict_on_one_figure() {
    let p = ostersund();
    let r = p.evaluate(&p.data().unwrap(), &Query::new("2380", "2023")).unwrap();
    let basis: Vec<(&str, &str, usize, usize)> =
        r.goals.iter().map(|g| (g.id.as_str(), g.status.as_str(), g.basis.assessed, g.basis.of)).collect();
    assert_eq!(
        basis,
        [
            ("1", "attained", 2, 7),
            ("2", "attained", 4, 4),
            ("3", "attained", 4, 7),
            ("4", "attained", 7, 10),
            ("5", "no_data", 1, 6),
            ("6", "no_data", 1, 12),
            ("7", "attained", 3, 6),
            ("8", "partly", 4, 5),
        ]
    );
    assert_eq!(r.goal("6").unwrap().reason, "underlag saknas: bedömt på 1 av 12 nyckeltal, minst 2 och minst 25 % krävs");
    let md = render(&r, Format::Markdown);
    assert!(md.contains("**Ej bedömd** (bedömt på 1 av 12 nyckeltal) — underlag saknas"), "{md}");
    let table = render(&r, Format::Table { color: false });
    assert!(table.contains("● Ej bedömd Mål 6 (bedömt på 1 av 12 nyckeltal)"), "{table}");
    let html = render(&r, Format::Html);
    assert!(
        html.contains(
            "<b style=\"color:#9e9e9e\">Ej bedömd</b> <span class=\"basis\">(bedömt på 1 av 12 nyckeltal)</span> – underlag saknas"
        )
    );
    let scored = r.indicators.iter().filter(|i| i.gender == Gender::T && i.role == attain_core::Role::Indicator).count();
    assert_eq!(scored, 55);
    assert!(
        html.contains("<li class=\"what\">Mål <b>8</b></li>") && html.contains("<li class=\"what\">Nyckeltal <b>55</b></li>"),
        "{html}"
    );
}

#[test]
fn n07906_is_compared_with_the_mean_it_is_and_ties_count_half() {
    let p = ostersund();
    let data = p.data().unwrap();
    let r = p.evaluate(&data, &Query::new("2380", "2022")).unwrap();
    let n = r.indicator("N07906", Gender::T).unwrap();
    // Kolada's riket is 3,92; the plan's published mean of the municipalities 2,16.
    assert_eq!((n.national, n.municipal_mean), (Some(3.92), Some(2.16)));
    assert_eq!(n.reason, "1,58 per 1000 inv är sämre än kommunernas ovägda medel (2,16); värde för kommuner över 50 000 saknas.");
    // 174 of the 289 other municipalities built fewer; none built exactly 1,58.
    assert_eq!(n.percentile, Some(174.0 / 289.0));
    // 0128 is one of the 116 municipalities at 0: no one lower, 115 ties counted half.
    let z = p.evaluate(&data, &Query::new("0128", "2022")).unwrap();
    assert_eq!(z.indicator("N07906", Gender::T).unwrap().percentile, Some(57.5 / 289.0));
    // N01982 has no published mean: it is computed from all 290 municipalities (36,05).
    let e = r.indicator("N01982", Gender::T).unwrap();
    let text = std::fs::read_to_string(repo_root().join("rules/ostersund-2023/data/national-N01982-2022.csv")).unwrap();
    let mut values: Vec<f64> = text.lines().skip(1).map(|l| l.split(',').nth(4).unwrap().parse().unwrap()).collect();
    values.push(47.24);
    assert_eq!(values.len(), 290);
    let mean = values.iter().map(|v| v / 290.0).sum::<f64>();
    assert!((e.municipal_mean.unwrap() - mean).abs() < 1e-12 && (mean - 36.05).abs() < 0.005, "{:?} {mean}", e.municipal_mean);
    assert_eq!(e.percentile, Some(248.0 / 289.0));
}
