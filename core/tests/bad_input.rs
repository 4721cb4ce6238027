//! Every bad input of DESIGN §10 gives a typed error (never a panic) that says where:
//! file, line and column for text, the row for data.

use crate::common::{assert_at, assert_message, plan, plan_error};
use attain_core::{ErrorKind, Gender, Observation, Observations, Plan, PlanFiles, Query, Report};

const HEAD: &str = "[plan]\nid = \"x\"\ntitle = \"X\"\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

// ---------------------------------------------------------------- plan.toml

#[test]
fn malformed_toml_names_line_and_column() {
    let e = plan_error("[plan\nid = \"x\"\n", &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(1), Some(6));
    let e = plan_error(&with_head("[[indicator]]\nid = \"I\ntitle = \"I\"\n"), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(5), Some(8));
    assert_message(&e, "string");
}

#[test]
fn a_missing_or_empty_plan_toml_is_refused() {
    let e = Plan::from_files(PlanFiles::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Plan);
    assert_eq!(e.file(), Some("plan.toml"));
    assert_message(&e, "no `plan.toml`");
    for empty in ["", "  \n\n\t"] {
        let e = plan_error(empty, &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(1), Some(1));
        assert_message(&e, "empty");
    }
}

#[test]
fn a_missing_required_field_is_named() {
    let e = plan_error("[plan]\nid = \"x\"\n", &[]);
    assert_eq!(e.kind(), ErrorKind::Plan);
    assert_message(&e, "missing field `title`");
    let e = plan_error(&with_head("[[indicator]]\nid = \"I\"\n"), &[]);
    assert_message(&e, "missing field `title`");
    assert_eq!(e.line(), Some(4), "{e}");
}

#[test]
fn unknown_keys_are_refused_where_they_stand() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("colour = \"red\"\n", 4, 1, "colour"),
        ("[comparison]\nnationl = \"0000\"\n", 5, 1, "nationl"),
        ("[[goal]]\nid = \"1\"\ntitle = \"G\"\nweight = 2\n", 7, 1, "weight"),
        ("[[indicator]]\nid = \"I\"\ntitle = \"I\"\npolarity = \"lower\"\n", 7, 1, "polarity"),
        ("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nsource = { kolda = \"N1\" }\n", 7, 12, "kolda"),
        ("[scale]\nlevels = [{ id = \"a\", label = \"A\", colour = \"red\" }]\n", 5, 36, "colour"),
        ("[[assignment]]\nid = \"A\"\ngoal = \"1\"\ntext = \"t\"\nboard = [\"KS\"]\n", 8, 1, "board"),
        ("[whatever]\n", 4, 2, "whatever"),
    ];
    for (rest, line, column, key) in cases {
        let e = plan_error(&with_head(rest), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(*line), Some(*column));
        assert_message(&e, &format!("unknown field `{key}`"));
    }
}

#[test]
fn unknown_ids_are_refused_at_the_reference() {
    let ind = "[[indicator]]\nid = \"I\"\ntitle = \"I\"\n";
    let cases: Vec<(String, usize, usize, &str)> = vec![
        (
            format!("[[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"I\", \"X\"]\n{ind}"),
            7,
            20,
            "links indicator `X`, which is not defined",
        ),
        (format!("[[goal]]\nid = \"1\"\ntitle = \"G\"\nkey_figures = [\"K\"]\n{ind}"), 7, 16, "key figure `K`, which is not defined"),
        ("[[goal]]\nid = \"1\"\ntitle = \"G\"\nparent = \"0\"\n".to_string(), 7, 10, "parent `0`, which is not a goal"),
        (
            "[[goal]]\nid = \"1\"\ntitle = \"G\"\n[[assignment]]\nid = \"A\"\ngoal = \"2\"\ntext = \"t\"\n".to_string(),
            9,
            8,
            "names goal `2`, which is not defined",
        ),
        ("[comparison]\npeers = \"G-none\"\n".to_string(), 5, 9, "peer group `G-none` is not defined"),
        (format!("[[goal]]\nid = \"1\"\ntitle = \"G\"\naggregate = \"sharee\"\n{ind}"), 7, 13, "`sharee` is not a std aggregation"),
    ];
    for (rest, line, column, msg) in &cases {
        let e = plan_error(&with_head(rest), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(*line), Some(*column));
        assert_message(&e, msg);
    }
}

