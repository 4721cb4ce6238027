//! `attain fetch` end to end against a local Kolada-shaped server: a copy of the Östersund plan fetched with --all, then reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../kolada/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn attain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attain")).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() { copy(&e.path(), &target) } else { std::fs::copy(e.path(), target).map(|_| ()).unwrap() }
    }
}

/// A copy of rules/ostersund-2023, its data/ as it is.
fn ostersund(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("attain-cli-kolada-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/ostersund-2023"), &dir);
    TempDir(dir)
}

/// A copy of rules/ostersund-2023 whose data/ holds only the assignments: every value comes from the fetch.
fn ostersund_without_values(name: &str) -> TempDir {
    let plan = ostersund(name);
    let dir = plan.0.clone();
    for e in std::fs::read_dir(dir.join("data")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "assignments.csv" {
            std::fs::remove_file(p).unwrap();
        }
    }
    plan
}

/// The mock plays Kolada with the fixture's real values and its 290 municipalities (and a region).
fn server() -> common::Mock {
    let rows = common::fixture_rows();
    let mut kolada = common::Kolada { rows: rows.clone(), page_size: 50, ..Default::default() };
    let mut ids: Vec<String> = rows.iter().map(|r| r.municipality.clone()).filter(|m| m != "0000").collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 290);
    kolada.municipalities = ids.into_iter().map(|id| (id.clone(), id, "K".to_string())).collect();
    kolada.municipalities.push(("0001".into(), "Region Stockholm".into(), "L".into()));
    kolada.kpis = vec![("N01982".into(), "Invånare 25-64 år med eftergymnasial utbildning, andel (%)".into(), true)];
    common::start(kolada, None)
}

