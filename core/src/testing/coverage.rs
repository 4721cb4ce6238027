//! Line coverage of the rule scripts a test run exercised: per script its lines with statements and those run, and the LCOV text of it.

use crate::script::coverage::Recorded;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// What a test run should do besides running the cases.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestOptions {
    /// Record which lines of each rule script the cases ran ([`TestReport::coverage`](super::TestReport)).
    #[serde(default)]
    pub coverage: bool,
    /// Make the mutants of each script under test and run the cases against each
    /// ([`TestReport::mutants`](super::TestReport)).
    #[serde(default)]
    pub mutants: bool,
}

/// Line coverage of the scripts under test.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// One entry per script, by file as the plan names it (`rules/x.rhai`, `std/reference.rhai`).
    pub scripts: Vec<ScriptCoverage>,
    /// Lines with statements, over every script.
    pub lines: usize,
    /// Of those, the lines run.
    pub run: usize,
}

/// Line coverage of one script.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScriptCoverage {
    /// The script, as the plan names it.
    pub file: String,
    /// 1-based lines that hold a statement.
    pub lines: Vec<usize>,
    /// Times execution came to each of `lines`, in the same order.
    pub hits: Vec<u64>,
    /// The lines of `lines` that ran at least once.
    pub run: Vec<usize>,
    /// The lines of `lines` never run, with their text.
    pub missed: Vec<MissedLine>,
}

/// A line with a statement no case ran.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MissedLine {
    /// 1-based line.
    pub line: usize,
    /// The line's text, trimmed.
    pub text: String,
}

/// The coverage of the scripts under test: a plan folder's own scripts and modules, and the std
/// scripts a case names (`std_named`); a std script a plan merely uses is not under test.
pub(super) fn assemble(recorded: Recorded, std_named: &BTreeSet<String>) -> Coverage {
    let mut out = Coverage::default();
    for (file, seen) in recorded.scripts {
        if seen.lines.is_empty() || (file.starts_with("std/") && !std_named.contains(&file)) {
            continue;
        }
        let text: Vec<&str> = seen.source.lines().collect();
        let mut script = ScriptCoverage { file, ..ScriptCoverage::default() };
        for &line in &seen.lines {
            let hits = seen.hits.get(&line).copied().unwrap_or(0);
            script.lines.push(line);
            script.hits.push(hits);
            if hits > 0 {
                script.run.push(line);
            } else {
                let text = text.get(line.saturating_sub(1)).map_or("", |t| t.trim()).to_string();
                script.missed.push(MissedLine { line, text });
            }
        }
        out.lines += script.lines.len();
        out.run += script.run.len();
        out.scripts.push(script);
    }
    out
}

impl Coverage {
    /// The coverage as LCOV (`TN`, `SF`, `DA`, `LF`, `LH`, `end_of_record` per script), for an
    /// editor or a coverage service. Paths are as the plan names them.
    pub fn to_lcov(&self) -> String {
        let mut out = String::new();
        for s in &self.scripts {
            let _ = writeln!(out, "TN:\nSF:{}", s.file);
            for (line, hits) in s.lines.iter().zip(&s.hits) {
                let _ = writeln!(out, "DA:{line},{hits}");
            }
            let _ = writeln!(out, "LF:{}\nLH:{}\nend_of_record", s.lines.len(), s.run.len());
        }
        out
    }
}
