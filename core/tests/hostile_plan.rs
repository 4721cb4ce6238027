//! Issue 10, the plan loader and the rule-test loader: every number finite, every inline table
//! strict, every status known, `decimals` bounded, and loading linear in the plan's size. Each
//! error names its file, line and column.

use crate::common::{assert_at, assert_message, csv, evaluate, plan, plan_error, repo_root};
use attain_core::{ErrorKind, Format, Gender, Plan, PlanFiles, render};

const HEAD: &str = "[plan]\nid = \"x\"\ntitle = \"X\"\n";
const IND_A: &str = "[[indicator]]\nid = \"A\"\ntitle = \"A\"\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

/// 1-based line and column of the first `needle` in `text` (the place an error must name).
#[track_caller]
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Loading `text` fails with a plan error at the first `needle`, its message containing `msg`.
#[track_caller]
fn plan_error_at(text: &str, needle: &str, msg: &str) {
    let e = plan_error(text, &[("r.rhai", "let b = params.bands; no_data()")]);
    let (line, column) = place(text, needle);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(line), Some(column));
    assert_message(&e, msg);
}

/// A goal (lines 4–7) linking `links` (at column 15 of line 7), then indicators A and B.
fn goal_linking(links: &str) -> String {
    with_head(&format!("[[goal]]\nid = \"G\"\ntitle = \"G\"\nindicators = [{links}]\n{IND_A}[[indicator]]\nid = \"B\"\ntitle = \"B\"\n"))
}

// ---------------------------------------------------------------- weighted links

#[test]
fn a_misspelt_key_in_a_weighted_link_is_refused_at_the_key() {
    // `wieght` was read as no weight at all (weight 1).
    plan_error_at(&goal_linking("{ id = \"A\", wieght = 2 }"), "wieght", "unknown field `wieght`, expected `id` or `weight`");
    // In the second link too.
    plan_error_at(&goal_linking("\"B\", { id = \"A\", weight = 2, note = \"x\" }"), "note", "unknown field `note`");
}

#[test]
fn a_link_that_is_neither_an_id_nor_a_table_is_refused() {
    plan_error_at(&goal_linking("\"A\", 5"), "5]", "an indicator id or a table");
    let e = plan_error(&goal_linking("{ weight = 2 }"), &[]);
    assert_eq!((e.kind(), e.line()), (ErrorKind::Plan, Some(7)), "{e}");
    assert_message(&e, "missing field `id`");
}

#[test]
fn weights_are_finite_above_zero_and_at_most_a_million() {
    for (weight, shown) in
        [("1e308", "1e308"), ("0", "0"), ("0.0", "0"), ("-1", "-1"), ("1000001", "1000001"), ("inf", "inf"), ("nan", "nan")]
    {
        let e = plan_error(&goal_linking(&format!("{{ id = \"A\", weight = {weight} }}")), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(15));
        assert_message(&e, &format!("weight of `A` is `{shown}`; a weight is a number above 0 and at most 1000000"));
    }
    // The largest weights still give a verdict: 10⁶ attained against 1 not attained is attained.
    let p = plan(
        &goal_linking("{ id = \"A\", weight = 1e6 }, { id = \"B\", weight = 1 }")
            .replace("title = \"B\"\n", "title = \"B\"\ndirection = \"lower\"\n")
            .replace("title = \"A\"\n", "title = \"A\"\ntargets = { 2022 = 1 }\n")
            .replace("direction = \"lower\"\n", "direction = \"lower\"\ntargets = { 2022 = 1 }\n"),
        &[],
    );
    let r = evaluate(&p, &csv("indicator,entity,period,gender,value\nA,1,2022,T,5\nB,1,2022,T,5\n"), "1", "2022");
    assert_eq!(r.indicator("A", Gender::T).map(|i| i.status.as_str()), Some("attained"));
    assert_eq!(r.indicator("B", Gender::T).map(|i| i.status.as_str()), Some("not_attained"));
    assert_eq!(r.goal("G").map(|g| g.status.as_str()), Some("attained"));
}

// ---------------------------------------------------------------- params

