//! Kolada v3's calls: data by key figure, municipality and year (25 ids a call, paged), and the metadata of key figures, municipalities and groups.

use crate::http::{Http, Settings};
use attain_core::{Code, Error, Result};
use serde_json::Value;

/// The public Kolada API.
pub const DEFAULT_BASE_URL: &str = "https://api.kolada.se/v3";

/// Most ids Kolada takes in one call, for each of key figures, municipalities and years.
pub const MAX_IDS: usize = 25;

/// Values per page asked for (Kolada's largest).
pub const PER_PAGE: usize = 5000;

/// Most pages followed for one call: a server that never stops paging is an error.
const MAX_PAGES: usize = 10_000;

/// A key figure's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    /// Kolada id (`N00209`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Description, empty when Kolada gives none.
    pub description: String,
    /// Whether Kolada publishes values for women and men.
    pub divided_by_gender: bool,
}

/// A municipality or region.
#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    /// Kolada id (`2380`).
    pub id: String,
    /// Name.
    pub title: String,
    /// `K` (kommun) or `L` (region).
    pub kind: String,
}

/// A municipality group and its members.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Kolada id (`G124026`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Member municipality ids.
    pub members: Vec<String>,
}

/// One answered page: the URL asked and its parsed body (`{"values": [...], ...}`).
pub struct Page {
    /// The URL the page came from.
    pub url: String,
    /// The body.
    pub body: Value,
}

/// A Kolada v3 client.
pub struct Kolada {
    http: Http,
    base: String,
}

impl Kolada {
    /// A client for `base` (`https://api.kolada.se/v3` or a server of the same shape).
    pub fn new(base: &str, settings: Settings) -> Kolada {
        Kolada { http: Http::new(settings), base: base.trim_end_matches('/').to_string() }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests sent so far.
    pub fn requests(&self) -> usize {
        self.http.requests()
    }

    /// The data URL of one call (each list at most [`MAX_IDS`]; no years means every year).
    pub fn data_url(&self, kpis: &[String], municipalities: &[String], years: &[String]) -> String {
        let years = if years.is_empty() { String::new() } else { format!("/year/{}", years.join(",")) };
        format!("{}/data/kpi/{}/municipality/{}{years}?per_page={PER_PAGE}", self.base, kpis.join(","), municipalities.join(","))
    }

    /// Every page of a call, following `next_page` (or `next_url`); `None` when the server
    /// answers 404.
    ///
    /// # Errors
    /// The network's error naming the URL; `data.malformed_json` at the URL, line and column;
    /// `data.invalid_type` for a page without a `values` array.
    pub fn pages(&self, url: &str) -> Result<Option<Vec<Page>>> {
        let mut pages = Vec::new();
        let mut next = Some(url.to_string());
        while let Some(url) = next.take() {
            if pages.len() >= MAX_PAGES {
                return Err(Error::new(Code::IoNetwork, format!("GET {url}: more than {MAX_PAGES} pages")));
            }
            let Some(text) = self.http.get(&url)? else {
                return if pages.is_empty() {
                    Ok(None)
                } else {
                    Err(Error::new(Code::IoNetwork, format!("GET {url}: HTTP 404 within paging")))
                };
            };
            // Core's JSON reader gives a malformed answer's error, at the URL's line and column.
            let body: Value = serde_json::from_str(&text).map_err(|e| {
                attain_core::Observations::from_json(&text, &url)
                    .err()
                    .unwrap_or_else(|| Error::new(Code::DataMalformedJson, format!("malformed JSON: {e}")).in_file(url.clone()))
            })?;
            if !matches!(body.get("values"), Some(Value::Array(_))) {
                return Err(Error::new(Code::DataInvalidType, "Kolada's answer has no `values` array").in_file(url));
            }
            next = self.next_page(&body, &url)?;
            pages.push(Page { url, body });
        }
        Ok(Some(pages))
    }

    /// The next page's URL: `next_page` or `next_url`, absolute or a path on the base's host.
    fn next_page(&self, body: &Value, url: &str) -> Result<Option<String>> {
        let link = ["next_page", "next_url"].iter().find_map(|k| body.get(*k)).filter(|v| !v.is_null());
        let next = match link {
            None => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) if s.starts_with("http://") || s.starts_with("https://") => s.clone(),
            Some(Value::String(s)) if s.starts_with('/') => format!("{}{s}", origin(&self.base)),
            Some(other) => {
                return Err(Error::new(Code::DataInvalidType, format!("`next_page` must be a URL, got {other}")).in_file(url.to_string()));
            }
        };
        if next == url {
            return Err(Error::new(Code::IoNetwork, format!("GET {url}: the next page is the same page")));
        }
        Ok(Some(next))
    }

