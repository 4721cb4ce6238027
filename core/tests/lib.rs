//! attain-core's integration tests: one test binary, one module per concern.
//!
//! Test data is found from this crate's own folder (`CARGO_MANIFEST_DIR`), never from the
//! working directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod assess;
mod bad_input;
mod common;
mod conformance;
mod hostile_render;
mod properties;
mod required;
mod robustness;
mod sandbox;
