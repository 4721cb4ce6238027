//! The reproducers of a hostile review (issue 10), each as written: a hostile rule sits between
//! plain indicators, ends as that indicator's `error` naming the limit, and the rest keeps its
//! statuses. Every limit is in core/src/sandbox/limits.rs; docs/robustness.md lists them.

use crate::common::{csv, evaluate, plan, plan_files};
use crate::sandbox::{assert_bad, run};
use attain_core::{ErrorKind, Gender, Observations, Plan, Query, Stop};

#[test]
fn closures_run_by_array_methods_spend_from_the_one_budget() {
    let heavy = "{ let j = 0; while j < 30000 { j += 1; } x }";
    // Each closure answers so that its method goes on to the next element.
    for (method, answer) in [
        ("map", "x"),
        ("for_each", "x"),
        ("filter", "false"),
        ("retain", "true"),
        ("all", "true"),
        ("some", "false"),
        ("find", "false"),
        ("index_of", "false"),
    ] {
        let script = format!(
            "let a = [];\na.pad(1000, 0);\nlet b = a.{method}(|x| {{ let j = 0; while j < 30000 {{ j += 1; }} {answer} }});\nattained()"
        );
        let r = run(&script);
        assert_eq!(r.indicator("BAD", Gender::T).unwrap().status, "error", "`{method}`: {}", r.indicator("BAD", Gender::T).unwrap().reason);
        assert_bad(&r, "ran more than the limit of 200000 operations", None);
    }
    let script = "let a = [];\na.pad(1000, 0);\nlet b = a.reduce(|s, x| { let j = 0; while j < 30000 { j += 1; } s }, 0);\nattained()";
    assert_bad(&run(script), "operations", None);
    // Nested inside another `map` it never ended before.
    let script = format!("let a = [];\na.pad(1000, 0);\nlet c = a;\nlet b = a.map(|y| c.map(|x| {heavy}));\nattained()");
    assert_bad(&run(&script), "operations", None);
    // A comparer that loops.
    let script = "let a = [];\nfor i in 0..500 { a.push(i); }\na.sort(|x, y| { let j = 0; while j < 1000 { j += 1; } x - y });\nattained()";
    assert_bad(&run(script), "operations", None);
}

