//! attain-core's integration tests: one test binary, one module per concern.
//!
//! Test data is found from this crate's own folder (`CARGO_MANIFEST_DIR`), never from the
//! working directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

// As every host does: the budget counts the bytes a rule holds through it.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator = attain_core::MeteredAllocator::system();

mod assess;
mod bad_input;
mod basis;
mod common;
mod conformance;
mod coverage;
mod data_files;
mod error_codes;
mod excel_csv;
mod fragment;
mod hostile_data;
mod hostile_plan;
mod hostile_render;
mod hostile_rules;
mod properties;
mod report_warnings;
mod required;
mod robustness;
mod rule_words;
mod sandbox;
mod sheets;
mod targets;
mod terminal_table;
mod vocabulary;
