//! Polite HTTP for Kolada: a request rate, bounded retries with backoff, timeouts, a cache keyed by URL, offline runs.

use attain_core::{Code, Error, Result};
use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// How requests are made: rate, retries, timeouts, cache.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most requests per second (default 5).
    pub rate: f64,
    /// Tries per request before giving up (default 4): the first and three retries.
    pub tries: u32,
    /// Wait before the first retry, doubled for each next one (default 1 s).
    pub backoff: Duration,
    /// Longest `Retry-After` honoured (default 60 s); a longer one is waited for this long.
    pub max_retry_after: Duration,
    /// Time to connect (default 10 s).
    pub connect_timeout: Duration,
    /// Time for a whole answer, from sending to the last byte (default 60 s).
    pub timeout: Duration,
    /// Folder of answers kept by URL; `None` keeps none.
    pub cache: Option<PathBuf>,
    /// Answer from the cache only; a URL not in it is an error naming it.
    pub offline: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rate: 5.0,
            tries: 4,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            cache: None,
            offline: false,
        }
    }
}

/// Largest answer read (a page of 5 000 values is a few MiB).
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// What one try gave.
enum Attempt {
    Body(String),
    NotFound,
    /// Worth another try, after `wait` when the server named one.
    Retry(String, Option<Duration>),
    Fail(String),
}

/// The HTTP client: one agent, the pace kept between requests.
pub(crate) struct Http {
    agent: ureq::Agent,
    settings: Settings,
    last: Cell<Option<Instant>>,
    requests: Cell<usize>,
}

impl Http {
    pub(crate) fn new(settings: Settings) -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_global(Some(settings.timeout))
            .user_agent(concat!("attain/", env!("CARGO_PKG_VERSION"), " (+https://github.com/attain-rules/attain)"))
            .build();
        Http { agent: config.into(), settings, last: Cell::new(None), requests: Cell::new(0) }
    }

    /// Requests sent so far (answers from the cache in an offline run are not requests).
    pub(crate) fn requests(&self) -> usize {
        self.requests.get()
    }

    /// The body of `url`, `None` when the server answers 404. Retries 429 (after its
    /// `Retry-After`), 5xx, timeouts and broken connections up to `tries` times in all.
    ///
    /// # Errors
    /// `io.network` naming the URL and the last status or cause; offline, `io.not_found` naming
    /// the URL the cache does not hold.
    pub(crate) fn get(&self, url: &str) -> Result<Option<String>> {
        if self.settings.offline {
            return self.cached(url);
        }
        let tries = self.settings.tries.max(1);
        let mut wait = self.settings.backoff;
        for n in 1..=tries {
            self.pace();
            match self.attempt(url) {
                Attempt::Body(body) => {
                    self.store(url, Some(&body))?;
                    return Ok(Some(body));
                }
                Attempt::NotFound => {
                    self.store(url, None)?;
                    return Ok(None);
                }
                Attempt::Fail(why) => return Err(network(url, &why)),
                Attempt::Retry(why, _) if n == tries => {
                    return Err(network(url, &format!("{why}; gave up after {tries} tries")));
                }
                Attempt::Retry(_, after) => {
                    std::thread::sleep(after.map_or(wait, |a| a.min(self.settings.max_retry_after)));
                    wait = wait.saturating_mul(2);
                }
            }
        }
        Err(network(url, "no try was made"))
    }

    /// Waits so that requests keep to the rate.
    fn pace(&self) {
        if self.settings.rate > 0.0 && self.settings.rate.is_finite() {
            let gap = Duration::from_secs_f64(1.0 / self.settings.rate);
            if let Some(since) = self.last.get().map(|t| t.elapsed()) {
                if since < gap {
                    std::thread::sleep(gap - since);
                }
            }
        }
        self.last.set(Some(Instant::now()));
    }

    fn attempt(&self, url: &str) -> Attempt {
        self.requests.set(self.requests.get() + 1);
        let mut response = match self.agent.get(url).header("Accept", "application/json").call() {
            Ok(r) => r,
            Err(e) => return transport(&e),
        };
        let status = response.status();
        let reason = status.canonical_reason().map_or(String::new(), |r| format!(" {r}"));
        let why = format!("HTTP {}{reason}", status.as_u16());
        match status.as_u16() {
            200..=299 => match response.body_mut().with_config().limit(MAX_BODY).read_to_string() {
                Ok(body) => Attempt::Body(body),
                Err(e) => transport(&e),
            },
            404 | 410 => Attempt::NotFound,
            429 => Attempt::Retry(why, retry_after(response.headers().get("retry-after").and_then(|v| v.to_str().ok()))),
            500..=599 => Attempt::Retry(why, None),
            _ => Attempt::Fail(why),
        }
    }

    /// The cache's file for a URL: a hash of it, and the URL beside it in `.url`.
    fn cache_file(&self, url: &str) -> Option<PathBuf> {
        self.settings.cache.as_ref().map(|dir| dir.join(format!("{:016x}", fnv1a(url))))
    }

    fn store(&self, url: &str, body: Option<&str>) -> Result<()> {
        let Some(base) = self.cache_file(url) else { return Ok(()) };
        let write = |path: PathBuf, text: &str| {
            std::fs::write(&path, text)
                .map_err(|e| Error::new(Code::IoWrite, format!("cannot write the Kolada cache `{}`: {e}", path.display())))
        };
        if let Some(dir) = base.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::new(Code::IoWrite, format!("cannot make the Kolada cache `{}`: {e}", dir.display())))?;
        }
        write(base.with_extension("url"), url)?;
        match body {
            Some(b) => write(base.with_extension("json"), b),
            None => write(base.with_extension("404"), ""),
        }
    }

    fn cached(&self, url: &str) -> Result<Option<String>> {
        let Some(base) = self.cache_file(url) else {
            return Err(Error::new(Code::QueryInvalidArgument, "offline needs a cache folder"));
        };
        if base.with_extension("404").is_file() {
            return Ok(None);
        }
        match std::fs::read_to_string(base.with_extension("json")) {
            Ok(body) => Ok(Some(body)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::new(
                Code::IoNotFound,
                format!(
                    "offline: the cache `{}` holds no answer for {url}; run once without --offline",
                    base.parent().map_or_else(String::new, |p| p.display().to_string())
                ),
            )),
            Err(e) => Err(Error::new(Code::IoRead, format!("cannot read the Kolada cache `{}`: {e}", base.display()))),
        }
    }
}

fn network(url: &str, why: &str) -> Error {
    Error::new(Code::IoNetwork, format!("GET {url}: {why}"))
}

/// A failure below HTTP: timeouts and broken connections are retried, the rest is final.
fn transport(e: &ureq::Error) -> Attempt {
    match e {
        ureq::Error::Timeout(t) => Attempt::Retry(format!("timed out ({t})"), None),
        ureq::Error::Io(io) => Attempt::Retry(format!("connection failed: {io}"), None),
        ureq::Error::ConnectionFailed | ureq::Error::BodyStalled => Attempt::Retry(format!("connection failed: {e}"), None),
        other => Attempt::Fail(other.to_string()),
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(value: Option<&str>) -> Option<Duration> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// FNV-1a, 64 bits: a stable name for a URL's cache file (not for security).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after(Some("3")), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(Some("soon")), None);
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(retry_after(Some(&past)), Some(Duration::ZERO));
    }

    #[test]
    fn cache_names_are_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a("https://api.kolada.se/v3/kpi/N00209"), fnv1a("https://api.kolada.se/v3/kpi/N00208"));
    }
}
