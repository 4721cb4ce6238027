//! Any text as an indicator rule and as a goal aggregation: the report completes, the rule's
//! indicator and goal at worst with status `error`.
#![no_main]

use attain_core::{Observations, Plan, PlanFiles, Query};
use libfuzzer_sys::fuzz_target;

// As every host does: the sandbox bounds a rule's memory through it.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator = attain_core::MeteredAllocator::system();

const PLAN: &str = r#"[plan]
id = "f"
title = "F"
[comparison]
national = "0000"
[[goal]]
id = "1"
title = "G"
indicators = ["R", "S"]
aggregate = "rules/agg.rhai"
[[indicator]]
id = "R"
title = "R"
gender = true
rule = "rules/r.rhai"
targets = { 2020 = 1.0, 2030 = 2.0 }
[[indicator]]
id = "S"
title = "S"
rule = "reference"
"#;

const DATA: &str = "indicator,entity,period,gender,value\nR,1,2021,T,1\nR,1,2022,T,5\nR,1,2022,K,4\nR,2,2022,T,7\nR,0000,2022,T,4\nS,1,2022,T,3\nS,0000,2022,T,4\n";

fuzz_target!(|script: &str| {
    let files = PlanFiles::from([
        ("plan.toml".to_string(), PLAN.to_string()),
        ("rules/r.rhai".to_string(), script.to_string()),
        ("rules/agg.rhai".to_string(), script.to_string()),
    ]);
    let Ok(plan) = Plan::from_files(files) else { return };
    let Ok(data) = Observations::from_csv(DATA, "d.csv") else { return };
    let report = plan.evaluate(&data, &Query::new("1", "2022")).expect("a query for a known entity and period");
    let s = report.indicators.iter().find(|r| r.id == "S").expect("S is in the report");
    assert_eq!(s.status, "not_attained", "another indicator's rule does not change S");
    // Nothing a rule does outlives its evaluation: the same question gives the same report, unless
    // a wall-clock limit (the one guard that depends on the machine) decided the first.
    let timed = |r: &attain_core::Report| r.indicators.iter().any(|i| i.reason.contains("longer than the limit"));
    let again = plan.evaluate(&data, &Query::new("1", "2022")).expect("the same query again");
    if !timed(&report) && !timed(&again) {
        assert_eq!(report, again, "a second evaluation of the same plan gives the same report");
    }
});
