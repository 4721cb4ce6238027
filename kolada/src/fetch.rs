//! `fetch`: a plan's key figures from Kolada into its data folder, every row counted from the answer to the file read back.

use crate::api::{Group, Kolada, MAX_IDS, Page};
use crate::http::Settings;
use crate::progress::Progress;
use crate::years::parse_years;
use attain_core::{Code, Error, Gender, KOLADA_GROUPS_FILE, Observations, Plan, Result};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// What to fetch and how.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Years: `2015-2023`, `2019,2021` or both (`2015-2017,2021`); `None` is every year.
    pub years: Option<String>,
    /// Every municipality (type K), so that percentiles rank against all of them.
    pub all: bool,
    /// Folder the files are written to; default the plan's `data/`.
    pub out: Option<PathBuf>,
    /// The API's base URL (default [`crate::DEFAULT_BASE_URL`]).
    pub base_url: String,
    /// Rate, retries, timeouts; its cache `None` means the plan's `.kolada-cache/`.
    pub http: Settings,
    /// A progress bar on standard error (the CLI sets it on a terminal).
    pub progress: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            years: None,
            all: false,
            out: None,
            base_url: crate::DEFAULT_BASE_URL.into(),
            http: Settings::default(),
            progress: false,
        }
    }
}

/// What a fetch did.
#[derive(Debug)]
pub struct Fetched {
    /// The rows written, as core reads them back from the files.
    pub observations: Observations,
    /// Files written (one per key figure with rows, and the groups' members).
    pub files: Vec<PathBuf>,
    /// Rows in Kolada's answers (one per value and gender; a withdrawn item without values is one).
    pub received: usize,
    /// Rows written.
    pub written: usize,
    /// Rows not written because another file of the plan's data already holds them.
    pub held: usize,
    /// Key figures Kolada answered 404 for (removed or never there): their indicators have no data.
    pub not_in_kolada: Vec<String>,
    /// Data calls made (one per 25 key figures × 25 municipalities × 25 years), pages not counted.
    pub calls: usize,
    /// HTTP requests sent (with pages and retries).
    pub requests: usize,
}

