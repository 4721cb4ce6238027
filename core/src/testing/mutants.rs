//! Mutation testing of rule scripts: each mutant of each script under test, run against that script's tests, killed or surviving.
//!
//! The scripts under test are a plan folder's own scripts and modules, and the std scripts a
//! case names (as for coverage). For each [`mutate::Mutation`] of each, the plans are rebuilt
//! with the mutant in place of the script ([`script::mutation::Override`]) and the test files
//! that can reach it are run again: those of its plan folder, or every file for a std script. A
//! mutant is killed when a case that passed without it fails (a mutant that loops is stopped by
//! the operation budget, fails its cases and so is killed), survives when none does, and is
//! unviable when it does not compile: unviable mutants are not in the score. A mutant listed in
//! an `equivalent-mutants.toml` with its reason is not run; a listed mutant that is not made is
//! an error at its entry. Mutants run in parallel where core has threads, and the report is in
//! the mutants' order, so it is the same on every run.

use super::mutate::{self, Mutation};
use super::{CaseOutcome, Suite};
use crate::error::{Code, Error, Result};
use crate::script::mutation::Override;
use crate::stdlib;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use toml::Spanned;

/// The mutants of a test run ([`TestOptions::mutants`](super::TestOptions)).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mutants {
    /// Every mutant, by script in the run's order, then in the script's order.
    pub mutants: Vec<MutantOutcome>,
    /// Mutants a case killed.
    pub killed: usize,
    /// Mutants no case killed.
    pub survived: usize,
    /// Mutants that did not compile (not in the score).
    pub unviable: usize,
    /// Mutants listed as equivalent, with a reason (not run, not in the score).
    pub equivalent: usize,
    /// `killed / (killed + survived)`; 1 when there is no mutant to score.
    pub score: f64,
}

impl Mutants {
    /// Whether the score reaches `min` (a share from 0 to 1), as `attain test --min-score` asks.
    ///
    /// # Errors
    /// `test.invalid_value` when `min` is not a number from 0 to 1.
    pub fn meets(&self, min: f64) -> Result<bool> {
        if !(0.0..=1.0).contains(&min) {
            return Err(Error::new(Code::TestInvalidValue, format!("a minimum score of `{min}` is not a share from 0 to 1")));
        }
        Ok(self.score >= min)
    }
}

/// One mutant and what the tests made of it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutantOutcome {
    /// The script, as the plan names it (`rules/x.rhai`, `std/target.rhai`).
    pub file: String,
    /// 1-based line of the text mutated.
    pub line: usize,
    /// 1-based column (in characters) of the text mutated.
    pub column: usize,
    /// The script's text there.
    pub original: String,
    /// The mutant's text there (empty: removed).
    pub mutated: String,
    /// `killed`, `survived`, `unviable` or `equivalent`.
    pub status: MutantStatus,
    /// The first case that failed (`file:line name`), or the error that stopped the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed_by: Option<String>,
    /// Why the mutant is equivalent, as its entry says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the tests made of a mutant.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutantStatus {
    /// A case that passed fails with the mutant.
    Killed,
    /// Every case that passed still passes.
    Survived,
    /// The mutant does not compile.
    Unviable,
    /// Listed as equivalent: no test could tell it from the script.
    Equivalent,
}

/// A script under test: its file, its text, and the plan it belongs to (`None`: std, reached
/// by every test file).
struct Target {
    file: String,
    source: String,
    plan: Option<usize>,
}

/// An `equivalent-mutants.toml`: one `[[mutant]]` per mutant no test could kill.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EquivalentFile {
    #[serde(default)]
    mutant: Vec<Spanned<Equivalent>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Equivalent {
    file: String,
    line: usize,
    column: usize,
    original: String,
    mutated: String,
    reason: String,
}

/// The equivalents listed in `files` (name and text), each with where it stands.
fn equivalents(files: &[(String, String)]) -> Result<Vec<(Equivalent, String, usize)>> {
    let mut out = Vec::new();
    for (name, text) in files {
        let parsed: EquivalentFile = toml::from_str(text).map_err(|e| {
            let err = Error::new(Code::TestInvalidValue, e.message().trim().replace('\n', "; ")).in_file(name.clone());
            match e.span() {
                Some(s) => err.at_offset(text, s.start),
                None => err,
            }
        })?;
        for m in parsed.mutant {
            let line = crate::error::line_column(text, m.span().start).0;
            let m = m.into_inner();
            if m.reason.trim().is_empty() {
                return Err(Error::new(Code::TestInvalidValue, "an equivalent mutant needs its `reason`")
                    .in_file(name.clone())
                    .at(line, 1));
            }
            out.push((m, name.clone(), line));
        }
    }
    Ok(out)
}

