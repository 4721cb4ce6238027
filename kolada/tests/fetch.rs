//! `fetch` against a local Kolada-shaped server: paging, 25 ids a call, genders, statuses, groups, and every fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use attain_core::{Code, Gender, Observations};
use attain_kolada::{FetchOptions, Fetched, Settings, fetch};
use common::{Fault, Kolada, Reply, Row};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("attain-kolada-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A synthetic plan: key figures with synthetic Kolada ids, a peer group named by its Kolada id.
fn plan(kpis: &[&str]) -> String {
    let mut text = String::from(
        "[plan]\nid = \"syn\"\ntitle = \"Synthetic\"\nentity = \"2380\"\nperiod = \"2023\"\nmax_age = 6\n\
         [comparison]\nnational = \"0000\"\npeers = \"LIKE\"\n[comparison.groups]\nLIKE = { title = \"Like\", kolada = \"G900001\" }\n",
    );
    let ids: Vec<String> = kpis.iter().map(|k| format!("\"{k}\"")).collect();
    text.push_str(&format!("[[goal]]\nid = \"1\"\ntitle = \"One\"\nindicators = [{}]\n", ids.join(", ")));
    for k in kpis {
        text.push_str(&format!(
            "[[indicator]]\nid = \"{k}\"\ntitle = \"{k}\"\ngender = true\nrule = \"reference\"\nsource = {{ kolada = \"{k}\" }}\n"
        ));
    }
    text
}

/// Clearly synthetic rows (values 1, 2, 3…), for shapes the real fixture has none of.
fn synthetic(kpi: &str, municipality: &str, period: &str, gender: &str, value: Option<f64>, status: &str, count: Option<u64>) -> Row {
    Row {
        kpi: kpi.into(),
        municipality: municipality.into(),
        period: period.into(),
        gender: gender.into(),
        value,
        status: status.into(),
        count,
    }
}

fn kolada(rows: Vec<Row>) -> Kolada {
    let mut k = Kolada { rows, page_size: 3, ..Kolada::default() };
    k.groups.insert("G900001".into(), ("Synthetic group".into(), vec!["0180".into(), "1480".into()]));
    k
}

fn fast() -> Settings {
    Settings { rate: 0.0, backoff: Duration::from_millis(10), timeout: Duration::from_millis(500), ..Settings::default() }
}

fn options(base: &str) -> FetchOptions {
    FetchOptions { base_url: base.into(), http: fast(), ..FetchOptions::default() }
}

fn run(dir: &Path, options: &FetchOptions) -> Fetched {
    fetch(dir, options).unwrap_or_else(|e| panic!("fetch failed: {e}"))
}

fn value(obs: &Observations, kpi: &str, entity: &str, period: &str, gender: Gender) -> Option<Option<f64>> {
    obs.rows().find(|r| r.indicator == kpi && r.entity == entity && r.period == period && r.gender == gender).map(|r| r.value)
}

#[test]
fn genders_statuses_and_group_rows_are_read_as_kolada_gives_them() {
    let rows = vec![
        synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None),
        synthetic("N90001", "2380", "2022", "K", Some(2.0), "", None),
        synthetic("N90001", "2380", "2022", "M", Some(3.0), "", None),
        synthetic("N90001", "0000", "2022", "T", None, "..", None),
        synthetic("N90001", "G900001", "2022", "T", Some(4.0), "", Some(2)),
        synthetic("N90001", "0180", "2022", "T", Some(5.0), "", None),
        synthetic("N90001", "1480", "2022", "T", None, "-", None),
    ];
    let mock = common::start(kolada(rows), None);
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let got = run(&dir.0, &options(&mock.base));
    assert_eq!((got.received, got.written, got.held), (7, 7, 0));
    let obs = &got.observations;
    assert_eq!(obs.len(), 7);
    assert_eq!(value(obs, "N90001", "2380", "2022", Gender::K), Some(Some(2.0)));
    assert_eq!(value(obs, "N90001", "2380", "2022", Gender::M), Some(Some(3.0)));
    let riket = obs.rows().find(|r| r.entity == "0000").unwrap();
    assert_eq!((riket.value, riket.missing.as_deref()), (None, Some("..")));
    let group = obs.rows().find(|r| r.entity == "G900001").unwrap();
    assert_eq!((group.value, group.count), (Some(4.0), Some(2)));
    // The group's members were asked for and written where core reads them.
    let members = std::fs::read_to_string(dir.0.join("data/kolada-groups.toml")).unwrap();
    assert!(members.contains("[\"G900001\"]") && members.contains("members = [\"0180\", \"1480\"]"), "{members}");
    let plan = attain_core::Plan::load(&dir.0).unwrap();
    assert_eq!(plan.comparison().peers, ["0180", "1480"]);
    // The file is Kolada's shape with where and when it came from.
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.0.join("data/kolada-N90001.json")).unwrap()).unwrap();
    assert_eq!(file["source"]["api"], mock.base.as_str());
    assert_eq!(file["source"]["attribution"], "Källa: Kolada");
    // The report judges the peer group on its own published row (under the Kolada id).
    let report = plan.evaluate(&plan.bundled_data().unwrap(), &attain_core::Query::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let ind = &json["indicators"][0];
    assert_eq!(ind["peers"]["mean"], 4.0, "{ind}");
}

