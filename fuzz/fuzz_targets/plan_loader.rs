//! Any text as plan.toml: a plan or a typed error, never a panic; a plan that loads evaluates
//! and renders.
#![no_main]

use attain_core::{Format, Observations, Plan, PlanFiles, Query, render};
use libfuzzer_sys::fuzz_target;

const DATA: &str = "indicator,entity,period,gender,value\nA,1,2022,T,5\nA,0000,2022,T,4\nB,1,2021,T,3\nB,1,2022,T,2\n";

fuzz_target!(|text: &str| {
    let files = PlanFiles::from([
        ("plan.toml".to_string(), text.to_string()),
        ("rules/r.rhai".to_string(), "if value == () { no_data() } else { attained() }".to_string()),
    ]);
    let Ok(plan) = Plan::from_files(files) else { return };
    let Ok(data) = Observations::from_csv(DATA, "d.csv") else { return };
    if let Ok(report) = plan.evaluate(&data, &Query::new("1", "2022")) {
        let _ = render(&report, Format::Html);
        let _ = render(&report, Format::Markdown);
    }
});