#[test]
fn duplicates_are_refused_at_the_second_one() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("[[indicator]]\nid = \"I\"\ntitle = \"a\"\n[[indicator]]\nid = \"I\"\ntitle = \"b\"\n", 8, 6, "indicator `I` is defined twice"),
        ("[[goal]]\nid = \"1\"\ntitle = \"a\"\n[[goal]]\nid = \"1\"\ntitle = \"b\"\n", 8, 6, "goal `1` is defined twice"),
        (
            "[[goal]]\nid = \"1\"\ntitle = \"a\"\n[[assignment]]\nid = \"A\"\ngoal = \"1\"\ntext = \"t\"\n[[assignment]]\nid = \"A\"\ngoal = \"1\"\ntext = \"u\"\n",
            12,
            6,
            "assignment `A` is defined twice",
        ),
        (
            "[[goal]]\nid = \"1\"\ntitle = \"a\"\nindicators = [\"I\", { id = \"I\", weight = 2 }]\n[[indicator]]\nid = \"I\"\ntitle = \"I\"\n",
            7,
            20,
            "links indicator `I` twice",
        ),
        ("[scale]\nlevels = [{ id = \"a\", label = \"A\" }, { id = \"a\", label = \"B\" }]\n", 4, 1, "scale level `a` is defined twice"),
    ];
    for (rest, line, column, msg) in cases {
        let e = plan_error(&with_head(rest), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(*line), Some(*column));
        assert_message(&e, msg);
    }
    // A duplicate key inside one table is a TOML error.
    let e = plan_error("[plan]\nid = \"x\"\nid = \"y\"\ntitle = \"X\"\n", &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(3), Some(1));
    assert_message(&e, "duplicate key");
}

#[test]
fn parent_cycles_are_refused_with_the_goals_in_them() {
    let e = plan_error(&with_head("[[goal]]\nid = \"a\"\ntitle = \"A\"\nparent = \"a\"\n"), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(5), Some(6));
    assert_message(&e, "goal parents form a cycle: `a` → `a`");
    let three = "[[goal]]\nid = \"a\"\ntitle = \"A\"\nparent = \"c\"\n[[goal]]\nid = \"b\"\ntitle = \"B\"\nparent = \"a\"\n\
                 [[goal]]\nid = \"c\"\ntitle = \"C\"\nparent = \"b\"\n[[goal]]\nid = \"d\"\ntitle = \"D\"\n";
    let e = plan_error(&with_head(three), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(5), Some(6));
    assert_message(&e, "`a` → `c` → `b` → `a`");
    // A goal whose id text also appears earlier (as a parent value) is still placed at its `id`.
    let e = plan_error(
        &with_head("[[goal]]\nid = \"p\"\ntitle = \"P\"\nparent = \"q\"\n[[goal]]\nid = \"q\"\ntitle = \"Q\"\nparent = \"p\"\n"),
        &[],
    );
    assert_eq!((e.line(), e.column()), (Some(5), Some(6)), "{e}");
}

