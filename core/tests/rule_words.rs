//! A failed rule speaks the plan's language: each kind of failure in Swedish and English, in the
//! indicator's reason, the goal's and the report's warning; the error's message stays English.
//! A wrong result names the statement that gave it, or says why it cannot.

use crate::common::{csv, evaluate, plan};
use attain_core::{Gender, Report};

/// A plan in `language` with indicator `BAD` running `script` in goal 1.
fn run(language: &str, script: &str) -> Report {
    let toml = format!(
        "[plan]\nid = \"s\"\ntitle = \"S\"\nlanguage = \"{language}\"\n\
         [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"BAD\", \"OK\"]\n\
         [[indicator]]\nid = \"BAD\"\ntitle = \"Bad\"\nrule = \"rules/bad.rhai\"\n\
         [[indicator]]\nid = \"OK\"\ntitle = \"Ok\"\nrule = \"reference\"\nparams = {{ against = 5 }}\n"
    );
    let p = plan(&toml, &[("rules/bad.rhai", script)]);
    evaluate(&p, &csv("indicator,entity,period,value\nBAD,1,2022,1\nOK,1,2022,10\n"), "1", "2022")
}

/// Each kind of runtime failure: the script, then the reason's words in Swedish and in English.
const KINDS: &[(&str, &str, &str)] = &[
    ("attaind()", "regelfel i rules/bad.rhai rad 1, kolumn 1: funktionen finns inte: attaind ()", "Function not found: attaind ()"),
    (
        "let c = \"ja\";\nif c { attained() } else { partly() }",
        "fel datatyp: string (väntade bool)",
        "Data type incorrect: string (expecting bool)",
    ),
    ("let z = 0;\n10 / z", "rad 2, kolumn 4: division med noll: 10 / 0", "Division by zero: 10 / 0"),
    (
        "let a = [1, 2];\na[5]",
        "index 5 ligger utanför listan: den har bara 2 element",
        "Array index 5 out of bounds: only 2 elements in array",
    ),
    (
        "let s = \"ab\";\ns[9]",
        "index 9 ligger utanför texten: den har bara 2 tecken",
        "String index 9 out of bounds: only 2 characters in string",
    ),
    (
        "let x = 0;\nloop { x += 1; }",
        "stoppades: den körde fler än gränsen på 200000 operationer",
        "stopped: it ran more than the limit of 200000 operations",
    ),
    (
        "fn down(n) { down(n + 1) }\ndown(0)",
        "anropen nästlades djupare än gränsen på 16 nivåer",
        "calls nested deeper than the limit of 16 levels",
    ),
    ("let s = \"x\";\nloop { s += s; }", "stoppades: en text växte över sin gräns", "stopped: length of string grew beyond its limit"),
    ("throw \"Värdet saknas i källan\"", "rad 1, kolumn 1: Värdet saknas i källan", "line 1, column 1: Värdet saknas i källan"),
    ("throw;", "den kastade ett fel utan text", "it threw without a message"),
    (
        "fn f() { attaind() }\nf()",
        "funktionen finns inte: attaind () (i funktionen `f`)",
        "Function not found: attaind () (in function `f`)",
    ),
    ("import \"nowhere\" as n;\nattained()", "modulen finns inte: nowhere", "Module not found: nowhere"),
    ("let m = #{ a: 1 };\nm.a.b.c", "rules/bad.rhai rad 2", "rules/bad.rhai line 2"),
];

#[test]
fn each_kind_of_failure_is_said_in_the_plans_language() {
    for (script, sv, en) in KINDS {
        for (lang, want) in [("sv", sv), ("en", en)] {
            let report = run(lang, script);
            let bad = report.indicator("BAD", Gender::T).unwrap();
            assert_eq!(bad.status, "error", "{script}: {}", bad.reason);
            assert!(bad.reason.contains(want), "{lang} {script:?}: `{}` does not contain `{want}`", bad.reason);
            let warning = report.warnings.iter().find(|w| w.indicator.as_deref() == Some("BAD")).expect("a rule.error warning");
            assert!(warning.message.contains(want), "{lang} {script:?}: {}", warning.message);
            // The error's message is the API's: English in either language.
            let e = bad.error.as_ref().unwrap();
            assert!(e.message().starts_with("rule `rules/bad.rhai` "), "{}", e.message());
            if lang == "sv" {
                assert!(!bad.reason.contains("not found") && !bad.reason.contains("incorrect"), "English left in: {}", bad.reason);
            }
        }
    }
}

#[test]
fn the_message_is_english_and_the_reason_swedish() {
    let bad = run("sv", "attaind()").indicator("BAD", Gender::T).cloned().unwrap();
    assert_eq!(bad.error.unwrap().message(), "rule `rules/bad.rhai` failed: Function not found: attaind ()");
    assert_eq!(bad.reason, "regelfel i rules/bad.rhai rad 1, kolumn 1: funktionen finns inte: attaind ()");
}

/// Where a wrong result is placed: the script, the line and column, and (for no line) a word of why.
/// A line and column.
type At = Option<(usize, usize)>;

const RESULTS: &[(&str, At, &str)] = &[
    ("1.5", Some((1, 1)), "gav talet 1,5, men en poäng måste ligga mellan 0 och 1"),
    ("let a = 1;\n\"attained\"", Some((2, 1)), "gav string (`attained`)"),
    ("let a = 1;\nif a > 0 { 2.5 } else { attained() }", Some((2, 1)), "gav talet 2,5"),
    ("let a = 1;\nlet b = 2;", Some((2, 1)), "gav ()"),
    ("let a = 1;\n  return 1.5;", Some((2, 3)), "gav talet 1,5"),
    // The one `return` is the only statement that can give a number: the last gives `()`.
    ("if value > 0 {\n  return 1.5;\n}\nlet b = 2;", Some((2, 3)), "gav talet 1,5"),
    ("if value > 0 { return 1.5; }\nattained()", None, "värdet kom från en av 2 satser som kan avsluta skriptet"),
    ("if value > 0 { return \"x\"; }\nif value > 5 { return 3; }\nattained()", None, "en av 3 satser"),
    ("status(\"great\")", Some((1, 1)), "gav statusen `great`, som inte finns på skalan"),
];

#[test]
fn a_wrong_result_names_the_statement_that_gave_it() {
    for (script, at, want) in RESULTS {
        let report = run("sv", script);
        let bad = report.indicator("BAD", Gender::T).unwrap();
        let e = bad.error.as_ref().unwrap_or_else(|| panic!("{script}: {}", bad.reason));
        assert_eq!(e.file(), Some("rules/bad.rhai"));
        assert_eq!(e.line().zip(e.column()), *at, "{script:?}: {e}");
        assert!(bad.reason.contains(want), "{script:?}: `{}` does not contain `{want}`", bad.reason);
    }
    let en = run("en", "if value > 0 { return 1.5; }\nattained()");
    let reason = &en.indicator("BAD", Gender::T).unwrap().reason;
    assert!(reason.contains("one of 2 statements that can end the script"), "{reason}");
}