/// Fetches the plan's key figures (`source = { kolada = … }`) for its entity, the national
/// entity, each group's members and own rows, and with `all` every municipality.
///
/// # Errors
/// The plan's error; `io.network` naming the URL and status when Kolada does not answer;
/// `data.*` naming the URL of a malformed answer; `io.write` when a file cannot be written or
/// when the rows read back differ in number from the rows received.
pub fn fetch(plan_dir: &Path, options: &FetchOptions) -> Result<Fetched> {
    let plan = Plan::load(plan_dir)?;
    let kpis: Vec<String> = plan.indicators().iter().filter_map(|i| i.kolada.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    if kpis.is_empty() {
        return Err(Error::new(Code::QueryNoData, "no indicator of the plan names a Kolada id (`source = { kolada = \"N00209\" }`)"));
    }
    let years = options.years.as_deref().map(parse_years).transpose()?.unwrap_or_default();
    let mut settings = options.http.clone();
    settings.cache = Some(settings.cache.unwrap_or_else(|| plan_dir.join(".kolada-cache")));
    let kolada = Kolada::new(&options.base_url, settings);
    let data_dir = plan_dir.join("data");
    let out = options.out.clone().unwrap_or_else(|| data_dir.clone());
    let (entities, groups) = entities(&plan, &kolada, options.all)?;

    let calls = calls(&kpis, &entities, &years);
    let progress = Progress::new(options.progress, calls.len(), kolada.base());
    let mut pages = Vec::new();
    let mut not_in_kolada = Vec::new();
    for (k, m, y) in &calls {
        fetch_call(&kolada, k, m, y, &mut pages, &mut not_in_kolada)?;
        progress.step();
    }
    progress.finish();

    let held = if same_folder(&out, &data_dir) { held_keys(&plan)? } else { HashSet::new() };
    let (by_kpi, received, held_rows) = split(&pages, &held)?;
    let fetched_at = httpdate::fmt_http_date(std::time::SystemTime::now());
    let mut files = Vec::new();
    if !groups.is_empty() {
        files.push(write_groups(&data_dir, &groups, kolada.base(), &fetched_at)?);
    }
    let (written_files, written) = write(&out, &by_kpi, kolada.base(), &fetched_at)?;
    let observations = read_back(&written_files)?;
    files.extend(written_files);
    if received != written + held_rows || observations.len() != written {
        return Err(Error::new(
            Code::IoWrite,
            format!(
                "rows do not add up: {received} received, {written} written, {held_rows} held by other files, {} read back",
                observations.len()
            ),
        ));
    }
    not_in_kolada.sort();
    not_in_kolada.dedup();
    let calls = calls.len();
    Ok(Fetched { observations, files, received, written, held: held_rows, not_in_kolada, calls, requests: kolada.requests() })
}

type Call = (Vec<String>, Vec<String>, Vec<String>);

/// Every data call: key figures, municipalities and years in lists of at most 25.
fn calls(kpis: &[String], entities: &[String], years: &[String]) -> Vec<Call> {
    let year_chunks: Vec<Vec<String>> =
        if years.is_empty() { vec![Vec::new()] } else { years.chunks(MAX_IDS).map(<[String]>::to_vec).collect() };
    let mut out = Vec::new();
    for k in kpis.chunks(MAX_IDS) {
        for m in entities.chunks(MAX_IDS) {
            for y in &year_chunks {
                out.push((k.to_vec(), m.to_vec(), y.clone()));
            }
        }
    }
    out
}

/// One call's pages; a 404 for several key figures asks for each alone, and a key figure
/// answered 404 on its own is listed, not fatal.
fn fetch_call(kolada: &Kolada, k: &[String], m: &[String], y: &[String], pages: &mut Vec<Page>, missing: &mut Vec<String>) -> Result<()> {
    match kolada.pages(&kolada.data_url(k, m, y))? {
        Some(p) => pages.extend(p),
        None if k.len() == 1 => missing.push(k[0].clone()),
        None => {
            for one in k {
                fetch_call(kolada, std::slice::from_ref(one), m, y, pages, missing)?;
            }
        }
    }
    Ok(())
}

/// The entities to fetch, and the Kolada groups the plan names (with their members).
fn entities(plan: &Plan, kolada: &Kolada, all: bool) -> Result<(Vec<String>, Vec<Group>)> {
    let c = plan.comparison();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    ids.extend(plan.entity().map(str::to_string));
    ids.extend(c.national.clone());
    for (id, (_, members)) in &c.groups {
        ids.extend(members.iter().cloned());
        // A group's own rows: under its Kolada id, or its plan id when that is one (`G124026`).
        if !c.kolada_groups.contains_key(id) && is_kolada_group(id) {
            ids.insert(id.clone());
        }
    }
    let mut groups = Vec::new();
    for kolada_id in c.kolada_groups.values().collect::<BTreeSet<_>>() {
        let group = kolada.group(kolada_id)?;
        ids.extend(group.members.iter().cloned());
        ids.insert(group.id.clone());
        groups.push(group);
    }
    if all {
        ids.extend(kolada.municipalities()?.into_iter().filter(|m| m.kind == "K").map(|m| m.id));
    }
    Ok((ids.into_iter().collect(), groups))
}

/// Kolada's group ids: `G` and digits.
fn is_kolada_group(id: &str) -> bool {
    id.len() > 1 && id.starts_with('G') && id[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `data/kolada-groups.toml`: each group's title and members, where core reads them.
fn write_groups(data_dir: &Path, groups: &[Group], base: &str, at: &str) -> Result<PathBuf> {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut text = format!("# Written by `attain fetch` from {base}/municipality_groups on {at}. Källa: Kolada.\n");
    for g in groups {
        let members: Vec<String> = g.members.iter().map(|m| q(m)).collect();
        text.push_str(&format!("\n[{}]\ntitle = {}\nmembers = [{}]\n", q(&g.id), q(&g.title), members.join(", ")));
    }
    let path = data_dir.join(KOLADA_GROUPS_FILE.trim_start_matches("data/"));
    write_file(&path, &text)?;
    Ok(path)
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

type Key = (String, String, String, Gender);

/// The rows the plan's other data files hold (every CSV and JSON of `data/` but the files a
/// fetch writes, `kolada-*.json`).
fn held_keys(plan: &Plan) -> Result<HashSet<Key>> {
    let mut keys = HashSet::new();
    for (path, text) in plan.files().iter() {
        let lower = path.to_ascii_lowercase();
        let data = path.starts_with("data/") && (lower.ends_with(".csv") || lower.ends_with(".json"));
        if !data || is_fetched_file(path) {
            continue;
        }
        for r in Observations::parse(text, path)?.rows() {
            keys.insert((r.indicator, r.entity, r.period, r.gender));
        }
    }
    Ok(keys)
}

/// A file `fetch` writes (and may write again): `data/kolada-N00209.json`.
fn is_fetched_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("kolada-") && name.ends_with(".json")
}

/// The pages' items by key figure, without the values other files hold; with the rows received
/// and the rows left out.
fn split(pages: &[Page], held: &HashSet<Key>) -> Result<(BTreeMap<String, Vec<Value>>, usize, usize)> {
    let (mut by_kpi, mut received, mut held_rows) = (BTreeMap::<String, Vec<Value>>::new(), 0, 0);
    for page in pages {
        // Core reads the page first: a bad value is an error naming the URL and the item.
        received += Observations::from_json_value(&page.body, &page.url)?.len();
        let Some(Value::Array(items)) = page.body.get("values") else { continue };
        for item in items {
            let rows = Observations::from_json_value(&json!({ "values": [item] }), &page.url)?;
            let keep: Vec<bool> = rows.rows().map(|r| !held.contains(&(r.indicator, r.entity, r.period, r.gender))).collect();
            held_rows += keep.iter().filter(|k| !**k).count();
            let Some(first) = rows.row(0) else { continue };
            let kpi = first.indicator.clone();
            let kept = match item.get("values") {
                Some(Value::Array(vals)) if vals.len() == keep.len() => {
                    let vals: Vec<Value> = vals.iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| v.clone()).collect();
                    if vals.is_empty() {
                        continue;
                    }
                    let mut item = item.as_object().cloned().unwrap_or_default();
                    item.insert("values".into(), Value::Array(vals));
                    Value::Object(item)
                }
                // A withdrawn item without values is one row.
                _ if keep.iter().all(|k| *k) => item.clone(),
                _ => continue,
            };
            by_kpi.entry(kpi).or_default().push(kept);
        }
    }
    Ok((by_kpi, received, held_rows))
}

/// One `kolada-ID.json` per key figure: Kolada's own shape, with where and when in `source`.
fn write(out: &Path, by_kpi: &BTreeMap<String, Vec<Value>>, base: &str, at: &str) -> Result<(Vec<PathBuf>, usize)> {
    let (mut files, mut rows) = (Vec::new(), 0);
    for (kpi, items) in by_kpi {
        let file_name = format!("kolada-{}.json", kpi.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_', "_"));
        let path = out.join(file_name);
        let mut body = Map::new();
        body.insert("source".into(), json!({ "api": base, "fetched": at, "attribution": "Källa: Kolada" }));
        body.insert("values".into(), Value::Array(items.clone()));
        let body = Value::Object(body);
        rows += Observations::from_json_value(&body, &path.display().to_string())?.len();
        write_file(&path, &(serde_json::to_string_pretty(&body).unwrap_or_default() + "\n"))?;
        files.push(path);
    }
    Ok((files, rows))
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::new(Code::IoWrite, format!("cannot make the folder `{}`: {e}", dir.display())))?;
    }
    std::fs::write(path, text).map_err(|e| Error::new(Code::IoWrite, format!("cannot write `{}`: {e}", path.display())))
}

/// The written files as core reads them, one set (a row in two files is core's duplicate error).
fn read_back(files: &[PathBuf]) -> Result<Observations> {
    Observations::combine(files.iter().map(Observations::load).collect::<Result<Vec<_>>>()?)
}