#[test]
fn nan_and_infinite_params_are_refused_where_they_stand() {
    let cases: &[(&str, &str, &str)] = &[
        ("rule = \"reference\"\nparams = { against = nan }\n", "nan", "`nan` is not a finite number"),
        ("rule = \"reference\"\nparams = { against = \"national\", tolerance = inf }\n", "inf", "`inf` is not a finite number"),
        ("rule = \"reference\"\nparams = { tolerance = -inf }\n", "-inf", "`-inf` is not a finite number"),
        ("rule = \"r.rhai\"\nparams = { bands = [1, 2, nan] }\n", "[1, 2", "`nan` is not a finite number"),
        ("rule = \"r.rhai\"\nparams = { bands = { low = 1, high = inf } }\n", "{ low", "`inf` is not a finite number"),
        // Past f64, the TOML reader refuses the number itself.
        ("rule = \"reference\"\nparams = { tolerance = 1e400 }\n", "1e400", "overflowed"),
    ];
    for (rest, needle, msg) in cases {
        plan_error_at(&with_head(&format!("{IND_A}{rest}")), needle, msg);
    }
    // A goal's params alike.
    plan_error_at(
        &with_head("[[goal]]\nid = \"G\"\ntitle = \"G\"\nparams = { attained_share = nan }\n"),
        "nan",
        "`nan` is not a finite number",
    );
    // Finite params still load, and a param the rule does not read is still refused at the params.
    plan(&with_head(&format!("{IND_A}rule = \"reference\"\nparams = {{ against = 1e300, tolerance = 0 }}\n")), &[]);
    let e = plan_error(&with_head(&format!("{IND_A}rule = \"reference\"\nparams = {{ tolerence = 0.1 }}\n")), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(8), Some(10));
    assert_message(&e, "takes no param `tolerence`");
}

// ---------------------------------------------------------------- decimals

#[test]
fn decimals_beyond_twelve_are_refused_at_load() {
    for (d, line_col) in [("65536", (7, 12)), ("13", (7, 12)), ("4294967295", (7, 12))] {
        let e = plan_error(&with_head(&format!("{IND_A}decimals = {d}\n")), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(line_col.0), Some(line_col.1));
        assert_message(&e, &format!("decimals `{d}` is more than 12"));
    }
    // Past u32 or negative: refused by the TOML reader, at the value.
    for d in ["-1", "4294967296"] {
        let e = plan_error(&with_head(&format!("{IND_A}decimals = {d}\n")), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(12));
    }
    // Twelve loads, evaluates and renders.
    let p = plan(
        &with_head(&format!("[[goal]]\nid = \"G\"\ntitle = \"G\"\nindicators = [\"A\"]\n{IND_A}decimals = 12\ntargets = {{ 2022 = 1 }}\n")),
        &[],
    );
    assert_eq!(p.indicators()[0].decimals, Some(12));
    let r = evaluate(&p, &csv("indicator,entity,period,gender,value\nA,1,2022,T,5.25\n"), "1", "2022");
    assert_eq!(r.indicator("A", Gender::T).map(|i| i.status.as_str()), Some("attained"));
    for f in [Format::Html, Format::Markdown] {
        let out = render(&r, f);
        assert!(out.contains("5.250000000000"), "{f:?}: {out}");
    }
}

// ---------------------------------------------------------------- size

/// A chain of `n` goals, each the parent of the next.
fn chain(n: usize) -> String {
    let mut t = HEAD.to_string();
    for g in 0..n {
        t.push_str(&format!("[[goal]]\nid = \"G{g}\"\ntitle = \"G\"\n"));
        if g > 0 {
            t.push_str(&format!("parent = \"G{}\"\n", g - 1));
        }
    }
    t
}

#[test]
fn a_long_parent_chain_loads_children_first() {
    // 3,000 goals in a chain took seconds (each goal walked to the top, checking a list).
    let n = 3000;
    let p = plan(&chain(n), &[]);
    assert_eq!(p.goals().len(), n);
    let r = evaluate(&p, &csv("indicator,entity,period,gender,value\n"), "1", "2022");
    assert_eq!(r.goals.len(), n);
    assert!(r.goals.iter().all(|g| g.status == "no_data"), "{:?}", r.goals.first());
}

