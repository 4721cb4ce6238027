//! `attain.kolada.fetch`: attain-kolada's fetch, the one the CLI makes, with the GIL released while it waits.

use crate::PyObservations;
use crate::errors::run;
use pyo3::prelude::*;
use std::path::PathBuf;

/// Fetches the plan's key figures from Kolada into its `data/` and returns the rows written.
#[pyfunction]
#[pyo3(signature = (plan, years=None, all=false, base_url=None, offline=false, cache=None))]
pub(crate) fn kolada_fetch(
    py: Python<'_>,
    plan: PathBuf,
    years: Option<String>,
    all: bool,
    base_url: Option<String>,
    offline: bool,
    cache: Option<PathBuf>,
) -> PyResult<PyObservations> {
    let mut options = attain_kolada::FetchOptions { years, all, ..Default::default() };
    if let Some(base) = base_url {
        options.base_url = base;
    }
    options.http.offline = offline;
    options.http.cache = cache;
    run(py, || attain_kolada::fetch(&plan, &options)).map(|f| PyObservations::new(f.observations))
}