#[test]
fn sixty_ids_go_in_calls_of_25_and_every_page_is_followed() {
    let kpis: Vec<String> = (1..=60).map(|i| format!("N9{i:04}")).collect();
    // One synthetic value per key figure for the entity, so paging (3 a page) runs over 20 pages.
    let rows = kpis.iter().enumerate().map(|(i, k)| synthetic(k, "2380", "2022", "T", Some(i as f64), "", None)).collect();
    let mock = common::start(kolada(rows), None);
    let ids: Vec<&str> = kpis.iter().map(String::as_str).collect();
    let dir = TempDir::new(&[("plan.toml", &plan(&ids))]);
    let mut o = options(&mock.base);
    o.years = Some("2021-2022".into());
    let got = run(&dir.0, &o);
    assert_eq!(got.calls, 3, "60 key figures × 5 entities: 25 + 25 + 10");
    let firsts: Vec<String> = mock.data_requests().into_iter().filter(|u| !u.contains("?page=") && !u.contains("&page=")).collect();
    assert_eq!(firsts.len(), 3);
    for u in &firsts {
        assert!(u.contains("/year/2021,2022?per_page=5000"), "{u}");
    }
    let sizes: Vec<usize> = firsts.iter().map(|u| u.split('/').nth(4).unwrap().split(',').count()).collect();
    assert_eq!(sizes, [25, 25, 10]);
    assert_eq!(mock.data_requests().len(), 9 + 9 + 4, "25 values at 3 a page are 9 pages, 10 are 4");
    assert_eq!((got.received, got.written), (60, 60));
    assert_eq!(got.files.len(), 61, "one file per key figure and the groups' members");
}

#[test]
fn a_429_is_waited_out_and_retried() {
    let fault: Fault = Box::new(|url, before| (url.starts_with("/v3/data/") && before == 0).then(|| Reply::Status(429, Some("1".into()))));
    let mock = common::start(kolada(vec![synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None)]), Some(fault));
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let started = Instant::now();
    let got = run(&dir.0, &options(&mock.base));
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(got.written, 1);
    assert_eq!(mock.data_requests().len(), 2);
}

#[test]
fn a_500_that_never_recovers_names_the_url_and_status() {
    let fault: Fault = Box::new(|url, _| url.starts_with("/v3/data/").then_some(Reply::Status(500, None)));
    let mock = common::start(kolada(vec![]), Some(fault));
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let e = fetch(&dir.0, &options(&mock.base)).unwrap_err();
    assert_eq!(e.code(), Code::IoNetwork);
    let m = e.to_string();
    assert!(m.contains(&format!("GET {}/data/kpi/N90001/municipality/", mock.base)), "{m}");
    assert!(m.contains("HTTP 500 Internal Server Error; gave up after 4 tries"), "{m}");
    assert_eq!(mock.data_requests().len(), 4);
    assert!(!dir.0.join("data/kolada-N90001.json").exists(), "nothing written");
}

#[test]
fn malformed_json_names_the_url_line_and_column() {
    let fault: Fault = Box::new(|url, _| url.starts_with("/v3/data/").then(|| Reply::Json("{\"values\": [\n{\"kpi\": }".into())));
    let mock = common::start(kolada(vec![]), Some(fault));
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let e = fetch(&dir.0, &options(&mock.base)).unwrap_err();
    assert_eq!(e.code(), Code::DataMalformedJson);
    assert!(e.file().unwrap().starts_with(&format!("{}/data/kpi/N90001", mock.base)), "{e}");
    assert_eq!(e.line(), Some(2), "{e}");
}

