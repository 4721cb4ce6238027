//! A Kolada-shaped server on 127.0.0.1 for the tests (tiny_http): v3's data, paging and metadata, and faults on demand.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One value row of the fixture: a key figure's value for a municipality, year and gender.
#[derive(Clone, Debug)]
pub struct Row {
    pub kpi: String,
    pub municipality: String,
    pub period: String,
    pub gender: String,
    pub value: Option<f64>,
    pub status: String,
    pub count: Option<u64>,
}

/// The fixture's rows: `kpi,municipality,period,gender,value,status,count`.
pub fn rows(csv: &str) -> Vec<Row> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Row {
                kpi: f[0].into(),
                municipality: f[1].into(),
                period: f[2].into(),
                gender: f[3].into(),
                value: (!f[4].is_empty()).then(|| f[4].parse().unwrap()),
                status: f.get(5).copied().unwrap_or("").into(),
                count: f.get(6).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()),
            }
        })
        .collect()
}

/// The real values the tests serve (see fixtures/README.md).
pub fn fixture_rows() -> Vec<Row> {
    rows(include_str!("../fixtures/kolada-values.csv"))
}

/// What the server answers to one request.
pub enum Reply {
    Json(String),
    Status(u16, Option<String>),
    /// Waits this long before answering.
    Slow(Duration, String),
}

/// What a fault handler decides: answer this, or let the Kolada handler answer.
pub type Fault = Box<dyn Fn(&str, usize) -> Option<Reply> + Send + Sync>;

pub struct Mock {
    pub base: String,
    /// Every request's path and query, in order.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    pub fn data_requests(&self) -> Vec<String> {
        self.requests().into_iter().filter(|r| r.starts_with("/v3/data/")).collect()
    }
}

/// The Kolada the server plays: its rows, groups, municipalities, key figures and page size.
#[derive(Clone, Default)]
pub struct Kolada {
    pub rows: Vec<Row>,
    pub groups: BTreeMap<String, (String, Vec<String>)>,
    /// (id, title, type)
    pub municipalities: Vec<(String, String, String)>,
    /// (id, title, divided by gender)
    pub kpis: Vec<(String, String, bool)>,
    /// Largest page the server gives, whatever `per_page` asks.
    pub page_size: usize,
    /// Key figures Kolada answers 404 for (removed).
    pub removed: Vec<String>,
}

/// Starts the server; `fault` may answer a request (path and query, how many times that URL
/// was asked before) instead of `kolada`.
pub fn start(kolada: Kolada, fault: Option<Fault>) -> Mock {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/v3");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (log2, base2) = (log.clone(), base.clone());
    std::thread::spawn(move || {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for request in server.incoming_requests() {
            let url = request.url().to_string();
            log2.lock().unwrap().push(url.clone());
            let n = seen.entry(url.clone()).or_default();
            let before = *n;
            *n += 1;
            let reply = fault.as_ref().and_then(|f| f(&url, before)).unwrap_or_else(|| answer(&kolada, &base2, &url));
            respond(request, reply);
        }
    });
    Mock { base, log }
}

fn respond(request: tiny_http::Request, reply: Reply) {
    let json = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
    match reply {
        Reply::Json(body) => {
            let _ = request.respond(tiny_http::Response::from_string(body).with_header(json));
        }
        Reply::Status(code, retry_after) => {
            let mut r = tiny_http::Response::from_string(format!("{{\"error\": {code}}}")).with_status_code(code);
            if let Some(after) = retry_after {
                r = r.with_header(tiny_http::Header::from_bytes("Retry-After", after).unwrap());
            }
            let _ = request.respond(r);
        }
        Reply::Slow(wait, body) => {
            std::thread::spawn(move || {
                std::thread::sleep(wait);
                let _ = request.respond(tiny_http::Response::from_string(body).with_header(json));
            });
        }
    }
}

/// `path` split from `?query`, and the query's `key=value` pairs.
fn split(url: &str) -> (&str, BTreeMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let q = query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    (path, q)
}

