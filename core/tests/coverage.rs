//! Line coverage of rule scripts in rule tests: the lines with statements, the lines run, a
//! module's lines at its own file, LCOV read back, and the std scripts' own lines.

use attain_core::{PlanFiles, TestOptions, run_rule_tests_in_with, run_rule_tests_with};
use std::collections::BTreeMap;

const PLAN: &str = "[plan]\nid = \"c\"\ntitle = \"C\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"rules/three.rhai\"\n";

/// A three-way rule (synthetic) and a module it imports; the cases never reach `not_attained`.
const THREE: &str = "import \"lib\" as lib;\n\
// a comment is no statement\n\
if value == () { return no_data(\"no value\"); }\n\
if value >= 10.0 {\n\
    return attained(lib::said(\"high\"));\n\
}\n\
if value >= 5.0 { return partly(\"middle\"); }\n\
not_attained(\"low\")\n";

const LIB: &str = "fn said(x) {\n    let s = x;\n    s\n}\nfn unused() {\n    1\n}\n";

const TESTS: &str = "[[case]]\nname = \"high\"\nrule = \"rules/three.rhai\"\nvalue = 12\nexpect = \"attained\"\n\
[[case]]\nname = \"middle\"\nrule = \"rules/three.rhai\"\nvalue = 7\nexpect = \"partly\"\n";

fn files() -> PlanFiles {
    PlanFiles::from([
        ("plan.toml".to_string(), PLAN.to_string()),
        ("rules/three.rhai".to_string(), THREE.to_string()),
        ("rules/lib.rhai".to_string(), LIB.to_string()),
        ("tests/three.test.toml".to_string(), TESTS.to_string()),
    ])
}

#[test]
fn a_case_that_misses_a_branch_leaves_its_lines_unrun() {
    let report = run_rule_tests_in_with(&files(), &TestOptions { coverage: true, ..TestOptions::default() }).unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.cases);
    let coverage = report.coverage.unwrap();
    let by_file: BTreeMap<&str, _> = coverage.scripts.iter().map(|s| (s.file.as_str(), s)).collect();
    assert_eq!(by_file.keys().copied().collect::<Vec<_>>(), ["rules/lib.rhai", "rules/three.rhai"]);
    let three = by_file["rules/three.rhai"];
    // Line 2 is a comment and line 6 a closing brace: no statement, never reported.
    assert_eq!(three.lines, [1, 3, 4, 5, 7, 8]);
    assert_eq!(three.run, [1, 3, 4, 5, 7]);
    assert_eq!(three.missed.len(), 1);
    assert_eq!((three.missed[0].line, three.missed[0].text.as_str()), (8, "not_attained(\"low\")"));
    // The module's lines count for the module: `said` ran once, `unused` never.
    let lib = by_file["rules/lib.rhai"];
    assert_eq!(lib.lines, [2, 3, 6]);
    assert_eq!(lib.run, [2, 3]);
    assert_eq!(lib.hits, [1, 1, 0]);
    assert_eq!((coverage.lines, coverage.run), (9, 7));
}

#[test]
fn without_the_option_there_is_no_coverage_and_the_cases_are_the_same() {
    let plain = run_rule_tests_in_with(&files(), &TestOptions::default()).unwrap();
    let covered = run_rule_tests_in_with(&files(), &TestOptions { coverage: true, ..TestOptions::default() }).unwrap();
    assert!(plain.coverage.is_none());
    assert_eq!(plain.cases, covered.cases);
}

/// LCOV read back: one record per script, every `DA` line a line with a statement, `LF`/`LH`
/// its counts.
/// An LCOV record: its `DA` lines (line, hits), `LF` and `LH`.
type Record = (Vec<(usize, u64)>, usize, usize);

fn parse_lcov(text: &str) -> BTreeMap<String, Record> {
    let mut out = BTreeMap::new();
    let mut file = None;
    let (mut da, mut lf, mut lh) = (Vec::new(), None, None);
    for line in text.lines() {
        let (key, value) = line.split_once(':').unwrap_or((line, ""));
        match key {
            "TN" => {}
            "SF" => file = Some(value.to_string()),
            "DA" => {
                let (l, h) = value.split_once(',').unwrap();
                da.push((l.parse().unwrap(), h.parse().unwrap()));
            }
            "LF" => lf = Some(value.parse().unwrap()),
            "LH" => lh = Some(value.parse().unwrap()),
            "end_of_record" => {
                out.insert(file.take().unwrap(), (std::mem::take(&mut da), lf.take().unwrap(), lh.take().unwrap()));
            }
            other => panic!("unexpected LCOV line `{other}`"),
        }
    }
    assert!(file.is_none() && da.is_empty(), "a record without end_of_record");
    out
}

#[test]
fn lcov_reads_back_as_the_coverage() {
    let coverage = run_rule_tests_in_with(&files(), &TestOptions { coverage: true, ..TestOptions::default() }).unwrap().coverage.unwrap();
    let lcov = parse_lcov(&coverage.to_lcov());
    assert_eq!(lcov.len(), coverage.scripts.len());
    for s in &coverage.scripts {
        let (da, lf, lh) = &lcov[&s.file];
        assert_eq!(da.iter().map(|d| d.0).collect::<Vec<_>>(), s.lines);
        assert_eq!(da.iter().filter(|d| d.1 > 0).map(|d| d.0).collect::<Vec<_>>(), s.run);
        assert_eq!((*lf, *lh), (s.lines.len(), s.run.len()));
    }
    assert_eq!(lcov["rules/three.rhai"].0.last(), Some(&(8, 0)));
}

#[test]
fn a_std_rule_s_own_script_runs_under_coverage_not_its_twin() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/std/tests/trend.test.toml");
    let coverage = run_rule_tests_with(dir, &TestOptions { coverage: true, ..TestOptions::default() }).unwrap().coverage.unwrap();
    let files: Vec<&str> = coverage.scripts.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(files, ["std/trend.rhai"]);
    assert!(coverage.run > 0 && coverage.run <= coverage.lines, "{coverage:?}");
}