    /// Every value of every page of a metadata call.
    fn metadata(&self, url: &str) -> Result<Option<Vec<Value>>> {
        Ok(self.pages(url)?.map(|pages| {
            pages
                .into_iter()
                .flat_map(|p| match p.body {
                    Value::Object(mut m) => match m.remove("values") {
                        Some(Value::Array(v)) => v,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                })
                .collect()
        }))
    }

    /// Key figures whose title holds `text`.
    ///
    /// # Errors
    /// As [`Kolada::pages`]; a value without `id` or `title` is `data.missing_field` at the URL.
    pub fn search_kpis(&self, text: &str) -> Result<Vec<Kpi>> {
        let url = format!("{}/kpi?title={}&per_page={PER_PAGE}", self.base, encode(text));
        let values = self.metadata(&url)?.unwrap_or_default();
        values.iter().map(|v| kpi(v, &url)).collect()
    }

    /// One key figure.
    ///
    /// # Errors
    /// `query.unknown_indicator` naming the URL when Kolada does not have it.
    pub fn kpi(&self, id: &str) -> Result<Kpi> {
        let url = format!("{}/kpi/{}", self.base, encode(id));
        let values = self.metadata(&url)?.unwrap_or_default();
        match values.iter().find(|v| v.get("id").and_then(Value::as_str) == Some(id)).or(values.first()) {
            Some(v) => kpi(v, &url),
            None => Err(Error::new(Code::QueryUnknownIndicator, format!("Kolada has no key figure `{id}` ({url})"))),
        }
    }

    /// Every municipality and region.
    ///
    /// # Errors
    /// As [`Kolada::pages`].
    pub fn municipalities(&self) -> Result<Vec<Municipality>> {
        let url = format!("{}/municipality?per_page={PER_PAGE}", self.base);
        let values = self.metadata(&url)?.unwrap_or_default();
        values
            .iter()
            .map(|v| Ok(Municipality { id: text(v, "id", &url)?, title: text(v, "title", &url)?, kind: text(v, "type", &url)? }))
            .collect()
    }

    /// A municipality group with its members.
    ///
    /// # Errors
    /// `plan.unknown_reference` naming the URL when Kolada has no such group.
    pub fn group(&self, id: &str) -> Result<Group> {
        let url = format!("{}/municipality_groups/{}", self.base, encode(id));
        let values = self.metadata(&url)?.unwrap_or_default();
        let Some(v) = values.iter().find(|v| v.get("id").and_then(Value::as_str) == Some(id)) else {
            return Err(Error::new(Code::PlanUnknownReference, format!("Kolada has no municipality group `{id}` ({url})")));
        };
        let members = match v.get("members") {
            Some(Value::Array(ms)) => ms.iter().map(|m| text(m, "id", &url)).collect::<Result<Vec<_>>>()?,
            _ => return Err(Error::new(Code::DataMissingField, format!("the group `{id}` has no `members` array")).in_file(url)),
        };
        Ok(Group { id: id.to_string(), title: text(v, "title", &url)?, members })
    }
}

fn kpi(v: &Value, url: &str) -> Result<Kpi> {
    let divided = match v.get("is_divided_by_gender") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        _ => false,
    };
    Ok(Kpi {
        id: text(v, "id", url)?,
        title: text(v, "title", url)?,
        description: v.get("description").and_then(Value::as_str).unwrap_or_default().to_string(),
        divided_by_gender: divided,
    })
}

/// A field as text (ids may come as numbers).
fn text(v: &Value, key: &str, url: &str) -> Result<String> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Error::new(Code::DataMissingField, format!("a Kolada value has no `{key}`")).in_file(url.to_string())),
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(base: &str) -> &str {
    let after = base.find("://").map_or(0, |i| i + 3);
    base[after..].find('/').map_or(base, |i| &base[..after + i])
}

/// Percent-encoding of a path segment or query value (RFC 3986's unreserved characters kept).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(origin("http://127.0.0.1:8080/v3"), "http://127.0.0.1:8080");
        assert_eq!(origin("https://api.kolada.se"), "https://api.kolada.se");
        assert_eq!(encode("Invånare 0-19 år"), "Inv%C3%A5nare%200-19%20%C3%A5r");
        let k = Kolada::new("https://api.kolada.se/v3/", Settings::default());
        let url = k.data_url(&["N1".into(), "N2".into()], &["2380".into()], &["2022".into(), "2023".into()]);
        assert_eq!(url, "https://api.kolada.se/v3/data/kpi/N1,N2/municipality/2380/year/2022,2023?per_page=5000");
        assert_eq!(
            k.data_url(&["N1".into()], &["0000".into()], &[]),
            "https://api.kolada.se/v3/data/kpi/N1/municipality/0000?per_page=5000"
        );
    }
}