#[test]
fn a_slow_answer_is_retried_then_given_up_naming_the_url() {
    let fault: Fault =
        Box::new(|url, _| url.starts_with("/v3/data/").then(|| Reply::Slow(Duration::from_secs(3), "{\"values\": []}".into())));
    let mock = common::start(kolada(vec![]), Some(fault));
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let mut o = options(&mock.base);
    o.http.tries = 2;
    let e = fetch(&dir.0, &o).unwrap_err();
    assert_eq!(e.code(), Code::IoNetwork);
    assert!(e.to_string().contains("timed out") && e.to_string().contains("gave up after 2 tries"), "{e}");
    assert_eq!(mock.data_requests().len(), 2);
}

#[test]
fn a_slow_answer_once_is_a_retry_that_succeeds() {
    let fault: Fault = Box::new(|url, before| {
        (url.starts_with("/v3/data/") && before == 0).then(|| Reply::Slow(Duration::from_secs(3), "{\"values\": []}".into()))
    });
    let mock = common::start(kolada(vec![synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None)]), Some(fault));
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    assert_eq!(run(&dir.0, &options(&mock.base)).written, 1);
}

#[test]
fn a_removed_key_figure_is_listed_and_the_others_are_fetched() {
    let mut k = kolada(vec![synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None)]);
    k.removed = vec!["N90002".into()];
    let mock = common::start(k, None);
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001", "N90002"]))]);
    let got = run(&dir.0, &options(&mock.base));
    assert_eq!(got.not_in_kolada, ["N90002"]);
    assert_eq!(got.written, 1);
}

#[test]
fn offline_runs_from_the_cache_and_names_a_url_it_lacks() {
    let mock = common::start(kolada(vec![synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None)]), None);
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let online = run(&dir.0, &options(&mock.base));
    assert!(dir.0.join(".kolada-cache").is_dir());
    let asked = mock.requests().len();
    let mut o = options(&mock.base);
    o.http.offline = true;
    let offline = run(&dir.0, &o);
    assert_eq!(mock.requests().len(), asked, "offline sends nothing");
    assert_eq!(offline.observations.rows().collect::<Vec<_>>(), online.observations.rows().collect::<Vec<_>>());
    o.years = Some("2019".into());
    let e = fetch(&dir.0, &o).unwrap_err();
    assert_eq!(e.code(), Code::IoNotFound);
    assert!(e.to_string().contains(&format!("no answer for {}/data/kpi/N90001/municipality/", mock.base)), "{e}");
}

#[test]
fn rows_the_plans_own_files_hold_are_not_written_twice() {
    let rows = vec![
        synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None),
        synthetic("N90001", "2380", "2022", "K", Some(2.0), "", None),
        synthetic("N90001", "2380", "2021", "T", Some(3.0), "", None),
    ];
    let mock = common::start(kolada(rows), None);
    let own = "indicator,entity,period,gender,value\nN90001,2380,2022,T,1\n";
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"])), ("data/own.csv", own)]);
    let got = run(&dir.0, &options(&mock.base));
    assert_eq!((got.received, got.written, got.held), (3, 2, 1));
    // The plan reads its data whole, without a duplicate; a second fetch writes the same.
    let plan = attain_core::Plan::load(&dir.0).unwrap();
    assert_eq!(plan.bundled_data().unwrap().len(), 3);
    let again = run(&dir.0, &options(&mock.base));
    assert_eq!((again.written, again.held), (2, 1));
}

#[test]
fn all_asks_for_every_municipality_of_type_k() {
    let mut k = kolada(vec![synthetic("N90001", "2380", "2022", "T", Some(1.0), "", None)]);
    k.municipalities = vec![
        ("0114".into(), "Upplands Väsby".into(), "K".into()),
        ("2380".into(), "Östersund".into(), "K".into()),
        ("0001".into(), "Region Stockholm".into(), "L".into()),
    ];
    let mock = common::start(k, None);
    let dir = TempDir::new(&[("plan.toml", &plan(&["N90001"]))]);
    let mut o = options(&mock.base);
    o.all = true;
    run(&dir.0, &o);
    let first = &mock.data_requests()[0];
    assert!(first.contains("/municipality/0000,0114,0180,1480,2380,G900001?"), "{first}");
}
