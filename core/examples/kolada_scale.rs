//! Kolada-scale batch: reads every CSV of a generated data folder, then judges every
//! municipality's latest year with std rules and peer statistics, writing the reports as JSON
//! Lines. A benchmark, not a test: `scripts/bench-kolada-scale.sh` generates the data
//! (GENERATED values, `scripts/gen-tidy-csv.py`) and runs this under `/usr/bin/time -v`.
//!
//! ```text
//! cargo run --release -p attain-core --example kolada_scale -- PLAN_DIR [OUT.jsonl]
//! ```
//!
//! PLAN_DIR holds plan.toml and data/*.csv (more than a plan folder's 1 GiB, so the plan is
//! built from plan.toml alone and the data read file by file). Prints the rows, the reports and
//! the seconds of each stage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

// The CLI's allocator, so that these figures are the CLI's.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

use attain_core::{Observations, Plan, PlanFiles};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: kolada_scale PLAN_DIR [OUT.jsonl]"));
    let out = args.next().unwrap_or_else(|| "/dev/null".into());
    let start = Instant::now();
    let toml = std::fs::read_to_string(dir.join("plan.toml")).expect("plan.toml");
    let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), toml)])).expect("the plan builds");
    let mut files: Vec<_> = std::fs::read_dir(dir.join("data")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let parts = files.iter().map(|f| Observations::load(f).expect("a data file reads"));
    let data = Observations::combine(parts).expect("no duplicates");
    let read = start.elapsed().as_secs_f64();
    // Every municipality (not the nation, `0000`), in its latest year.
    let entities: Vec<String> = data.entities().filter(|e| *e != "0000").map(str::to_string).collect();
    let latest = data.periods().max().expect("rows").to_string();
    let listed = start.elapsed().as_secs_f64();
    let file = std::io::BufWriter::new(std::fs::File::create(&out).unwrap());
    let reports = plan.write_jsonl(&data, &entities, std::slice::from_ref(&latest), file).expect("the batch runs");
    let total = start.elapsed().as_secs_f64();
    println!(
        "{} rows in {} files; {reports} reports ({} indicators each) for {latest}; read {read:.1} s, list {:.1} s, judge {:.1} s, total {total:.1} s",
        data.len(),
        files.len(),
        plan.indicators().len(),
        listed - read,
        total - listed
    );
}