#[test]
fn nan_and_infinite_numbers_in_the_plan_are_refused() {
    let ind = "[[indicator]]\nid = \"I\"\ntitle = \"I\"\n";
    let cases: Vec<(String, usize, &str)> = vec![
        (format!("{ind}targets = {{ 2023 = nan }}\n"), 7, "not a finite number"),
        (format!("{ind}targets = {{ 2023 = inf }}\n"), 7, "not a finite number"),
        (format!("{ind}targets = {{ 2023 = -inf }}\n"), 7, "not a finite number"),
        (format!("[[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [{{ id = \"I\", weight = inf }}]\n{ind}"), 7, "weight of `I`"),
        (format!("[[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [{{ id = \"I\", weight = -1 }}]\n{ind}"), 7, "weight of `I`"),
        ("[scale]\nlevels = [{ id = \"a\", label = \"A\", score = nan }]\n".to_string(), 4, "scores are between 0 and 1"),
        ("[scale]\nlevels = [{ id = \"a\", label = \"A\", score = 2.0 }]\n".to_string(), 4, "scores are between 0 and 1"),
    ];
    for (rest, line, msg) in &cases {
        let e = plan_error(&with_head(rest), &[]);
        assert_eq!(e.kind(), ErrorKind::Plan, "{e}");
        assert_eq!((e.file(), e.line()), (Some("plan.toml"), Some(*line)), "{e}");
        assert_message(&e, msg);
    }
}

#[test]
fn huge_numbers_in_the_plan() {
    // 1e308 is a finite float and fine; 1e400 overflows to infinity and is refused.
    let ok = plan(&with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\ntargets = { 2023 = 1e308 }\n"), &[]);
    assert_eq!(ok.indicator("I").unwrap().target_for("2023"), Some(1e308));
    let e = plan_error(&with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\ntargets = { 2023 = 1e400 }\n"), &[]);
    assert_eq!(e.kind(), ErrorKind::Plan, "{e}");
    assert_eq!((e.file(), e.line()), (Some("plan.toml"), Some(7)), "{e}");
}

#[test]
fn bad_enumerations_are_refused_at_the_value() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("[[indicator]]\nid = \"I\"\ntitle = \"I\"\ndirection = \"up\"\n", 7, 13, "direction `up`"),
        ("[scale]\nlevels = []\n", 4, 1, "no levels"),
        ("[[indicator]]\nid = \"\"\ntitle = \"I\"\n", 5, 6, "indicator id is empty"),
        ("[[indicator]]\nid = \"I\"\ntitle = \"I\"\ntargets = { next = 1.0 }\n", 7, 11, "`next` does not start with a year"),
    ];
    for (rest, line, column, msg) in cases {
        let e = plan_error(&with_head(rest), &[]);
        assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(*line), Some(*column));
        assert_message(&e, msg);
    }
    let e = plan_error("[plan]\nid = \"x\"\ntitle = \"X\"\nlanguage = \"de\"\n", &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(4), Some(12));
    let e = plan_error("[plan]\nid = \"x\"\ntitle = \"X\"\nperiods = \"week\"\n", &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(4), Some(11));
}

#[test]
fn rule_references_are_checked_at_load() {
    let ind = |rule: &str, params: &str| with_head(&format!("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"{rule}\"\n{params}"));
    // A script that does not exist.
    let e = plan_error(&ind("rules/nope.rhai", ""), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(8));
    assert_message(&e, "script `rules/nope.rhai` does not exist");
    // A script path that leaves the plan folder (a file at `../outside.rhai` cannot be given:
    // `PlanFiles` refuses the path itself).
    let e = plan_error(&ind("../outside.rhai", ""), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(8));
    assert_message(&e, "leaves the plan folder");
    // A name that is neither std nor a script.
    let e = plan_error(&ind("quartiles", ""), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(8));
    assert_message(&e, "`quartiles` is not a std rule (target, reference, quartile, trend, trajectory, okr, sdg_progress)");
    // A param the rule does not read.
    let e = plan_error(&ind("target", "params = { tolerance = 0.1, against = \"peers\" }\n"), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(8), Some(10));
    assert_message(&e, "rule `target` takes no param `against` (it takes average_over, improving, partly_at, tolerance)");
    // A script that takes no params at all.
    let e = plan_error(&ind("r.rhai", "params = { x = 1 }\n"), &[("r.rhai", "attained()")]);
    assert_message(&e, "takes no param `x` (it takes none)");
    // An aggregation param.
    let e = plan_error(&with_head("[[goal]]\nid = \"1\"\ntitle = \"G\"\nparams = { share = 0.5 }\n"), &[]);
    assert_at(&e, ErrorKind::Plan, Some("plan.toml"), Some(7), Some(10));
    assert_message(&e, "rule `share` takes no param `share` (it takes attained_share, partly_share)");
}

