//! Any text as CSV, JSON or a report: observations or a typed error with its position.
#![no_main]

use attain_core::{Observations, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(data) = Observations::from_csv(text, "d.csv") {
        let _ = data.len();
    }
    let _ = Observations::from_json(text, "d.json");
    let _ = Report::from_json(text);
});