#[test]
fn fetch_all_then_report_judges_on_the_fixtures_values() {
    let mock = server();
    let plan = ostersund_without_values("all");
    let dir = plan.0.display().to_string();
    let out = attain(&["fetch", &dir, "--all", "--base-url", &mock.base]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // Every fixture row of the plan's key figures, for every municipality, riket and all: 643.
    let rows = common::fixture_rows();
    let core_plan = attain_core::Plan::load(&plan.0).unwrap();
    let kpis: Vec<String> = core_plan.indicators().iter().filter_map(|i| i.kolada.clone()).collect();
    let expected = rows.iter().filter(|r| kpis.contains(&r.kpi)).count();
    assert_eq!(expected, 643);
    assert!(stdout.starts_with(&format!("{expected} rows received, {expected} written in 6 files, 0 already")), "{stdout}");
    assert!(stdout.contains("Källa: Kolada"));
    let data = core_plan.bundled_data().unwrap();
    assert_eq!(data.len(), expected, "core reads back every row written");

    let out = attain(&["report", &dir, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let value = |kpi: &str, entity: &str, period: &str| {
        rows.iter().find(|r| r.kpi == kpi && r.municipality == entity && r.period == period && r.gender == "T").and_then(|r| r.value)
    };
    let mut judged = BTreeMap::new();
    for ind in report["indicators"].as_array().unwrap() {
        let id = ind["id"].as_str().unwrap();
        if ind["gender"] != "T" {
            // The fixture holds totals only: women and men stay without a value.
            assert!(ind["value"].is_null(), "{id}: {ind}");
            continue;
        }
        let Some(kpi) = core_plan.indicator(id).and_then(|i| i.kolada.clone()) else { continue };
        // The newest fixture value for Östersund within max_age of 2023 is the one the report uses.
        let newest = (2017..=2023).rev().find_map(|y| value(&kpi, "2380", &y.to_string()).map(|v| (y.to_string(), v)));
        match newest {
            Some((year, v)) => {
                assert_eq!(ind["value"].as_f64(), Some(v), "{id}: {ind}");
                assert_eq!(ind["period"].as_str(), Some(year.as_str()), "{id}");
                assert_eq!(ind["national"].as_f64(), value(&kpi, "0000", &year), "{id}: riket");
                judged.insert(id.to_string(), (ind["status"].as_str().unwrap().to_string(), ind["reason"].as_str().unwrap().to_string()));
            }
            None => assert!(ind["value"].is_null(), "{id} has no fixture value, so no value: {ind}"),
        }
    }
    let statuses: Vec<(&str, &str)> = judged.iter().map(|(k, (s, _))| (k.as_str(), s.as_str())).collect();
    // Every key figure the server has a value for is judged on it; N07906's rule compares with the
    // mean of the municipalities, which the fixture has for 2022 only, and N09100's rule follows
    // without judging: both say so.
    assert_eq!(
        statuses,
        [
            ("N00401", "attained"),
            ("N01982", "attained"),
            ("N07905", "not_attained"),
            ("N07906", "no_data"),
            ("N07907", "attained"),
            ("N09100", "no_data")
        ],
        "{judged:#?}"
    );
    assert!(judged["N07906"].1.starts_with("Jämförelsevärden för kommunernas ovägda medel"), "{judged:?}");
    assert!(judged["N09100"].1.starts_with("Följs utan bedömning: 1109"), "{judged:?}");
    // --all brought the 290 municipalities: N01982 in 2022 ranks Östersund among them.
    let out = attain(&["explain", &dir, "--indicator", "N01982", "--period", "2022", "--json"]);
    let ex: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(ex["result"]["percentile"].as_f64().is_some(), "{ex}");
    assert_eq!(ex["result"]["municipal_mean"].as_f64().map(|m| (m * 100.0).round() / 100.0), Some(36.05), "the reference's mean of 290");
}

#[test]
fn fetch_errors_name_the_url_and_exit_2() {
    let plan = ostersund_without_values("err");
    let dir = plan.0.display().to_string();
    // Nothing listens on port 9 of 127.0.0.1: the connection fails, is retried, then named.
    let out = attain(&["fetch", &dir, "--years", "2022", "--base-url", "http://127.0.0.1:9/v3"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("fetching from http://127.0.0.1:9/v3: 2 data calls\n"), "not a terminal: one plain line: {stderr}");
    assert!(stderr.contains("\nerror: io error: GET http://127.0.0.1:9/v3/data/kpi/"), "{stderr}");
    assert!(stderr.contains("connection failed") && stderr.contains("gave up after 4 tries"), "{stderr}");
    let out = attain(&["fetch", &dir, "--years", "2022-2020"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--years `2022-2020`: the range runs backwards"));
    let out = attain(&["fetch", &dir, "--offline", "--years", "2022"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("offline: the cache"), "{}", text(&out.stderr));
}

#[test]
fn kolada_search_and_kpi_print_the_metadata() {
    let mock = server();
    let out = attain(&["kolada", "search", "eftergymnasial", "--base-url", &mock.base]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "N01982  Invånare 25-64 år med eftergymnasial utbildning, andel (%)  (women and men)\n1 key figures\n");
    let out = attain(&["kolada", "kpi", "N01982", "--base-url", &mock.base]);
    assert!(text(&out.stdout).starts_with("N01982  Invånare"), "{}", text(&out.stdout));
    let out = attain(&["kolada", "kpi", "N99999", "--base-url", &mock.base]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Kolada has no key figure `N99999`"), "{}", text(&out.stderr));
}

#[test]
fn fetch_into_the_plan_keeps_the_values_its_own_files_hold() {
    let mock = server();
    let plan = ostersund("own");
    let dir = plan.0.display().to_string();
    let before = attain_core::Plan::load(&plan.0).unwrap().bundled_data().unwrap();
    let own: std::collections::HashSet<(String, String, String)> = before
        .rows()
        .filter(|r| r.gender == attain_core::Gender::T)
        .map(|r| (r.indicator.clone(), r.entity.clone(), r.period.clone()))
        .collect();
    let rows = common::fixture_rows();
    let held = rows.iter().filter(|r| own.contains(&(r.kpi.clone(), r.municipality.clone(), r.period.clone()))).count();
    assert!(held > 600, "the plan's files hold most fixture rows already: {held}");
    let out = attain(&["fetch", &dir, "--all", "--base-url", &mock.base]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with(&format!("643 rows received, {} written in ", 643 - held)), "{stdout}");
    assert!(stdout.contains(&format!(", {held} already in the plan's own data files")), "{stdout}");
    // The plan reads its files and the fetched ones as one, without a duplicate.
    let after = attain_core::Plan::load(&plan.0).unwrap().bundled_data().unwrap();
    assert_eq!(after.len(), before.len() + 643 - held);
    let out = attain(&["report", &dir, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
