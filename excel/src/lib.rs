//! Excel workbooks and Parquet for attain: observations read from .xlsx (calamine) and .parquet (arrow-rs), reports written as .xlsx (rust_xlsxwriter).
//!
//! A crate of its own so that attain-core and the browser build stay free of zip and XML
//! readers, and of Parquet's; the CLI and the Python binding depend on it. Every decision about rows is core's:
//! a sheet's cells go to [`Observations::from_table`], the same reader as CSV rows, and a
//! report's indicator sheet is core's [`indicator_table`], the CSV's columns.

mod columnar;
mod read;
mod write;

pub use columnar::{arrow_observations, is_parquet, read_parquet};
pub use read::{is_workbook, load, load_plan, load_with, read_xlsx};
pub use write::report_xlsx;