#[test]
fn a_cycle_at_the_end_of_a_long_chain_is_named_from_the_first_goal() {
    // G0 → G1 → … : G0's parent is G2999's child in a ring, so every goal is in the cycle and the
    // error names the ring from G0, placed at G0's id.
    let n = 3000;
    let text = chain(n).replacen("title = \"G\"\n", &format!("title = \"G\"\nparent = \"G{}\"\n", n - 1), 1);
    let e = plan_error(&text, &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(5), Some(6));
    assert_message(&e, "goal parents form a cycle: `G0` → `G2999` → `G2998`");
    assert_message(&e, "`G1` → `G0`");
    // A tail leading into a cycle: named from the tail's first goal, ending where it closes.
    let tail = with_head(
        "[[goal]]\nid = \"t\"\ntitle = \"T\"\nparent = \"a\"\n[[goal]]\nid = \"a\"\ntitle = \"A\"\nparent = \"b\"\n\
         [[goal]]\nid = \"b\"\ntitle = \"B\"\nparent = \"a\"\n",
    );
    let e = plan_error(&tail, &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(5), Some(6));
    assert_message(&e, "goal parents form a cycle: `t` → `a` → `b` → `a`");
}

#[test]
fn an_error_deep_in_a_large_plan_names_its_line() {
    // Positions come from the offset of the one goal named, not from a line count for every goal.
    let mut text = chain(20_000);
    let line = text.lines().count() + 2;
    text.push_str("[[goal]]\nid = \"G7\"\ntitle = \"again\"\n");
    let e = plan_error(&text, &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(line), Some(6));
    assert_message(&e, "goal `G7` is defined twice");
}

// ---------------------------------------------------------------- rule test files

fn test_file(text: &str) -> PlanFiles {
    PlanFiles::from([("tests/a.test.toml".to_string(), text.to_string())])
}

/// Running the test file `text` fails with a test error at the first `needle`, its message
/// containing `msg`.
#[track_caller]
fn test_error(text: &str, needle: &str, msg: &str) {
    let e = attain_core::run_rule_tests_in(&test_file(text)).unwrap_err();
    let (line, column) = place(text, needle);
    assert_at(&e, ErrorKind::Test, Some("tests/a.test.toml"), Some(line), Some(column));
    assert_message(&e, msg);
}

const CASE: &str = "[[case]]\nname = \"c\"\nrule = \"target\"\n";

#[test]
fn non_finite_numbers_in_a_rule_case_are_refused_where_they_stand() {
    let cases: &[(&str, &str, &str)] = &[
        ("value = nan\nexpect = \"attained\"\n", "nan", "`nan` is not a finite number"),
        ("value = 1\ntarget = inf\nexpect = \"attained\"\n", "inf", "`inf` is not a finite number"),
        ("value = 1\ntargets = { 2023 = -inf }\nexpect = \"attained\"\n", "-inf", "`-inf` is not a finite number"),
        ("value = 1\nprevious = nan\nexpect = \"attained\"\n", "nan", "`nan` is not a finite number"),
        ("value = 1\nhistory = [{ period = \"2022\", value = nan }]\nexpect = \"attained\"\n", "nan", "`nan`"),
        ("value = 1\nnational = 1e999\nexpect = \"attained\"\n", "1e999", "overflowed"),
        ("value = 1\npeers = { mean = nan }\nexpect = \"attained\"\n", "nan", "`nan`"),
        ("value = 1\npeers = { values = [1, inf] }\nexpect = \"attained\"\n", "inf", "`inf`"),
        ("value = 1\npercentile = nan\nexpect = \"attained\"\n", "nan", "`nan`"),
        ("value = 1\nwomen = inf\nexpect = \"attained\"\n", "inf", "`inf`"),
        ("value = 1\nmen = -inf\nexpect = \"attained\"\n", "-inf", "`-inf`"),
        ("value = 1\nparams = { tolerance = nan }\nexpect = \"attained\"\n", "nan", "`nan`"),
    ];
    for (rest, needle, msg) in cases {
        test_error(&format!("{CASE}{rest}"), needle, msg);
    }
}

#[test]
fn unknown_keys_in_a_rule_case_s_inline_tables_are_refused() {
    test_error(
        &format!("{CASE}value = 1\nhistory = [{{ period = \"2022\", valeu = 3 }}]\nexpect = \"no_data\"\n"),
        "valeu",
        "unknown field `valeu`",
    );
    test_error(&format!("{CASE}value = 1\npeers = {{ mean = 1, avg = 2 }}\nexpect = \"no_data\"\n"), "avg", "unknown field `avg`");
}