#[test]
fn an_aggregation_cannot_escape_the_budget_through_closures() {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"I\"]\naggregate = \"agg.rhai\"\n\
                [[goal]]\nid = \"2\"\ntitle = \"H\"\nindicators = [\"I\"]\n\
                [[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"reference\"\nparams = { against = 0 }\n";
    let agg =
        "let a = [];\na.pad(1000, 0);\nlet c = a;\nlet b = a.map(|y| c.map(|x| { let j = 0; while j < 30000 { j += 1; } x }));\nattained()";
    let p = plan(toml, &[("agg.rhai", agg)]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nI,1,2022,1\n"), "1", "2022");
    let g = r.goal("1").unwrap();
    assert_eq!(g.status, "error", "{}", g.reason);
    assert!(g.reason.contains("operations"), "{}", g.reason);
    assert_eq!(r.goal("2").unwrap().status, "attained");
}

#[test]
fn index_assignment_cannot_get_past_the_memory_limit() {
    let copies = [
        "let a = [];\na.pad(9999, 1.5);\nlet m = #{};\nfor i in 0..9000 { m[`k${i}`] = a; }\nattained()",
        "let a = [];\na.pad(9999, 1.5);\nlet m = #{};\nfor i in 0..30000 { m[`k${i}`] = a; }\nattained()",
        "let a = [];\na.pad(9999, 1.5);\nlet b = [];\nb.pad(9000, 0);\nfor i in 0..9000 { b[i] = a; }\nattained()",
        "let a = [];\na.pad(9999, 1.5);\nlet m = #{ x: #{} };\nfor i in 0..9000 { m.x[`k${i}`] = a; }\nattained()",
    ];
    for script in copies {
        assert_bad(&run(script), "held more than the limit of 16 MiB of memory", None);
    }
}

#[test]
fn a_comparer_that_is_not_a_total_order_gives_some_order_and_no_panic() {
    let script = "let a = [];\nfor i in 0..200 { a.push(i); }\na.sort(|x, y| ((x ^ y) % 3) - 1);\nif a.len() == 200 { attained() } else { partly() }";
    let r = run(script);
    assert_eq!(r.indicator("BAD", Gender::T).unwrap().status, "attained", "{}", r.indicator("BAD", Gender::T).unwrap().reason);
    // A consistent comparer still sorts, stably.
    let script = "let a = [5, 3, 9, 1, 3];\na.sort(|x, y| x - y);\nif a == [1, 3, 3, 5, 9] { attained() } else { not_attained(`${a}`) }";
    assert_eq!(run(script).indicator("BAD", Gender::T).unwrap().status, "attained");
    let script = "let a = [5, 3, 9];\na.sort(|x, y| x <= y);\nif a == [3, 5, 9] { attained() } else { not_attained(`${a}`) }";
    assert_eq!(run(script).indicator("BAD", Gender::T).unwrap().status, "attained");
    // A comparer returning junk is an error naming it, and the array is left as it was.
    let script = "let a = [2, 1];\na.sort(|x, y| \"no\");\nattained()";
    assert_bad(&run(script), "the comparer must return an integer or a bool, got `string`", Some(2));
}

#[test]
fn a_score_cannot_be_smuggled_in_as_a_status_id() {
    assert_bad(&run("status(\"score:5\")"), "returned status `score:5`, which is not on the scale", None);
    assert_bad(&run("status(\"score:NaN\")"), "not on the scale", None);
}

/// A plan with `n_scripts` indicators on the same hostile-input script between two plain ones.
fn plan_with_rule(script: &str) -> Result<Plan, attain_core::Error> {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\n";
    Plan::from_files(plan_files(toml, &[("r.rhai", script)]))
}

#[test]
fn scripts_larger_than_the_limit_are_refused_at_load() {
    let lets: String = (0..80_000).map(|i| format!("let v{i} = {i};\n")).collect::<String>() + "attained()";
    let fns: String = (0..40_000).map(|i| format!("fn f{i}() {{ {i} }}\n")).collect::<String>() + "attained()";
    let arms: String =
        format!("switch value {{ {} _ => attained() }}", (0..80_000).map(|i| format!("{i} => partly(),")).collect::<String>());
    for script in [lets, fns, arms] {
        let e = plan_with_rule(&script).unwrap_err();
        assert_eq!((e.kind(), e.file()), (ErrorKind::Rule, Some("r.rhai")), "{e}");
        assert!(e.message().contains("more than the limit of 65536 for one script"), "{e}");
    }
}

#[test]
fn a_script_within_the_size_limit_is_still_bounded_in_functions() {
    let fns = |n: usize| (0..n).map(|i| format!("fn f{i}() {{ {i} }}\n")).collect::<String>() + "attained()";
    assert!(plan_with_rule(&fns(256)).is_ok(), "256 functions are within the limit");
    let e = plan_with_rule(&fns(257)).unwrap_err();
    assert_eq!((e.code(), e.file()), (attain_core::Code::RuleLimitFunctions, Some("r.rhai")), "{e}");
    assert_eq!(e.message(), "script does not compile: it defines more than the limit of 256 functions");
}

#[test]
fn a_rule_is_bounded_in_the_variables_it_holds_at_once() {
    // 17 names are the rule's scope; 983 of its own fit beside them, 984 do not.
    let lets = |n: usize| (0..n).map(|i| format!("let v{i} = {i};\n")).collect::<String>() + "attained()";
    assert_eq!(run(&lets(983)).indicator("BAD", Gender::T).unwrap().status, "attained");
    let r = run(&lets(984));
    assert_bad(&r, "stopped: more than the limit of 1000 variables in scope", None);
    assert_eq!(r.indicator("BAD", Gender::T).unwrap().error.as_ref().map(|e| e.code()), Some(attain_core::Code::RuleLimitVariables));
}

#[test]
fn a_module_is_evaluated_once_per_plan_not_once_per_import() {
    // The module's own top level spends 60% of one evaluation's operations: imported twice by
    // one rule, and by two indicators, it only fits when it runs once.
    let module = "let n = 0;\nwhile n < 24000 { n += 1; }\nfn ok() { attained() }";
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"r.rhai\"\n\
                [[indicator]]\nid = \"B\"\ntitle = \"B\"\nrule = \"r.rhai\"\n";
    let rule = "import \"lib\" as a;\nimport \"lib\" as b;\nb::ok()";
    let p = plan(toml, &[("r.rhai", rule), ("lib.rhai", module)]);
    let data = csv("indicator,entity,period,value\nA,1,2022,1\nB,1,2022,1\n");
    for _ in 0..3 {
        let r = evaluate(&p, &data, "1", "2022");
        for ind in &r.indicators {
            assert_eq!(ind.status, "attained", "{}: {}", ind.id, ind.reason);
        }
    }
    // A module larger than the script limit is refused where it is imported.
    let big = "// x\n".repeat(20_000);
    let p = plan(toml, &[("r.rhai", rule), ("lib.rhai", &big)]);
    let r = evaluate(&p, &data, "1", "2022");
    assert_eq!(r.indicators[0].status, "error");
    assert!(r.indicators[0].reason.contains("more than the limit of 65536"), "{}", r.indicators[0].reason);
}

#[test]
fn a_module_is_paid_for_at_load_not_by_the_first_rule_that_imports_it() {
    // The module's top level spends 60% of one evaluation's operations and the rule 50%: when the
    // module ran inside the first evaluation that imported it, that indicator alone hit the limit.
    let module = "let n = 0;\nwhile n < 24000 { n += 1; }\nfn ok() { attained() }";
    let rule = "import \"lib\" as l;\nlet k = 0;\nwhile k < 20000 { k += 1; }\nl::ok()";
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"r.rhai\"\n\
                [[indicator]]\nid = \"B\"\ntitle = \"B\"\nrule = \"r.rhai\"\n";
    let p = plan(toml, &[("r.rhai", rule), ("lib.rhai", module)]);
    let r = evaluate(&p, &csv("indicator,entity,period,value\nA,1,2022,1\nB,1,2022,1\n"), "1", "2022");
    let statuses: Vec<(&str, &str)> = r.indicators.iter().map(|i| (i.id.as_str(), i.status.as_str())).collect();
    assert_eq!(statuses, vec![("A", "attained"), ("B", "attained")], "{:?}", r.indicators.iter().map(|i| &i.reason).collect::<Vec<_>>());
}

#[test]
fn a_rule_test_case_with_a_param_its_rule_does_not_read_fails_alone() {
    let dir = std::env::temp_dir().join(format!("attain-case-param-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t.test.toml");
    std::fs::write(
        &file,
        "[[case]]\nname = \"typo\"\nrule = \"target\"\nparams = { tolerence = 0.1 }\nvalue = 5\ntarget = 4\nexpect = \"attained\"\n\n\
         [[case]]\nname = \"fine\"\nrule = \"target\"\nvalue = 5\ntarget = 4\nexpect = \"attained\"\n",
    )
    .unwrap();
    let report = attain_core::run_rule_tests(&file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!((report.passed, report.failed), (1, 1));
    assert_eq!(
        report.cases[0].got.as_deref(),
        Some("error: rule `target` takes no param `tolerence` (it takes average_over, improving, partly_at, tolerance)")
    );
    assert!(report.cases[1].passed);
}

/// A rule that changes every input map it can reach, then judges by what it found.
const MUTATING: &str = "let found = params.a + targets.len() + indicator.len();\n\
    try { params.a = 99; } catch (e) {}\n\
    try { params.mixin(#{ b: 1 }); } catch (e) {}\n\
    try { targets.clear(); } catch (e) {}\n\
    try { indicator.clear(); } catch (e) {}\n\
    if found == 5 { attained(`${found}`) } else { not_attained(`${found}`) }";

fn mutating_plan() -> (Plan, Observations) {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n\
                [[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\nparams = { a = 1 }\ntargets = { 2022 = 1 }\n";
    (plan(toml, &[("r.rhai", MUTATING)]), csv("indicator,entity,period,value\nI,1,2022,1\n"))
}

#[test]
fn a_rule_sees_its_inputs_read_only_across_evaluations() {
    let (p, data) = mutating_plan();
    let first = evaluate(&p, &data, "1", "2022");
    let ind = &first.indicators[0];
    // Writes to an input (`params.a = 99`, `targets.clear()`) reached the plan's shared maps
    // before; now they change a copy, and every evaluation sees what the first saw.
    assert_eq!((ind.status.as_str(), ind.reason.as_str()), ("attained", "5.0"), "{}", ind.reason);
    for _ in 0..4 {
        assert_eq!(evaluate(&p, &data, "1", "2022"), first);
    }
}

#[test]
fn sixteen_threads_see_the_same_results() {
    let (p, data) = mutating_plan();
    let expected = evaluate(&p, &data, "1", "2022");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..16).map(|_| s.spawn(|| (0..20).map(|_| evaluate(&p, &data, "1", "2022")).collect::<Vec<_>>())).collect();
        for h in handles {
            for r in h.join().unwrap() {
                assert_eq!(r, expected);
            }
        }
    });
}

#[test]
fn a_stop_ends_a_call_with_an_interrupted_error() {
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\n";
    let p = plan(toml, &[("r.rhai", "attained()")]);
    let data = csv("indicator,entity,period,value\nI,1,2022,1\n");
    let q = Query::new("1", "2022");
    // Not fired: the call's own result.
    let r = Stop::new().run(|| p.evaluate(&data, &q)).unwrap();
    assert_eq!(r.indicators[0].status, "attained");
    // Cancelled before or during: an interrupted error, never a partial report.
    let stop = Stop::new();
    stop.cancel();
    let e = stop.run(|| p.evaluate(&data, &q)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert_eq!(e.message(), "stopped: cancelled");
    let e = Stop::with_timeout(std::time::Duration::ZERO).run(|| p.evaluate(&data, &q)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert!(e.message().contains("timeout"), "{e}");
}

#[test]
fn a_stop_from_another_thread_ends_a_long_batch() {
    // Every indicator runs close to the operation limit; 200 entities take seconds unstopped.
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\n";
    let p = plan(toml, &[("r.rhai", "let n = 0;\nwhile n < 30000 { n += 1; }\nattained()")]);
    let entities: Vec<String> = (0..200).map(|i| format!("{i:04}")).collect();
    let text: String =
        std::iter::once("indicator,entity,period,value\n".to_string()).chain(entities.iter().map(|e| format!("I,{e},2022,1\n"))).collect();
    let data = csv(&text);
    let stop = Stop::new();
    let canceller = stop.clone();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            canceller.cancel();
        });
        let e = stop.run(|| p.evaluate_many(&data, &entities, &["2022".to_string()])).unwrap_err();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(e.kind(), ErrorKind::Interrupted, "{e}");
    });
    assert!(done.into_inner());
}

#[test]
fn nested_calls_inside_recursion_fit_a_one_mebibyte_stack() {
    // Each call level holds an expression nested as deep as a function may, and calls nest as deep
    // as the limit allows: the most stack a script can ask for.
    let inner = format!("{}x{}", "(1 + ".repeat(10), ")".repeat(10));
    let script = format!("fn g(x) {{ {inner} }}\nfn f(n) {{ if n <= 0 {{ 0 }} else {{ g(g(g(f(n - 1)))) }} }}\nlet r = f(40);\nattained()");
    let toml = "[plan]\nid = \"s\"\ntitle = \"S\"\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"r.rhai\"\n";
    let p = plan(toml, &[("r.rhai", &script)]);
    let data = csv("indicator,entity,period,value\nI,1,2022,1\n");
    let r = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || evaluate(&p, &data, "1", "2022"))
        .unwrap()
        .join()
        .expect("the evaluation fits a 1 MiB stack");
    assert_eq!(r.indicators[0].status, "error", "{}", r.indicators[0].reason);
    assert!(r.indicators[0].reason.contains("calls nested deeper"), "{}", r.indicators[0].reason);
}
