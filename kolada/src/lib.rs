//! Kolada v3 client for attain: a plan's key figures fetched into its `data/` as Kolada JSON.
//!
//! Core has no I/O beyond reading a plan folder, so that the browser build stays as it is; this
//! crate holds the network. Its answers go through core's own Kolada reader, so a fetched row is
//! a row read: [`fetch`] checks that the rows received, written and read back add up.
//!
//! ```no_run
//! let fetched = attain_kolada::fetch(std::path::Path::new("rules/ostersund-2023"), &Default::default())?;
//! println!("{} rows in {} files", fetched.written, fetched.files.len());
//! # Ok::<(), attain_core::Error>(())
//! ```

mod api;
mod fetch;
mod http;
mod progress;
mod years;

pub use api::{DEFAULT_BASE_URL, Group, Kolada, Kpi, MAX_IDS, Municipality, PER_PAGE, Page};
pub use fetch::{FetchOptions, Fetched, fetch};
pub use http::Settings;
pub use years::parse_years;