/// Runs every mutant of the scripts under `suite`, against the cases as they ran without it.
pub(super) fn run(suite: &Suite, baseline: &[CaseOutcome], equivalent_files: &[(String, String)]) -> Result<Mutants> {
    let listed = equivalents(equivalent_files)?;
    let targets = targets(suite, baseline);
    let base: Vec<Vec<CaseOutcome>> = (0..suite.units.len()).map(|u| suite.run_unit(u, None)).collect::<Result<_>>()?;
    let jobs: Vec<(&Target, Mutation)> =
        targets.iter().flat_map(|t| mutate::mutations(&t.source).into_iter().map(move |m| (t, m))).collect();
    let mut used = vec![false; listed.len()];
    let mut outcomes: Vec<Option<MutantOutcome>> = Vec::with_capacity(jobs.len());
    for (t, m) in &jobs {
        let found = listed.iter().position(|(e, ..)| {
            e.file == t.file && e.line == m.line && e.column == m.column && e.original == m.original && e.mutated == m.mutated
        });
        outcomes.push(found.map(|i| {
            used[i] = true;
            MutantOutcome { reason: Some(listed[i].0.reason.clone()), ..outcome(t, m, MutantStatus::Equivalent, None) }
        }));
    }
    if let Some(((e, name, line), _)) = listed.iter().zip(&used).find(|(_, used)| !**used) {
        return Err(Error::new(
            Code::TestStaleMutant,
            format!("no mutant `{}` -> `{}` at `{}:{}:{}` (the script changed?)", e.original, e.mutated, e.file, e.line, e.column),
        )
        .in_file(name.clone())
        .at(*line, 1));
    }
    let todo: Vec<usize> = (0..jobs.len()).filter(|&i| outcomes[i].is_none()).collect();
    let ran = for_each(&todo, |&i| {
        let (t, m) = &jobs[i];
        let (status, by) = judge(suite, &base, t, m);
        outcome(t, m, status, by)
    });
    for (i, o) in todo.into_iter().zip(ran) {
        outcomes[i] = Some(o);
    }
    Ok(tally(outcomes.into_iter().flatten().collect()))
}

fn outcome(t: &Target, m: &Mutation, status: MutantStatus, killed_by: Option<String>) -> MutantOutcome {
    MutantOutcome {
        file: t.file.clone(),
        line: m.line,
        column: m.column,
        original: m.original.clone(),
        mutated: m.mutated.clone(),
        status,
        killed_by,
        reason: None,
    }
}

fn tally(mutants: Vec<MutantOutcome>) -> Mutants {
    let count = |s: MutantStatus| mutants.iter().filter(|m| m.status == s).count();
    let (killed, survived) = (count(MutantStatus::Killed), count(MutantStatus::Survived));
    let (unviable, equivalent) = (count(MutantStatus::Unviable), count(MutantStatus::Equivalent));
    let score = if killed + survived == 0 { 1.0 } else { killed as f64 / (killed + survived) as f64 };
    Mutants { mutants, killed, survived, unviable, equivalent, score }
}

/// The scripts under test: every plan's own `.rhai` files, then the std scripts a case names.
fn targets(suite: &Suite, baseline: &[CaseOutcome]) -> Vec<Target> {
    let mut out = Vec::new();
    for (i, plan) in suite.plans.iter().enumerate() {
        for (path, text) in plan.files.iter().filter(|(p, _)| p.ends_with(".rhai")) {
            out.push(Target { file: path.clone(), source: text.clone(), plan: Some(i) });
        }
    }
    let named: BTreeSet<&str> = baseline.iter().filter_map(|c| stdlib::std_source(&c.rule).map(|_| c.rule.as_str())).collect();
    for name in named {
        if let Some(source) = stdlib::std_source(name) {
            out.push(Target { file: stdlib::std_file(name), source: source.to_string(), plan: None });
        }
    }
    out
}

/// Runs the test files that reach `t` with the mutant `m` in place of it.
fn judge(suite: &Suite, base: &[Vec<CaseOutcome>], t: &Target, m: &Mutation) -> (MutantStatus, Option<String>) {
    let _mutant = Override::open(&t.file, &m.apply(&t.source));
    let units = (0..suite.units.len()).filter(|&u| t.plan.is_none() || suite.units[u].plan == t.plan);
    // The plans rebuilt with the mutant, on the data already read.
    let mut plans = Vec::new();
    for (i, plan) in suite.plans.iter().enumerate() {
        if t.plan.is_some_and(|p| p != i) {
            plans.push(None);
            continue;
        }
        match crate::plan::Plan::from_files((*plan.files).clone()) {
            Ok(mut rebuilt) => {
                rebuilt.bundled = plan.bundled.clone();
                plans.push(Some(rebuilt));
            }
            Err(e) => return stopped(&e),
        }
    }
    for u in units {
        match suite.run_unit(u, Some(&plans)) {
            Ok(cases) => {
                if let Some(c) = killer(&base[u], &cases) {
                    return (MutantStatus::Killed, Some(c));
                }
            }
            Err(e) => return stopped(&e),
        }
    }
    (MutantStatus::Survived, None)
}

/// A run the mutant stopped: unviable when it does not compile, else killed by the error.
fn stopped(e: &Error) -> (MutantStatus, Option<String>) {
    match e.code() {
        Code::RuleCompile | Code::RuleUnknownName | Code::RuleLimitFunctions | Code::RuleLimitScript => {
            (MutantStatus::Unviable, Some(format!("error: {}", e.message())))
        }
        _ => (MutantStatus::Killed, Some(format!("error: {}", e.message()))),
    }
}

/// The first case that passed without the mutant and fails with it.
fn killer(base: &[CaseOutcome], with: &[CaseOutcome]) -> Option<String> {
    if base.len() != with.len() {
        return Some("the cases run changed".to_string());
    }
    base.iter().zip(with).find(|(b, w)| b.passed && !w.passed).map(|(_, w)| format!("{}:{} {}", w.file, w.line, w.name))
}

/// `f` over `items`, on threads where core has them; the results in `items`' order.
#[cfg(feature = "parallel")]
fn for_each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn for_each<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}