#[test]
fn a_script_that_does_not_compile_names_its_own_position() {
    let toml = with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/r.rhai\"\n");
    let e = plan_error(&toml, &[("rules/r.rhai", "let a = 1;\nlet b = ;\nattained()\n")]);
    assert_at(&e, ErrorKind::Rule, Some("rules/r.rhai"), Some(2), Some(9));
    assert_message(&e, "does not compile");
    // An aggregation script too.
    let toml = with_head("[[goal]]\nid = \"1\"\ntitle = \"G\"\naggregate = \"agg.rhai\"\n");
    let e = plan_error(&toml, &[("agg.rhai", "\n\nlet = 3;")]);
    assert_eq!((e.kind(), e.file(), e.line()), (ErrorKind::Rule, Some("agg.rhai"), Some(3)), "{e}");
}

#[test]
fn eval_is_refused_when_compiling() {
    let toml = with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"e.rhai\"\n");
    let e = plan_error(&toml, &[("e.rhai", "let x = 1;\n  eval(\"attained()\")\n")]);
    assert_at(&e, ErrorKind::Rule, Some("e.rhai"), Some(2), Some(3));
    assert_message(&e, "does not compile");
    assert_message(&e, "eval");
}

// ---------------------------------------------------------------- CSV

const HEADER: &str = "indicator,entity,period,gender,value\n";

fn csv_error(body: &str) -> attain_core::Error {
    match Observations::from_csv(&format!("{HEADER}{body}"), "d.csv") {
        Ok(_) => panic!("the CSV parsed:\n{body}"),
        Err(e) => e,
    }
}

#[test]
fn csv_rows_with_the_wrong_number_of_fields_name_their_line() {
    let e = csv_error("I,1,2020,T,1\nI,1,2021,T\n");
    assert_eq!((e.kind(), e.file(), e.line(), e.row()), (ErrorKind::Data, Some("d.csv"), Some(3), Some(2)), "{e}");
    assert_message(&e, "the row has 4 fields but the header has 5");
    let e = csv_error("I,1,2020,T,1\n\"unterminated,1,2021,T,2\n");
    assert_eq!(e.kind(), ErrorKind::Data, "{e}");
    assert_eq!(e.file(), Some("d.csv"));
}

#[test]
fn csv_headers_are_checked() {
    let e = Observations::from_csv("indicator,entity,period,gender,value,colour\n", "d.csv").unwrap_err();
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(6));
    assert_message(&e, "unknown column `colour`");
    let e = Observations::from_csv("indicator,entity,gender,value\nI,1,T,2\n", "d.csv").unwrap_err();
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(1));
    assert_message(&e, "no `period` column");
    // Kolada's names are accepted as aliases.
    let d = Observations::from_csv("kpi,municipality,year,value\nN1,0180,2022,3\n", "k.csv").unwrap();
    assert_eq!(
        (d.row(0).unwrap().indicator.as_str(), d.row(0).unwrap().entity.as_str(), d.row(0).unwrap().gender),
        ("N1", "0180", Gender::T)
    );
}

#[test]
fn csv_cells_are_checked_with_line_column_and_row() {
    let cases: &[(&str, usize, usize, usize, &str)] = &[
        ("I,1,2020,X,1\n", 2, 4, 1, "gender `X` is not T, K or M"),
        ("I,1,2020,T,1\nI,1,2021,T,NaN\n", 3, 5, 2, "not a finite number"),
        ("I,1,2020,T,inf\n", 2, 5, 1, "not a finite number"),
        ("I,1,2020,T,-Infinity\n", 2, 5, 1, "not a finite number"),
        ("I,1,2020,T,1e400\n", 2, 5, 1, "`1e400` is not a finite number"),
        ("I,1,2020,T,-1e400\n", 2, 5, 1, "not a finite number"),
        ("I,1,2020,T,12 apples\n", 2, 5, 1, "not a number"),
        ("I,,2020,T,1\n", 2, 1, 1, "must not be empty"),
    ];
    for (body, line, column, row, msg) in cases {
        let e = csv_error(body);
        assert_eq!(e.kind(), ErrorKind::Data, "{e}");
        assert_eq!((e.file(), e.line(), e.column(), e.row()), (Some("d.csv"), Some(*line), Some(*column), Some(*row)), "{body}: {e}");
        assert_message(&e, msg);
    }
    let e = Observations::from_csv("indicator,entity,period,value,count\nG,G1,2020,1,many\n", "d.csv").unwrap_err();
    assert_eq!((e.line(), e.column(), e.row()), (Some(2), Some(5), Some(1)), "{e}");
    assert_message(&e, "count `many`");
}

