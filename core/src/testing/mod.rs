//! Rule tests (`*.test.toml`): finding the files, running each with its plan, and the report of cases.

mod case_targets;
mod cases;
mod coverage;
mod measures;
mod mutants;
mod mutate;

use crate::error::{Code, Error, Result};
use crate::files::{self, PlanFiles};
use crate::plan::Plan;
use crate::script::{self, coverage::Recording};
use crate::stdlib;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use coverage::{Coverage, MissedLine, ScriptCoverage, TestOptions};
pub use mutants::{MutantOutcome, MutantStatus, Mutants};

/// Per rule, the levels it could reach and the ones its cases reached.
type Reached = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// The outcome of one test case.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOutcome {
    /// Test file.
    pub file: String,
    /// 1-based line of the case.
    pub line: usize,
    /// Case name.
    pub name: String,
    /// Rule (or plan) under test.
    pub rule: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was expected, for a failure (`status attained`, `reason containing "x"`).
    pub expected: Option<String>,
    /// What the rule returned, for a failure.
    pub got: Option<String>,
    /// The reason the rule gave.
    pub reason: Option<String>,
}

/// The result of running rule tests.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TestReport {
    /// Every case in file order.
    pub cases: Vec<CaseOutcome>,
    /// Per rule, the scale levels no case reached.
    pub unreached: BTreeMap<String, Vec<String>>,
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
    /// Line coverage of the scripts under test, when [`TestOptions::coverage`] asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// The mutants of the scripts under test and what the cases made of them, when
    /// [`TestOptions::mutants`] asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutants: Option<Mutants>,
}

/// The test files of a run, each with the plan it runs with (`None`: a blank plan of its own).
pub(super) struct Suite {
    units: Vec<Unit>,
    plans: Vec<Plan>,
}

struct Unit {
    text: String,
    rel: String,
    plan: Option<usize>,
}

impl Suite {
    /// Every test file's cases, in order, and the levels each rule reached.
    fn run_all(&self) -> Result<(TestReport, Reached)> {
        let mut report = TestReport::default();
        let mut reached: Reached = BTreeMap::new();
        for unit in &self.units {
            let plan = match unit.plan {
                Some(i) => self.plans[i].clone(),
                None => blank_plan(&unit.text)?,
            };
            cases::run_file(&plan, &unit.text, &unit.rel, &mut report, &mut reached)?;
        }
        Ok((report, reached))
    }

    /// The cases of test file `u`, with `plans` in place of the suite's own where given.
    fn run_unit(&self, u: usize, plans: Option<&[Option<Plan>]>) -> Result<Vec<CaseOutcome>> {
        let unit = &self.units[u];
        let plan = match unit.plan {
            Some(i) => plans.and_then(|p| p[i].clone()).unwrap_or_else(|| self.plans[i].clone()),
            None => blank_plan(&unit.text)?,
        };
        let mut report = TestReport::default();
        cases::run_file(&plan, &unit.text, &unit.rel, &mut report, &mut BTreeMap::new())?;
        Ok(report.cases)
    }
}

/// Runs every `*.test.toml` under `path` (a file or folder). A test file inside a plan folder
/// (a folder above it holds `plan.toml`) runs with that plan: its scripts, scale and data.
///
/// # Errors
/// A test error naming file, line and column for a malformed test file or unknown fields; an
/// io error when the path cannot be read.
pub fn run_rule_tests(path: impl AsRef<Path>) -> Result<TestReport> {
    run_rule_tests_with(path, &TestOptions::default())
}

/// As [`run_rule_tests`], with [`TestOptions`] (`coverage`: which lines of each script ran).
///
/// # Errors
/// As [`run_rule_tests`]; `test.coverage_unavailable` when coverage is asked of a build without
/// it (the WebAssembly module).
pub fn run_rule_tests_with(path: impl AsRef<Path>, options: &TestOptions) -> Result<TestReport> {
    let recording = start(options)?;
    let path = path.as_ref();
    let mut tests = Vec::new();
    collect_tests(path, &mut tests)?;
    let (listed, tests): (Vec<_>, Vec<_>) = tests.into_iter().partition(|t| t.file_name().is_some_and(|n| n == EQUIVALENTS));
    if tests.is_empty() {
        return Err(Error::new(Code::TestNoFiles, format!("no `*.test.toml` files under `{}`", path.display())));
    }
    let mut suite = Suite { units: Vec::new(), plans: Vec::new() };
    let mut dirs: BTreeMap<std::path::PathBuf, usize> = BTreeMap::new();
    for test in tests {
        let text = files::read_text(&test)?;
        let plan_dir = test.ancestors().skip(1).find(|d| d.join("plan.toml").is_file()).map(Path::to_path_buf);
        let (plan, rel) = match plan_dir {
            Some(dir) => {
                if !dirs.contains_key(&dir) {
                    dirs.insert(dir.clone(), suite.plans.len());
                    suite.plans.push(Plan::load(&dir)?);
                }
                let rel = test.strip_prefix(&dir).unwrap_or(&test).to_string_lossy().replace('\\', "/");
                (Some(dirs[&dir]), rel)
            }
            None => (None, test.display().to_string()),
        };
        suite.units.push(Unit { text, rel, plan });
    }
    let listed = listed.iter().map(|p| Ok((p.display().to_string(), files::read_text(p)?))).collect::<Result<Vec<_>>>()?;
    finish(&suite, recording, options, &listed)
}