fn answer(k: &Kolada, base: &str, url: &str) -> Reply {
    let (path, q) = split(url);
    let per_page: usize = q.get("per_page").and_then(|p| p.parse().ok()).unwrap_or(5000);
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let size = per_page.min(if k.page_size == 0 { 5000 } else { k.page_size });
    let parts: Vec<&str> = path.trim_start_matches("/v3/").split('/').collect();
    let values: Vec<serde_json::Value> = match parts.as_slice() {
        ["data", "kpi", kpis, "municipality", muns, rest @ ..] => {
            let list = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
            let (kpis, muns) = (list(kpis), list(muns));
            assert!(kpis.len() <= 25 && muns.len() <= 25, "more than 25 ids in {url}");
            if kpis.iter().any(|id| k.removed.contains(id)) {
                return Reply::Status(404, None);
            }
            let years = match rest {
                ["year", ys] => Some(list(ys)),
                [] => None,
                _ => return Reply::Status(400, None),
            };
            data_items(k, &kpis, &muns, years.as_deref())
        }
        ["municipality"] => {
            k.municipalities.iter().map(|(id, title, t)| serde_json::json!({"id": id, "title": title, "type": t})).collect()
        }
        ["municipality_groups", id] => match k.groups.get(*id) {
            Some((title, members)) => {
                let ms: Vec<_> = members.iter().map(|m| serde_json::json!({"id": m, "title": m})).collect();
                vec![serde_json::json!({"id": id, "title": title, "members": ms})]
            }
            None => vec![],
        },
        ["kpi"] => {
            let title = q.get("title").cloned().unwrap_or_default().replace("%20", " ").to_lowercase();
            k.kpis.iter().filter(|(_, t, _)| t.to_lowercase().contains(&title)).map(kpi_json).collect()
        }
        ["kpi", id] => k.kpis.iter().filter(|(i, _, _)| i == id).map(kpi_json).collect(),
        _ => return Reply::Status(404, None),
    };
    let total = values.len();
    let start = (page - 1) * size;
    let chunk: Vec<_> = values.into_iter().skip(start).take(size).collect();
    let next = if start + size < total {
        let mut q2 = q.clone();
        q2.insert("page".into(), (page + 1).to_string());
        let query: Vec<String> = q2.iter().map(|(k, v)| format!("{k}={v}")).collect();
        serde_json::Value::String(format!("{}{}?{}", base.trim_end_matches("/v3"), path, query.join("&")))
    } else {
        serde_json::Value::Null
    };
    Reply::Json(serde_json::json!({"count": chunk.len(), "values": chunk, "next_page": next}).to_string())
}

fn kpi_json((id, title, g): &(String, String, bool)) -> serde_json::Value {
    serde_json::json!({"id": id, "title": title, "description": format!("{title} (fixture)"), "is_divided_by_gender": i32::from(*g), "municipality_type": "K"})
}

/// v3's items: one per key figure, municipality and period, its genders in `values`.
fn data_items(k: &Kolada, kpis: &[String], muns: &[String], years: Option<&[String]>) -> Vec<serde_json::Value> {
    let mut items: BTreeMap<(String, String, String), Vec<serde_json::Value>> = BTreeMap::new();
    for r in &k.rows {
        if kpis.contains(&r.kpi) && muns.contains(&r.municipality) && years.is_none_or(|ys| ys.contains(&r.period)) {
            items.entry((r.kpi.clone(), r.municipality.clone(), r.period.clone())).or_default().push(serde_json::json!({
                "gender": r.gender,
                "count": r.count.unwrap_or(1),
                "status": r.status,
                "value": r.value,
                "isdeleted": false,
            }));
        }
    }
    items
        .into_iter()
        .map(|((kpi, m, p), values)| serde_json::json!({"kpi": kpi, "municipality": m, "period": p.parse::<u32>().unwrap(), "values": values}))
        .collect()
}