#[test]
fn huge_but_finite_numbers_are_kept_exactly() {
    let d = Observations::from_csv(&format!("{HEADER}I,1,2020,T,1e308\nI,1,2021,T,-1.7976931348623157e308\nI,1,2022,T,5e-324\n"), "d.csv")
        .unwrap();
    let values: Vec<f64> = d.rows().map(|r| r.value.unwrap()).collect();
    assert_eq!(values, vec![1e308, f64::MIN, 5e-324]);
}

#[test]
fn csv_duplicates_name_both_rows() {
    let e = csv_error("I,1,2020,T,1\nI,1,2021,T,2\nI,1,2020,,3\n");
    assert_eq!((e.kind(), e.file(), e.row()), (ErrorKind::Data, Some("d.csv"), Some(3)), "{e}");
    assert_message(&e, "duplicate value for `I`, entity `1`, period `2020`, gender T (first at row 1)");
}

#[test]
fn empty_data_files_are_refused_but_a_header_alone_is_no_rows() {
    for text in ["", "   \n", "\u{feff}"] {
        let e = Observations::from_csv(text, "d.csv").unwrap_err();
        assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(1));
        assert_message(&e, "empty");
    }
    assert!(Observations::from_csv(HEADER, "d.csv").unwrap().is_empty());
    let e = Observations::from_json("", "d.json").unwrap_err();
    assert_at(&e, ErrorKind::Data, Some("d.json"), Some(1), Some(1));
}

#[test]
fn assignment_csv_is_checked() {
    let e = Observations::from_csv("assignment,period,status\nA1,2023-T1,finished\n", "a.csv").unwrap_err();
    assert_eq!((e.kind(), e.file(), e.line(), e.column(), e.row()), (ErrorKind::Data, Some("a.csv"), Some(2), Some(3), Some(1)), "{e}");
    assert_message(&e, "status `finished`");
    let e = Observations::from_csv("assignment,period,status,owner\n", "a.csv").unwrap_err();
    assert_at(&e, ErrorKind::Data, Some("a.csv"), Some(1), Some(4));
    let ok = Observations::from_csv("assignment,period,status,comment\nA1,2023-T1,on_track,\"going, well\"\n", "a.csv").unwrap();
    assert_eq!(ok.assignment_updates()[0].comment, "going, well");
}

// ---------------------------------------------------------------- JSON

fn json_error(text: &str) -> attain_core::Error {
    match Observations::from_json(text, "d.json") {
        Ok(_) => panic!("the JSON parsed: {text}"),
        Err(e) => e,
    }
}

#[test]
fn malformed_json_names_line_and_column() {
    let e = json_error("[\n  {\"indicator\": \"I\",\n   \"entity\": 1,,\n]");
    assert_at(&e, ErrorKind::Data, Some("d.json"), Some(3), Some(16));
    assert_message(&e, "malformed JSON");
    // JSON has no NaN.
    let e = json_error("[{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\", \"value\": NaN}]");
    assert_eq!((e.kind(), e.line()), (ErrorKind::Data, Some(1)), "{e}");
    // 1e400 is out of range for a float.
    let e = json_error("[{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\",\n \"value\": 1e400}]");
    assert_eq!((e.kind(), e.line()), (ErrorKind::Data, Some(2)), "{e}");
}

