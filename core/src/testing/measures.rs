//! What a rule test expects of a verdict's measures: each named one present and within the tolerance.

use crate::judgement::Measures;
use crate::plan::{Finite, toml_number};
use std::collections::BTreeMap;

/// The tolerance a case's `expect_measures` are compared with when it names none: the last
/// float digits that matter in a published figure.
pub(super) const DEFAULT_TOLERANCE: f64 = 1e-9;

/// A case's `expect_measures` and `measure_tolerance`, as written.
pub(super) struct Expected<'a> {
    pub(super) measures: &'a BTreeMap<String, Finite>,
    pub(super) tolerance: Option<Finite>,
}

impl Expected<'_> {
    /// `None` when every expected measure is there within the tolerance; else what was expected
    /// and what the rule gave, as the case's report shows them.
    pub(super) fn mismatch(&self, got: &Measures) -> Option<(String, String)> {
        let tolerance = self.tolerance.map_or(DEFAULT_TOLERANCE, |t| t.0.abs());
        let off = |(name, want): (&String, &Finite)| got.get(name).is_none_or(|x| (x - want.0).abs() > tolerance);
        if !self.measures.iter().any(off) {
            return None;
        }
        let want: Vec<String> = self.measures.iter().map(|(k, v)| format!("{k} = {}", toml_number(v.0))).collect();
        let have: Vec<String> = got.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let have = if have.is_empty() { "no measures".to_string() } else { format!("measures {}", have.join(", ")) };
        Some((format!("measures {} (± {})", want.join(", "), toml_number(tolerance)), have))
    }
}
