//! The native side of `bench.mjs`: the same plan, data and loop as the wasm benchmark, run by
//! attain-core natively, so the two can be compared.
//!
//! `cargo run --release -p attain-wasm --example native_bench -- [PLAN_DIR] [N]`
//! prints one JSON line: milliseconds per plan build, per evaluation, and per evaluation
//! including the report's JSON text (what the binding's conversion to JS corresponds to).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use attain_core::{Plan, Query};
use std::hint::black_box;
use std::time::Instant;

fn per_call_ms(n: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..n.div_ceil(10) {
        f();
    }
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() * 1000.0 / n as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/ostersund-2023").to_string());
    let n: usize = args.next().map_or(200, |s| s.parse().expect("N is a number"));
    let files = attain_core::Plan::load(&dir).expect("the plan loads").files().clone();
    let build = per_call_ms(n.div_ceil(4), || {
        black_box(Plan::from_files(files.clone()).unwrap());
    });
    let plan = Plan::from_files(files).unwrap();
    let data = plan.bundled_data().unwrap();
    let q = Query::default();
    let evaluate = per_call_ms(n, || {
        black_box(plan.evaluate(&data, &q).unwrap());
    });
    let evaluate_json = per_call_ms(n, || {
        black_box(serde_json::to_string(&plan.evaluate(&data, &q).unwrap()).unwrap());
    });
    println!(
        "{{\"runtime\":\"native\",\"n\":{n},\"build_ms\":{build:.4},\"evaluate_ms\":{evaluate:.4},\"evaluate_json_ms\":{evaluate_json:.4}}}"
    );
}