#[test]
fn json_rows_are_checked_with_their_row() {
    let row = |extra: &str| format!("{{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\"{extra}}}");
    let cases: Vec<(String, usize, &str)> = vec![
        (format!("[{}, {}]", row(", \"value\": 1"), row(", \"value\": \"NaN\"")), 2, "not a finite number"),
        (format!("[{}]", row(", \"value\": \"1e400\"")), 1, "not a finite number"),
        (format!("[{}]", row(", \"value\": [1]")), 1, "value must be a number or null"),
        (format!("[{}]", row(", \"colour\": \"red\"")), 1, "unknown field `colour`"),
        (format!("[{}]", row(", \"gender\": \"X\"")), 1, "gender `X`"),
        (format!("[{}, 3]", row("")), 2, "a row must be an object"),
        ("[{\"indicator\": \"I\", \"period\": \"2020\"}]".to_string(), 1, "the row has no `entity`"),
        (format!("[{}, {}]", row(", \"value\": 1"), row(", \"value\": 2")), 2, "duplicate value"),
    ];
    for (text, row, msg) in &cases {
        let e = json_error(text);
        assert_eq!((e.kind(), e.file(), e.row()), (ErrorKind::Data, Some("d.json"), Some(*row)), "{text}: {e}");
        assert_message(&e, msg);
    }
}

#[test]
fn json_shapes_that_are_not_observations_are_refused() {
    for text in ["3", "\"rows\"", "{\"rows\": []}", "null"] {
        let e = json_error(text);
        assert_eq!((e.kind(), e.file()), (ErrorKind::Data, Some("d.json")), "{text}: {e}");
    }
    let e = json_error("{\"observations\": [], \"extra\": 1}");
    assert_message(&e, "unknown key `extra`");
    let e = json_error("{\"values\": 3}");
    assert_message(&e, "`values` must be an array");
    let e = json_error("{\"assignments\": [{\"assignment\": \"A\", \"period\": \"2023\", \"status\": \"late\"}]}");
    assert_eq!(e.row(), Some(1), "{e}");
}

#[test]
fn kolada_json_rows_are_checked() {
    let e = json_error(
        "{\"values\": [{\"kpi\": \"N1\", \"municipality\": \"0180\", \"period\": 2022, \"values\": [{\"gender\": \"T\", \"value\": 1}]},\
         {\"kpi\": \"N1\", \"municipality\": \"0180\", \"period\": 2023, \"values\": [{\"gender\": \"Q\", \"value\": 1}]}]}",
    );
    assert_eq!((e.kind(), e.row()), (ErrorKind::Data, Some(2)), "{e}");
    assert_message(&e, "gender `Q`");
    let e = json_error("{\"values\": [{\"kpi\": \"N1\", \"period\": 2022, \"values\": []}]}");
    assert_message(&e, "no `municipality`");
}

// ---------------------------------------------------------------- host rows

fn row(period: &str, value: Option<f64>) -> Observation {
    crate::common::obs("I", "1", period, value)
}

#[test]
fn host_rows_with_nan_or_infinity_name_the_row() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = Observations::from_rows(vec![row("2020", Some(1.0)), row("2021", Some(bad))]).unwrap_err();
        assert_eq!((e.kind(), e.row(), e.file()), (ErrorKind::Data, Some(2), None), "{e}");
        assert_message(&e, "not a finite number");
    }
    let e = Observations::from_rows(vec![row("2020", Some(1.0)), row("", Some(1.0))]).unwrap_err();
    assert_eq!(e.row(), Some(2));
    let e = Observations::from_rows(vec![row("2020", Some(1.0)), row("2021", None), row("2020", None)]).unwrap_err();
    assert_eq!(e.row(), Some(3));
    assert_message(&e, "(first at row 1)");
}

