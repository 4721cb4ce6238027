//! Benchmarks of attain-core against the figures of DESIGN §9. Run with `make bench`
//! (`cargo bench -p attain-core`); results and their reading are in docs/benchmarks.md.
//!
//! - `compile`: building a plan (TOML, validation, compiling every rule script): a generated plan
//!   with 50 indicators, and the Östersund plan when its folder loads.
//! - `evaluate`: one std-rule evaluation through the public API. The only public path to a rule is
//!   `Plan::evaluate`, so this is a plan with one `reference` indicator (the whole report: gather,
//!   rule, goal, report), and a plan with 50 indicators for the cost per indicator.
//! - `rule`: one std-rule evaluation on its own, `Plan::assess` on inputs given directly, for every
//!   std rule: the native twin (`rule/NAME`) and, side by side, the same Rhai source run as a plan
//!   script (`rule/NAME_script`).
//!   And the Östersund report from its own plan and data (`evaluate/ostersund_2023`).
//! - `batch`: national scale, `evaluate_many` over 290 municipalities × 10 years × 50 indicators
//!   with national values and peer statistics derived from 20 members.
//! - `read`: `Observations::from_csv` of 436,500 tidy rows (10 MB of text) in key order.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

// The CLI's allocator, so that these figures are the CLI's.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

use attain_core::{AssessRequest, Gender, HistoryPoint, Observation, Observations, PeersRequest, Period, Plan, PlanFiles, Query};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const ENTITIES: usize = 290;
const YEARS: std::ops::Range<i32> = 2014..2024;
const INDICATORS: usize = 50;

/// A plan with `n` indicators cycling through every std rule and both polarities, five per goal.
fn generated_plan(n: usize) -> String {
    let peers: Vec<String> = (1..=20).map(|i| format!("\"{:04}\"", i * 7)).collect();
    let mut t = format!(
        "[plan]\nid = \"bench\"\ntitle = \"Benchmark\"\nentity = \"0001\"\n\
         [comparison]\nnational = \"0000\"\npeers = \"G-peers\"\n\
         [comparison.groups]\nG-peers = {{ title = \"Peers\", members = [{}] }}\n",
        peers.join(", ")
    );
    let aggregations = ["share", "mean_score", "worst", "majority_improving"];
    for g in 0..n.div_ceil(5) {
        let ids: Vec<String> = (g * 5..(g * 5 + 5).min(n)).map(|i| format!("\"I{i:02}\"")).collect();
        t.push_str(&format!(
            "[[goal]]\nid = \"{g}\"\ntitle = \"Goal {g}\"\nindicators = [{}]\naggregate = \"{}\"\n",
            ids.join(", "),
            aggregations[g % aggregations.len()]
        ));
    }
    for i in 0..n {
        let direction = if i % 2 == 0 { "higher" } else { "lower" };
        let (rule, params, targets) = match i % 7 {
            0 => ("reference", "{ against = \"national\", tolerance = 0.05 }", ""),
            1 => ("reference", "{ against = \"peers\", tolerance = 0.1 }", ""),
            2 => ("target", "{ tolerance = 0.05 }", "targets = { 2014 = 50.0, 2030 = 60.0 }\n"),
            3 => ("quartile", "{}", ""),
            4 => ("trend", "{ n = 2 }", ""),
            5 => ("trajectory", "{ tolerance = 0.05 }", "targets = { 2030 = 40.0 }\n"),
            _ => ("okr", "{ baseline = 40 }", "targets = { 2014 = 50.0, 2030 = 70.0 }\n"),
        };
        t.push_str(&format!(
            "[[indicator]]\nid = \"I{i:02}\"\ntitle = \"Indicator {i}\"\nunit = \"%\"\ndirection = \"{direction}\"\n\
             rule = \"{rule}\"\nparams = {params}\n{targets}"
        ));
    }
    t
}

fn files(plan_toml: String) -> PlanFiles {
    PlanFiles::from([("plan.toml".to_string(), plan_toml)])
}