#[test]
fn an_expected_status_must_be_on_the_scale() {
    test_error(
        &format!("{CASE}value = 1\ntarget = 1\nexpect = \"atained\"\n"),
        "\"atained",
        "unknown status `atained` (the scale's statuses are attained, partly, not_attained, no_data, error)",
    );
    // An aggregation case: its expect, and each part's status.
    let agg = "[[aggregate_case]]\nname = \"a\"\nrule = \"share\"\n";
    test_error(
        &format!("{agg}indicators = [{{ status = \"attained\" }}]\nexpect = \"partially\"\n"),
        "\"partially",
        "unknown status `partially`",
    );
    test_error(
        &format!("{agg}indicators = [{{ status = \"attaind\" }}]\nexpect = \"attained\"\n"),
        "\"attaind",
        "unknown status `attaind`",
    );
    // A plan case's expected statuses.
    let plan_case = "[[plan_case]]\nname = \"p\"\nexpect_goals = { G = \"done\" }\n";
    test_error(plan_case, "\"done", "unknown status `done`");
}

#[test]
fn expect_error_matches_a_rule_that_fails_and_nothing_else() {
    let files = PlanFiles::from([
        ("plan.toml".to_string(), with_head(IND_A)),
        ("rules/boom.rhai".to_string(), "throw \"boom\"".to_string()),
        (
            "tests/a.test.toml".to_string(),
            "[[case]]\nname = \"fails\"\nrule = \"rules/boom.rhai\"\nvalue = 1\nexpect = \"error\"\n\
             [[case]]\nname = \"judges\"\nrule = \"target\"\nvalue = 1\ntarget = 1\nexpect = \"error\"\n"
                .to_string(),
        ),
    ]);
    let report = attain_core::run_rule_tests_in(&files).unwrap();
    let outcome: Vec<(&str, bool)> = report.cases.iter().map(|c| (c.name.as_str(), c.passed)).collect();
    assert_eq!(outcome, [("fails", true), ("judges", false)]);
    assert_eq!(report.cases[1].got.as_deref(), Some("attained"));
}

#[test]
fn an_aggregation_part_s_weight_is_finite_above_zero_and_at_most_a_million() {
    let agg = "[[aggregate_case]]\nname = \"a\"\nrule = \"share\"\n";
    for (w, shown) in [("0", "0"), ("-2", "-2"), ("1e308", "1e308")] {
        test_error(
            &format!("{agg}indicators = [{{ status = \"attained\", weight = {w} }}]\nexpect = \"attained\"\n"),
            &format!("{w} }}"),
            &format!("weight `{shown}` is not above 0 and at most 1000000"),
        );
    }
    test_error(&format!("{agg}indicators = [{{ status = \"attained\", weight = nan }}]\nexpect = \"attained\"\n"), "nan", "`nan`");
    test_error(&format!("{agg}indicators = [{{ status = \"attained\", value = inf }}]\nexpect = \"attained\"\n"), "inf", "`inf`");
    test_error(&format!("{agg}params = {{ attained_share = nan }}\nexpect = \"attained\"\n"), "nan", "`nan`");
}

#[test]
fn a_plan_case_s_observations_and_assignments_are_strict_and_finite() {
    let plan_case = "[[plan_case]]\nname = \"p\"\nexpect_indicators = { A = \"attained\" }\n";
    let row = "indicator = \"A\", entity = \"1\", period = \"2022\", gender = \"T\"";
    test_error(&format!("{plan_case}observations = [{{ {row}, value = nan }}]\n"), "nan", "`nan` is not a finite number");
    // `valeu` was dropped in silence and the row read as a gap.
    test_error(&format!("{plan_case}observations = [{{ {row}, valeu = 5 }}]\n"), "valeu", "unknown field `valeu`");
    test_error(
        &format!("{plan_case}assignments = [{{ assignment = \"U\", period = \"2022\", status = \"done\", coment = \"x\" }}]\n"),
        "coment",
        "unknown field `coment`",
    );
    // A strict row still runs.
    let files = PlanFiles::from([
        ("plan.toml".to_string(), with_head(&format!("{IND_A}targets = {{ 2022 = 1 }}\n"))),
        (
            "tests/a.test.toml".to_string(),
            format!("{plan_case}entity = \"1\"\nperiod = \"2022\"\nobservations = [{{ {row}, value = 5 }}]\n"),
        ),
    ]);
    let report = attain_core::run_rule_tests_in(&files).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0), "{:?}", report.cases);
}

#[test]
fn case_lines_are_right_in_a_large_test_file() {
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!("[[case]]\nname = \"c{i}\"\nrule = \"target\"\nvalue = 1\ntarget = 1\nexpect = \"attained\"\n"));
    }
    let report = attain_core::run_rule_tests_in(&test_file(&text)).unwrap();
    assert_eq!(report.passed, 2000);
    assert_eq!(report.cases[1999].line, 1999 * 6 + 1);
    assert_eq!(report.cases[0].line, 1);
}

