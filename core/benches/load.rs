//! Plan loading against its size (issue 10: loading grew quadratically, a chain of parent goals
//! cubically). Run with `cargo bench -p attain-core --bench load`; each size is measured at a
//! tenth of it too, so that the ratio shows whether loading is linear (10× the plan, 10× the time).
//!
//! - `load/flat_N`: N goals with no parent and no indicator.
//! - `load/chain_N`: N goals, each the parent of the next.
//! - `load/indicators_N`: N indicators (rule, params, targets), linked five to a goal.
//! - `load/goals_and_indicators_N`: N goals each linking two of N indicators, one with a weight.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

// The CLI's allocator, so that these figures are the CLI's.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

use attain_core::{Plan, PlanFiles};
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

const HEAD: &str = "[plan]\nid = \"load\"\ntitle = \"Load\"\n";

fn goal(t: &mut String, g: usize, parent: Option<usize>, links: &str) {
    let _ = write!(t, "[[goal]]\nid = \"G{g}\"\ntitle = \"Goal {g}\"\n");
    if let Some(p) = parent {
        let _ = writeln!(t, "parent = \"G{p}\"");
    }
    if !links.is_empty() {
        let _ = writeln!(t, "indicators = [{links}]");
    }
}

fn indicator(t: &mut String, i: usize) {
    let _ = write!(
        t,
        "[[indicator]]\nid = \"I{i}\"\ntitle = \"Indicator {i}\"\nunit = \"%\"\nrule = \"target\"\n\
         params = {{ tolerance = 0.05 }}\ntargets = {{ 2023 = 50.0, 2030 = 60.0 }}\ndecimals = 1\n"
    );
}

fn flat(n: usize) -> String {
    let mut t = HEAD.to_string();
    (0..n).for_each(|g| goal(&mut t, g, None, ""));
    t
}

fn chain(n: usize) -> String {
    let mut t = HEAD.to_string();
    (0..n).for_each(|g| goal(&mut t, g, g.checked_sub(1), ""));
    t
}

fn indicators(n: usize) -> String {
    let mut t = HEAD.to_string();
    for g in 0..n.div_ceil(5) {
        let links: Vec<String> = (g * 5..(g * 5 + 5).min(n)).map(|i| format!("\"I{i}\"")).collect();
        goal(&mut t, g, None, &links.join(", "));
    }
    (0..n).for_each(|i| indicator(&mut t, i));
    t
}

fn goals_and_indicators(n: usize) -> String {
    let mut t = HEAD.to_string();
    (0..n).for_each(|g| goal(&mut t, g, None, &format!("\"I{g}\", {{ id = \"I{}\", weight = 2 }}", (g + 1) % n)));
    (0..n).for_each(|i| indicator(&mut t, i));
    t
}

/// Makes the plan.toml of a given size.
type Generator = fn(usize) -> String;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    let plans: [(&str, Generator, usize); 4] = [
        ("flat", flat, 50_000),
        ("chain", chain, 8_000),
        ("indicators", indicators, 50_000),
        ("goals_and_indicators", goals_and_indicators, 50_000),
    ];
    for (name, make, n) in plans {
        for size in [n / 10, n] {
            let files = PlanFiles::from([("plan.toml".to_string(), make(size))]);
            // What is timed is a plan that loads, whole: `size` goals or indicators.
            let plan = Plan::from_files(files.clone()).unwrap();
            assert_eq!(plan.goals().len().max(plan.indicators().len()), size, "{name}_{size}");
            group.bench_function(format!("{name}_{size}"), |b| b.iter(|| Plan::from_files(black_box(files.clone())).unwrap()));
        }
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