#[test]
fn set_value_refuses_non_finite_numbers_and_keeps_the_old_value() {
    let mut d = Observations::from_rows(vec![row("2020", Some(1.0))]).unwrap();
    for bad in [f64::NAN, f64::INFINITY] {
        let e = d.set_value("I", "1", "2020", Gender::T, Some(bad)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Data);
    }
    assert_eq!(d.row(0).unwrap().value, Some(1.0));
    d.set_value("I", "1", "2020", Gender::T, Some(1e308)).unwrap();
    assert_eq!(d.row(0).unwrap().value, Some(1e308));
}

#[test]
fn merging_checked_refuses_a_repeated_row() {
    let mut d = Observations::from_rows(vec![row("2020", Some(1.0))]).unwrap();
    let e = d.merge_checked(Observations::from_rows(vec![row("2021", Some(1.0)), row("2020", Some(2.0))]).unwrap()).unwrap_err();
    // The row of the repeat in its own rows, and the first copy named among the earlier ones.
    assert_eq!((e.kind(), e.row()), (ErrorKind::Data, Some(2)), "{e}");
    assert_message(&e, "(first at row 1 of the rows given before)");
}

#[test]
fn a_file_that_is_not_utf8_or_missing_is_an_io_error() {
    let dir = std::env::temp_dir().join(format!("attain-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.csv");
    std::fs::write(&path, b"indicator,entity,period,value\nI,G\xf6teborg,2020,1\n").unwrap();
    let e = Observations::load(&path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert_message(&e, "not UTF-8");
    let e = Observations::load(dir.join("missing.csv")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    let e = Plan::load(dir.join("no-such-plan")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- report JSON

#[test]
fn report_json_that_is_not_a_report_is_refused() {
    let e = Report::from_json("{\n  \"schema\": 1,").unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Data, Some(2)), "{e}");
    let e = Report::from_json("").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Data);
    assert_message(&e, "not an attain report");
    // An unknown field in a report is refused too (deny_unknown_fields).
    let p = plan(&with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\n"), &[]);
    let d = Observations::from_rows(vec![row("2020", Some(1.0))]).unwrap();
    let json = p.evaluate(&d, &Query::new("1", "2020")).unwrap().to_json();
    let tampered = json.replacen("\"entity\"", "\"colour\": 1,\n  \"entity\"", 1);
    let e = Report::from_json(&tampered).unwrap_err();
    assert_message(&e, "unknown field `colour`");
}

// ---------------------------------------------------------------- queries

#[test]
fn queries_naming_what_is_not_there_are_query_errors() {
    let p = plan(&with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\n"), &[]);
    let d = Observations::from_rows(vec![row("2020", Some(1.0))]).unwrap();
    let e = p.evaluate(&d, &Query::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert_message(&e, "no entity given");
    let mut q = Query::default();
    q.entity = Some("9".into());
    let e = p.evaluate(&d, &q).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert_message(&e, "entity `9` does not appear in the data");
    let e = p.evaluate(&d, &Query::new("1", "T1-2020")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert_message(&e, "period `T1-2020` is not a year");
    let e = p.evaluate_many(&d, &["1".into()], &["later".into()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    let e = p.explain(&d, &Query::new("1", "2020"), "NOPE", Gender::T).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert_message(&e, "no indicator `NOPE`");
    let e = p.explain(&d, &Query::new("1", "2020"), "I", Gender::K).unwrap_err();
    assert_message(&e, "not split by gender");
    let e = p.required(&d, &Query::new("1", "2020"), "NOPE", Gender::T).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    // An entity the data does not name is an error even for an explicit period (a mistyped
    // id); a period without values for an entity the data has is a report of no data.
    let e = p.evaluate(&d, &Query::new("9", "2020")).unwrap_err();
    assert_message(&e, "entity `9` does not appear in the data");
    let r = p.evaluate(&d, &Query::new("1", "2031")).unwrap();
    assert_eq!(r.indicators[0].status, "no_data");
}

/// A file path refused while the files were built from pairs is the error of every call that
/// reads them, never a file dropped in silence.
#[test]
fn a_plan_file_path_refused_is_the_error_of_loading_and_of_rule_tests() {
    let plan_toml = with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/x.rhai\"\n");
    let files = |path: &str| PlanFiles::from([("plan.toml".to_string(), plan_toml.clone()), (path.to_string(), "attained()".to_string())]);
    let p = Plan::from_files(files("rules\\x.rhai")).unwrap();
    assert_eq!(p.files().keys().collect::<Vec<_>>(), vec!["plan.toml", "rules/x.rhai"]);
    for (path, message) in [
        ("../x.rhai", "file path `../x.rhai` leaves the plan folder (`..`)"),
        ("C:\\x.rhai", "file path `C:\\x.rhai` names a drive: give it relative to the plan folder"),
    ] {
        let e = Plan::from_files(files(path)).unwrap_err();
        assert_eq!((e.code(), e.message()), (attain_core::Code::PlanFilePath, message));
    }
    let tests = PlanFiles::from([
        ("tests/a.test.toml".to_string(), "[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"no_data\"\n".to_string()),
        ("tests\\a.test.toml".to_string(), String::new()),
    ]);
    let e = attain_core::run_rule_tests_in(&tests).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (attain_core::Code::PlanFilePath, "file path `tests\\a.test.toml` is `tests/a.test.toml`, which is given twice")
    );
}

/// A file whose name holds `\` (a Unix name) is read from a plan folder under its normalised path.
#[cfg(unix)]
#[test]
fn a_plan_folder_file_named_with_a_backslash_is_read_as_a_path() {
    let dir = std::env::temp_dir().join(format!("attain-bad-input-backslash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plan.toml"), with_head("[[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/x.rhai\"\n")).unwrap();
    std::fs::write(dir.join("rules\\x.rhai"), "attained()").unwrap();
    let loaded = Plan::load(&dir).map(|p| p.files().keys().cloned().collect::<Vec<_>>());
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/x.rhai"), "attained()").unwrap();
    let twice = Plan::load(&dir).map(|_| ());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(loaded.unwrap(), vec!["plan.toml", "rules/x.rhai"]);
    assert_eq!(twice.unwrap_err().message(), "file path `rules\\x.rhai` is `rules/x.rhai`, which is given twice");
}

// ---------------------------------------------------------------- rule test files

#[test]
fn rule_test_files_are_checked_with_their_position() {
    let files = |text: &str| PlanFiles::from([("tests/a.test.toml".to_string(), text.to_string())]);
    let e = attain_core::run_rule_tests_in(&files("[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"attained\"\nexpct = 1\n"))
        .unwrap_err();
    assert_at(&e, ErrorKind::Test, Some("tests/a.test.toml"), Some(5), Some(1));
    assert_message(&e, "unknown field `expct`");
    let e = attain_core::run_rule_tests_in(&files("[[case]\n")).unwrap_err();
    assert_eq!((e.kind(), e.file(), e.line()), (ErrorKind::Test, Some("tests/a.test.toml"), Some(1)), "{e}");
    let dup = "[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"no_data\"\n[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"no_data\"\n";
    let e = attain_core::run_rule_tests_in(&files(dup)).unwrap_err();
    assert_at(&e, ErrorKind::Test, Some("tests/a.test.toml"), Some(5), Some(1));
    assert_message(&e, "case name `x` is used twice");
    let e = attain_core::run_rule_tests_in(&files("[[case]]\nname = \"x\"\nrule = \"nope\"\nexpect = \"no_data\"\n")).unwrap_err();
    assert_eq!((e.file(), e.line()), (Some("tests/a.test.toml"), Some(1)), "{e}");
    let e = attain_core::run_rule_tests_in(&PlanFiles::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Test);
}

#[test]
fn the_error_json_shape_keeps_the_position_as_fields() {
    let e = plan_error(&with_head("colour = 1\n"), &[]);
    let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(v["type"], "plan");
    assert_eq!(v["file"], "plan.toml");
    assert_eq!(v["line"], 4);
    assert_eq!(v["column"], 1);
    assert!(v["message"].as_str().unwrap().contains("colour"));
    assert_eq!(e.to_string(), format!("plan.toml:4:1: plan error: {}", e.message()));
}