#[cfg(unix)]
#[test]
fn the_test_walk_does_not_follow_linked_folders() {
    // `loop -> .` was walked again and again (the same tests collected at every level, until the
    // path was too long): a linked folder is an error naming it, as in the plan folder's walk; a
    // linked file that is a regular file is still read.
    let dir = std::env::temp_dir().join(format!("attain-hostile-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/a.test.toml"), format!("{CASE}value = 1\ntarget = 1\nexpect = \"attained\"\n")).unwrap();
    std::os::unix::fs::symlink(dir.join("tests/a.test.toml"), dir.join("tests/b.test.toml")).unwrap();
    let files_ok = attain_core::run_rule_tests(&dir);
    std::os::unix::fs::symlink(".", dir.join("tests/loop")).unwrap();
    let looped = attain_core::run_rule_tests(&dir);
    std::fs::remove_file(dir.join("tests/loop")).unwrap();
    std::os::unix::fs::symlink("/", dir.join("tests/root")).unwrap();
    let rooted = attain_core::run_rule_tests(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let report = files_ok.unwrap();
    let files: Vec<&str> = report.cases.iter().map(|c| c.file.rsplit('/').next().unwrap_or("")).collect();
    assert_eq!(files, ["a.test.toml", "b.test.toml"]);
    assert_eq!((report.passed, report.failed), (2, 0));
    for (e, name) in [(looped.unwrap_err(), "tests/loop"), (rooted.unwrap_err(), "tests/root")] {
        assert_eq!(e.kind(), attain_core::ErrorKind::Io, "{e}");
        assert!(e.file().is_some_and(|f| f.ends_with(name)), "{e}");
        assert!(e.message().contains("a link to a folder"), "{e}");
    }
}

#[test]
fn the_plan_loader_s_fuzz_seeds_load_or_fail_with_their_place() {
    // The seeds of fuzz/fuzz_targets/plan_loader.rs, run as that target runs them: the two valid
    // plans load, evaluate and render; every other seed is a plan error at a line and column.
    let dir = repo_root().join("fuzz/seeds/plan_loader");
    let mut seeds: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    seeds.sort();
    assert!(seeds.len() >= 15, "{} seeds", seeds.len());
    let data = csv("indicator,entity,period,gender,value\nA,1,2022,T,5\nA,0000,2022,T,4\nB,1,2021,T,3\nB,1,2022,T,2\n");
    for seed in seeds {
        let name = seed.file_name().unwrap().to_string_lossy().to_string();
        let files = PlanFiles::from([
            ("plan.toml".to_string(), std::fs::read_to_string(&seed).unwrap()),
            ("rules/r.rhai".to_string(), "if value == () { no_data() } else { attained() }".to_string()),
        ]);
        match Plan::from_files(files) {
            Ok(plan) => {
                assert!(["valid.toml", "chain_400.toml"].contains(&name.as_str()), "{name} loaded");
                let report = evaluate(&plan, &data, "1", "2022");
                assert!(report.goals.iter().all(|g| g.status == "attained"), "{name}: {:?}", report.goals.first());
                let _ = (render(&report, Format::Html), render(&report, Format::Markdown));
            }
            Err(e) => {
                assert!(!["valid.toml", "chain_400.toml"].contains(&name.as_str()), "{name}: {e}");
                assert_eq!((e.kind(), e.file()), (ErrorKind::Plan, Some("plan.toml")), "{name}: {e}");
                assert!(e.line().is_some() && e.column().is_some(), "{name}: {e}");
            }
        }
    }
}

#[test]
fn deeply_nested_params_are_an_error_not_a_stack_overflow() {
    for (open, close) in [("[", "]"), ("{ a = ", " }")] {
        let depth = 50_000;
        let text = with_head(&format!("{IND_A}rule = \"r.rhai\"\nparams = {{ bands = {}1{} }}\n", open.repeat(depth), close.repeat(depth)));
        let e = plan_error(&text, &[("r.rhai", "let b = params.bands; no_data()")]);
        assert_eq!((e.kind(), e.file(), e.line()), (ErrorKind::Plan, Some("plan.toml"), Some(8)), "{e}");
        assert_message(&e, "recursion");
    }
}