/// A reproducible value in 30..70 for (indicator, entity, year).
fn value(i: usize, e: usize, y: i32) -> f64 {
    let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (e as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (y as u64);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    30.0 + (x % 4000) as f64 / 100.0
}

/// Every indicator for the national row `0000` and municipalities `0001`..`0290`, every year.
fn national_rows(indicators: usize) -> Vec<Observation> {
    let mut rows = Vec::with_capacity((ENTITIES + 1) * YEARS.len() * indicators);
    for i in 0..indicators {
        for e in 0..=ENTITIES {
            for y in YEARS {
                rows.push(Observation {
                    indicator: format!("I{i:02}"),
                    entity: format!("{e:04}"),
                    period: y.to_string(),
                    gender: Gender::T,
                    value: Some(value(i, e, y)),
                    missing: None,
                    count: None,
                    source: None,
                });
            }
        }
    }
    rows
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    let plan50 = files(generated_plan(INDICATORS));
    group.bench_function("plan_50_indicators", |b| b.iter(|| Plan::from_files(black_box(plan50.clone())).unwrap()));
    let ostersund = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/ostersund-2023");
    match Plan::load(&ostersund) {
        Ok(p) => {
            let files = p.files().clone();
            group.bench_function("ostersund_2023", |b| b.iter(|| Plan::from_files(black_box(files.clone())).unwrap()));
        }
        Err(e) => eprintln!("compile/ostersund_2023 skipped: {e}"),
    }
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    // One std-rule evaluation: a plan with one `reference` indicator against the national value.
    let one = Plan::from_files(files(
        "[plan]\nid = \"one\"\ntitle = \"One\"\n[comparison]\nnational = \"0000\"\n\
         [[indicator]]\nid = \"I00\"\ntitle = \"Full-time\"\nunit = \"%\"\nrule = \"reference\"\nparams = { against = \"national\", tolerance = 0.05 }\n"
            .to_string(),
    ))
    .unwrap();
    let data = Observations::from_rows(national_rows(1)).unwrap();
    let q = Query::new("0001", "2023").with_genders(&[Gender::T]);
    group.bench_function("reference_1_indicator", |b| b.iter(|| one.evaluate(black_box(&data), black_box(&q)).unwrap()));

    let plan50 = Plan::from_files(files(generated_plan(INDICATORS))).unwrap();
    let data50 = Observations::from_rows(national_rows(INDICATORS)).unwrap();
    // The benchmark measures real verdicts, not errors or gaps.
    let sample = plan50.evaluate(&data50, &q).unwrap();
    let judged = sample.indicators.iter().filter(|r| plan50.scale().rank(&r.status).is_some()).count();
    assert_eq!(judged, INDICATORS, "{:?}", sample.indicators.iter().map(|r| (&r.id, &r.status, &r.reason)).collect::<Vec<_>>());
    group.bench_function("plan_50_indicators", |b| b.iter(|| plan50.evaluate(black_box(&data50), black_box(&q)).unwrap()));
    // The Östersund report (its own rules and data), as `attain report` makes it.
    let ostersund = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/ostersund-2023");
    match Plan::load(&ostersund).and_then(|p| p.bundled_data().map(|d| (p, d))) {
        Ok((plan, data)) => {
            group.bench_function("ostersund_2023", |b| b.iter(|| plan.evaluate(black_box(&data), &Query::default()).unwrap()));
        }
        Err(e) => eprintln!("evaluate/ostersund_2023 skipped: {e}"),
    }
    group.finish();
}

/// Every std rule with the params of the generated plan, and its Rhai source.
const STD_RULES: [(&str, &str, &str, &str); 6] = [
    ("target", "{ tolerance = 0.05 }", "targets = { 2014 = 50.0, 2030 = 60.0 }\n", include_str!("../../rules/std/target.rhai")),
    ("reference", "{ against = \"national\", tolerance = 0.05 }", "", include_str!("../../rules/std/reference.rhai")),
    ("quartile", "{}", "", include_str!("../../rules/std/quartile.rhai")),
    ("trend", "{ n = 2 }", "", include_str!("../../rules/std/trend.rhai")),
    ("trajectory", "{ tolerance = 0.05 }", "targets = { 2030 = 40.0 }\n", include_str!("../../rules/std/trajectory.rhai")),
    ("okr", "{ baseline = 40 }", "targets = { 2014 = 50.0, 2030 = 70.0 }\n", include_str!("../../rules/std/okr.rhai")),
];

/// 64 realistic inputs for 2023: a value, nine years of history, national, peers, percentile.
fn rule_inputs() -> Vec<AssessRequest> {
    (1..=64)
        .map(|e| {
            let peers: Vec<f64> = (1..=20).map(|m| value(0, m * 7, 2023)).collect();
            let mut r = AssessRequest::default();
            r.value = Some(value(0, e, 2023));
            r.history =
                YEARS.take(9).map(|y| HistoryPoint { period: Period::parse(&y.to_string()).unwrap(), value: value(0, e, y) }).collect();
            r.previous = Some(value(0, e, 2022));
            r.national = Some(value(0, 0, 2023));
            let mut p = PeersRequest::default();
            p.values = peers;
            r.peers = Some(p);
            r.percentile = Some((e % 20) as f64 / 19.0);
            r.period = Some(Period::parse("2023").unwrap());
            r
        })
        .collect()
}

fn rule(c: &mut Criterion) {
    let mut group = c.benchmark_group("rule");
    group.sample_size(20).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    let mut toml = "[plan]\nid = \"rules\"\ntitle = \"Rules\"\n".to_string();
    let mut plan_files = PlanFiles::new();
    for (name, params, targets, source) in STD_RULES {
        for (id, rule) in [(format!("N_{name}"), name.to_string()), (format!("S_{name}"), format!("rules/{name}.rhai"))] {
            toml.push_str(&format!(
                "[[indicator]]\nid = \"{id}\"\ntitle = \"{id}\"\nunit = \"%\"\nrule = \"{rule}\"\nparams = {params}\n{targets}"
            ));
        }
        plan_files.insert(&format!("rules/{name}.rhai"), source.to_string()).unwrap();
    }
    plan_files.insert("plan.toml", toml).unwrap();
    let plan = Plan::from_files(plan_files).unwrap();
    let rows = rule_inputs();
    for (name, ..) in STD_RULES {
        let (twin, script) = (format!("N_{name}"), format!("S_{name}"));
        // What is timed is real verdicts, the same from the twin as from the script.
        for r in &rows {
            let (a, b) = (plan.assess(&twin, r).unwrap(), plan.assess(&script, r).unwrap());
            assert_eq!(a, b, "{name}");
            assert!(plan.scale().rank(&a.status).is_some(), "{name}: {} {}", a.status, a.reason);
        }
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % rows.len();
                plan.assess(black_box(&twin), black_box(&rows[i])).unwrap()
            })
        });
        group.bench_function(format!("{name}_script"), |b| {
            b.iter(|| {
                i = (i + 1) % rows.len();
                plan.assess(black_box(&script), black_box(&rows[i])).unwrap()
            })
        });
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));
    let plan = Plan::from_files(files(generated_plan(INDICATORS))).unwrap();
    let rows = national_rows(INDICATORS);
    let entities: Vec<String> = (1..=ENTITIES).map(|e| format!("{e:04}")).collect();
    let periods: Vec<String> = YEARS.map(|y| y.to_string()).collect();
    let data = Observations::from_rows(rows.clone()).unwrap();
    // Warm: the observations' index (built on first use) is already there.
    group.bench_function("national_scale_290x10x50", |b| {
        b.iter(|| {
            let reports = plan.evaluate_many(black_box(&data), &entities, &periods).unwrap();
            assert_eq!(reports.len(), ENTITIES * YEARS.len());
            reports
        })
    });
    // Cold: fresh observations each time, so building the index is included.
    group.bench_function("national_scale_290x10x50_with_index", |b| {
        b.iter_batched(
            || Observations::from_rows(rows.clone()).unwrap(),
            |fresh| plan.evaluate_many(&fresh, &entities, &periods).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Tidy CSV text of the national-scale rows by gender (T, K, M): 291 entities × 50 indicators ×
/// 10 years × 3 = 436,500 rows, about 10 MB, in key order as a download has them.
fn tidy_csv() -> String {
    use std::fmt::Write;
    let mut t = String::from("indicator,entity,period,gender,value\n");
    for r in national_rows(INDICATORS) {
        for (g, shift) in [("T", 0.0), ("K", 1.5), ("M", -1.5)] {
            writeln!(t, "{},{},{},{g},{:.1}", r.indicator, r.entity, r.period, r.value.unwrap_or(0.0) + shift).unwrap();
        }
    }
    t
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    group.sample_size(20).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(1));
    let text = tidy_csv();
    group.bench_function("csv_tidy_436500_rows", |b| {
        b.iter(|| {
            let data = Observations::from_csv(black_box(&text), "bench.csv").unwrap();
            assert_eq!(data.len(), 436_500);
            data
        })
    });
    group.finish();
}

criterion_group!(benches, compile, evaluate, rule, batch, read);
criterion_main!(benches);