/// Runs test files held in memory (the browser): every `*.test.toml` in `files`, with the plan
/// in `files` when it holds `plan.toml`.
///
/// # Errors
/// As [`run_rule_tests`].
pub fn run_rule_tests_in(files: &PlanFiles) -> Result<TestReport> {
    run_rule_tests_in_with(files, &TestOptions::default())
}

/// As [`run_rule_tests_in`], with [`TestOptions`].
///
/// # Errors
/// As [`run_rule_tests_with`].
pub fn run_rule_tests_in_with(files: &PlanFiles, options: &TestOptions) -> Result<TestReport> {
    files.check()?;
    let recording = start(options)?;
    let files = &files::without_boms(files.clone());
    let plans = if files.contains_key("plan.toml") { vec![Plan::from_files(files.clone())?] } else { Vec::new() };
    let plan = (!plans.is_empty()).then_some(0);
    let units: Vec<Unit> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".test.toml"))
        .map(|(p, text)| Unit { text: text.clone(), rel: p.clone(), plan })
        .collect();
    if units.is_empty() {
        return Err(Error::new(Code::TestNoFiles, "no `*.test.toml` files given"));
    }
    let listed: Vec<(String, String)> =
        files.iter().filter(|(p, _)| p.rsplit('/').next() == Some(EQUIVALENTS)).map(|(p, t)| (p.clone(), t.clone())).collect();
    finish(&Suite { units, plans }, recording, options, &listed)
}

/// The file that lists a folder's equivalent mutants, each with its reason.
const EQUIVALENTS: &str = "equivalent-mutants.toml";

/// A recording of the lines run, when the options ask for coverage and this build has it.
fn start(options: &TestOptions) -> Result<Option<Recording>> {
    if !options.coverage {
        return Ok(None);
    }
    if !script::coverage::available() {
        return Err(Error::new(
            Code::TestCoverageUnavailable,
            "this build of attain records no coverage (the CLI and the Python module do; the WebAssembly module does not)",
        ));
    }
    Ok(Some(Recording::start()))
}

/// Runs the suite's cases (inside the coverage recording, if any), then its mutants when asked.
fn finish(suite: &Suite, recording: Option<Recording>, options: &TestOptions, listed: &[(String, String)]) -> Result<TestReport> {
    let (mut report, reached) = suite.run_all()?;
    if let Some(recording) = recording {
        let named: BTreeSet<String> =
            report.cases.iter().filter(|c| stdlib::std_source(&c.rule).is_some()).map(|c| stdlib::std_file(&c.rule)).collect();
        report.coverage = Some(coverage::assemble(recording.finish(), &named));
    }
    for (rule, (levels, got)) in reached {
        let missing: Vec<String> = levels.difference(&got).cloned().collect();
        if !missing.is_empty() {
            report.unreached.insert(rule, missing);
        }
    }
    report.passed = report.cases.iter().filter(|c| c.passed).count();
    report.failed = report.cases.len() - report.passed;
    if options.mutants {
        report.mutants = Some(mutants::run(suite, &report.cases, listed)?);
    }
    Ok(report)
}

fn collect_tests(path: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries = files::folder_entries(path).map_err(|e| files::io_error(&e, format!("cannot read `{}`: {e}", path.display())))?;
    // The entry's own type, not its target's: a linked folder is not walked (a link to `.` or
    // `/` would walk forever or the whole disk); a linked file is read when it is a regular file;
    // a FIFO or device named `*.test.toml` is never opened.
    let paths = entries.into_iter().filter_map(|e| Some((e.path(), e.file_type().ok()?)));
    for (p, kind) in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if files::skipped(name) {
            continue;
        }
        if kind.is_dir() {
            collect_tests(&p, out)?;
        } else if kind.is_symlink() && p.is_dir() {
            return Err(
                Error::new(Code::IoLink, "a link to a folder, which the test runner does not follow").in_file(p.display().to_string())
            );
        } else if (name.ends_with(".test.toml") || name == EQUIVALENTS) && (kind.is_file() || (kind.is_symlink() && p.is_file())) {
            out.push(p);
        }
    }
    Ok(())
}

/// A plan with no goals, for test files outside any plan folder: in the file's `language`, on
/// the shipped scale its `scale` names (`scale = "sdg"`), else the default one.
fn blank_plan(test_text: &str) -> Result<Plan> {
    let top = |key: &str| {
        test_text.lines().take_while(|l| !l.trim_start().starts_with('[')).find_map(|l| {
            let l = l.replace(' ', "");
            l.strip_prefix(&format!("{key}=\"")).and_then(|v| v.strip_suffix('"')).map(str::to_string)
        })
    };
    let lang = if top("language").as_deref() == Some("sv") { "sv" } else { "en" };
    let mut plan = format!("[plan]\nid = \"tests\"\ntitle = \"tests\"\nlanguage = \"{lang}\"\n");
    // Any other name is the test file's error (`cases::check_scale`), at the file.
    if let Some(preset) = top("scale").filter(|p| crate::model::Scale::PRESETS.contains(&p.as_str())) {
        plan.push_str(&format!("[scale]\npreset = \"{preset}\"\n"));
    }
    Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan)]))
}
