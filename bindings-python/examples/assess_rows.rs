//! The native side of `bench/assess_bench.py`: core's own per-row cost of `Plan::assess` on
//! the same rows the Python benchmark judges, so the two can be compared in one run.
//!
//! `cargo run --release -p attain-python --example assess_rows -- PLAN_DIR INDICATOR ROWS_FILE [REPEATS]`
//!
//! ROWS_FILE holds the rows as little-endian f64 pairs (value, national); the period is 2023.
//! One `AssessRequest` is reused, two fields set per row. Prints one JSON line:
//! nanoseconds per row of each repetition, and per status the rows that got it (a check that
//! both sides judged the same rows alike).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use attain_core::{AssessRequest, Period, Plan};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, indicator, rows_file, rest @ ..] = args.as_slice() else {
        panic!("usage: assess_rows PLAN_DIR INDICATOR ROWS_FILE [REPEATS]");
    };
    let repeats: usize = rest.first().map_or(3, |s| s.parse().expect("REPEATS is a number"));
    let plan = Plan::load(dir).expect("the plan loads");
    let bytes = std::fs::read(rows_file).expect("the rows file reads");
    let floats: Vec<f64> = bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    let rows: Vec<(f64, f64)> = floats.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let mut inputs = AssessRequest::default();
    inputs.period = Some(Period::parse("2023").unwrap());

    let mut ns_per_row = Vec::with_capacity(repeats);
    let mut reason_bytes = 0usize;
    for _ in 0..repeats {
        let start = Instant::now();
        for &(value, national) in &rows {
            inputs.value = Some(value);
            inputs.national = Some(national);
            let a = plan.assess(indicator, &inputs).unwrap();
            reason_bytes += a.reason.len();
            black_box(a);
        }
        ns_per_row.push(start.elapsed().as_secs_f64() * 1e9 / rows.len() as f64);
    }

    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for &(value, national) in &rows {
        inputs.value = Some(value);
        inputs.national = Some(national);
        *statuses.entry(plan.assess(indicator, &inputs).unwrap().status).or_default() += 1;
    }
    let out = serde_json::json!({
        "rows": rows.len(),
        "ns_per_row": ns_per_row,
        "statuses": statuses,
        "reason_bytes": reason_bytes / repeats.max(1),
    });
    println!("{out}");
}
