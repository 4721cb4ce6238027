//! Issue 10, data slice: reading data and plan folders loses or mixes nothing in silence. Each
//! input that was read wrongly is now an error with its file and line/column or row, and the plan
//! folder walk reads regular files inside the plan only.

use crate::common::{assert_at, assert_message, evaluate, plan, plan_files};
use attain_core::{Error, ErrorKind, Gender, MAX_FILE_BYTES, Observations, Plan};
use std::path::{Path, PathBuf};

const HEADER: &str = "indicator,entity,period,value\n";

const PLAN: &str = "[plan]\nid = \"p\"\ntitle = \"P\"\nentity = \"1\"\nperiod = \"2023\"\n\
                    [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"I\"]\n\
                    [[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/five.rhai\"\n";
const RULE: &str = "if value >= 5 { attained() } else { not_attained() }";

fn csv_err(text: &str) -> Error {
    match Observations::from_csv(text, "d.csv") {
        Ok(d) => panic!("the CSV parsed into {} rows: {text:?}", d.len()),
        Err(e) => e,
    }
}

fn json_err(text: &str) -> Error {
    match Observations::from_json(text, "d.json") {
        Ok(d) => panic!("the JSON parsed into {} rows: {text}", d.len()),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_row(e: &Error, file: &str, row: usize, msg: &str) {
    assert_eq!((e.kind(), e.file(), e.row()), (ErrorKind::Data, Some(file), Some(row)), "{e}");
    assert_message(e, msg);
}

/// A Kolada response of items `(period, [(gender, extra fields)])` for KPI `N1`, entity `0180`.
fn kolada(items: &[(&str, &[(&str, &str)])]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|(period, values)| {
            let values: Vec<String> = values.iter().map(|(g, extra)| format!("{{\"gender\": {g}, \"value\": 1{extra}}}")).collect();
            format!("{{\"kpi\": \"N1\", \"municipality\": \"0180\", \"period\": {period}, \"values\": [{}]}}", values.join(", "))
        })
        .collect();
    format!("{{\"values\": [{}]}}", items.join(",\n"))
}

// ---------------------------------------------------------------- 1. unclosed quotes

#[test]
fn an_unclosed_quote_is_an_error_where_it_opened() {
    let text = format!("{HEADER}I,1,2020,3\nI,1,2021,\"4\nI,1,2022,5\nI,1,2023,6\n");
    let e = csv_err(&text);
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(3), Some(4));
    assert_message(&e, "a quote opened here is never closed");
    // In the middle of a line, after an escaped quote in an earlier closed cell.
    let text = "indicator,entity,period,value,note\nI,1,2020,3,\"say \"\"hi\"\"\"\nI,1,2021,4,x \"y\" z\nI,1,2022,5,\"open\n";
    let e = csv_err(text);
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(4), Some(5));
    // A quoted cell with a line break that is closed is still one cell, read as before.
    let ok = Observations::from_csv("indicator,entity,period,value,note\nI,1,2020,3,\"two\nlines\"\nI,1,2021,4,\n", "d.csv").unwrap();
    assert_eq!(ok.len(), 2);
    assert_eq!(ok.row(1).unwrap().value, Some(4.0));
}

#[test]
fn a_line_break_inside_an_id_cell_is_an_error_naming_the_row() {
    let e = csv_err(&format!("{HEADER}I,1,2020,3\nI,\"1\n2\",2021,4\n"));
    assert_row(&e, "d.csv", 2, "the `entity` cell holds a line break");
    assert_eq!((e.line(), e.column()), (Some(3), Some(2)), "{e}");
}

// ---------------------------------------------------------------- 2. JSON shapes

#[test]
fn observations_or_assignments_that_are_not_arrays_are_errors() {
    let row = "{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\", \"value\": 1}";
    for (text, msg) in [
        (format!("{{\"observations\": {row}}}"), "`observations` must be an array of rows, got an object"),
        ("{\"observations\": null}".to_string(), "`observations` must be an array of rows, got null"),
        (format!("{{\"observations\": [{row}], \"assignments\": 3}}"), "`assignments` must be an array of rows, got a number"),
        ("{\"assignments\": \"A1\"}".to_string(), "`assignments` must be an array of rows, got a string"),
    ] {
        let e = json_err(&text);
        assert_eq!((e.kind(), e.file()), (ErrorKind::Data, Some("d.json")), "{text}: {e}");
        assert_eq!(e.message(), msg, "{text}");
    }
    let ok = Observations::from_json(&format!("{{\"observations\": [{row}]}}"), "d.json").unwrap();
    assert_eq!(ok.len(), 1);
}

// ---------------------------------------------------------------- 3. one rule for duplicates

#[test]
fn a_row_in_two_files_of_the_data_folder_names_both_files_and_rows() {
    let p = plan(
        PLAN,
        &[
            ("rules/five.rhai", RULE),
            ("data/a.csv", "indicator,entity,period,value\nI,1,2022,3\nI,1,2023,4\n"),
            ("data/b.csv", "indicator,entity,period,value\nI,2,2023,9\nI,1,2023,7\n"),
        ],
    );
    let e = p.bundled_data().unwrap_err();
    assert_row(&e, "data/b.csv", 2, "duplicate value for `I`, entity `1`, period `2023`, gender T (first in `data/a.csv` row 2)");
}

#[test]
fn a_row_in_two_data_files_names_both_files_and_rows() {
    let a = Observations::from_csv("indicator,entity,period,value\nI,1,2022,3\n", "a.csv").unwrap();
    let b = Observations::from_json("[{\"indicator\": \"I\", \"entity\": \"2\", \"period\": \"2022\", \"value\": 1},\n {\"indicator\": \"I\", \"entity\": \"1\", \"period\": 2022, \"value\": 5}]", "b.json").unwrap();
    let e = Observations::combine([a.clone(), b]).unwrap_err();
    assert_row(&e, "b.json", 2, "(first in `a.csv` row 1)");
    // The same file given twice is caught as well, and says which copy came first.
    let e = Observations::combine([a.clone(), a]).unwrap_err();
    assert_row(&e, "a.csv", 1, "(first in `a.csv` row 1)");
    // Within one file the message is as it always was.
    let e = csv_err(&format!("{HEADER}I,1,2022,3\nI,1,2023,4\nI,1,2022,5\n"));
    assert_row(&e, "d.csv", 3, "gender T (first at row 1)");
}

#[test]
fn a_kolada_duplicate_names_item_and_value_of_both_copies() {
    let text =
        kolada(&[("2022", &[("\"T\"", ""), ("\"K\"", "")]), ("2023", &[("\"T\"", "")]), ("2022.0", &[("\"M\"", ""), ("\"K\"", "")])]);
    let e = json_err(&text);
    assert_row(&e, "d.json", 3, "gender K at item 3, value 2 (first at item 1, value 2)");
    // Against another file.
    let csv = Observations::from_csv("indicator,entity,period,gender,value\nN1,0180,2023,T,4\n", "c.csv").unwrap();
    let k = Observations::from_json(&kolada(&[("2022", &[("\"T\"", "")]), ("2023", &[("\"K\"", ""), ("\"T\"", "")])]), "k.json").unwrap();
    let e = Observations::combine([csv, k]).unwrap_err();
    assert_row(&e, "k.json", 2, "at item 2, value 2 (first in `c.csv` row 1)");
}

// ---------------------------------------------------------------- 4. repeated columns

#[test]
fn a_column_given_twice_is_an_error_at_its_column() {
    let e = csv_err("indicator,entity,period,value,value\nI,1,2020,1,2\n");
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(5));
    assert_eq!(e.message(), "column `value` repeats column 4; give each column once");
    let e = csv_err("indicator,kpi,entity,period,value\nI,J,1,2020,1\n");
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(2));
    assert_eq!(e.message(), "column `kpi` repeats column 1 (`indicator`); give each column once");
    let e = csv_err("Year,indicator,entity,PERIOD,value\n2020,I,1,2021,1\n");
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(4));
    let e = csv_err("assignment,period,status,status\nA,2023,done,not_done\n");
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(1), Some(4));
    // A JSON row with a name and its alias.
    let e = json_err("[{\"indicator\": \"I\", \"kpi\": \"J\", \"entity\": \"1\", \"period\": \"2020\"}]");
    assert_row(&e, "d.json", 1, "the row has both `indicator` and `kpi`");
}

// ---------------------------------------------------------------- 5. counts

#[test]
fn a_count_that_does_not_fit_is_an_error_never_wrapped() {
    let e = json_err(&kolada(&[("2022", &[("\"T\"", ", \"count\": 3"), ("\"K\"", ", \"count\": 8589934593")])]));
    assert_row(&e, "d.json", 1, "item 1, value 2: count `8589934593` is not a whole number from 0 to 4294967295");
    for bad in ["-1", "2.5", "\"x\"", "true"] {
        let e = json_err(&format!("[{{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\", \"count\": {bad}}}]"));
        assert_row(&e, "d.json", 1, "count");
    }
    let e = csv_err("indicator,entity,period,value,count\nI,G1,2020,1,8589934593\n");
    assert_at(&e, ErrorKind::Data, Some("d.csv"), Some(2), Some(5));
    assert_message(&e, "from 0 to 4294967295");
    let ok = Observations::from_json(&kolada(&[("2022", &[("\"T\"", ", \"count\": 4294967295")])]), "d.json").unwrap();
    assert_eq!(ok.row(0).unwrap().count, Some(u32::MAX));
}

// ---------------------------------------------------------------- 6. genders

#[test]
fn a_gender_that_is_not_a_string_is_an_error_naming_the_row() {
    let e = json_err(&kolada(&[("2022", &[("\"T\"", "")]), ("2023", &[("\"T\"", ""), ("1", "")])]));
    assert_row(&e, "d.json", 2, "item 2, value 2: gender must be a string, got 1");
    let e = json_err(&kolada(&[("2022", &[("[\"K\"]", "")])]));
    assert_row(&e, "d.json", 1, "gender must be a string");
    let ok = Observations::from_json(&kolada(&[("2022", &[("null", ""), ("\"M\"", "")])]), "d.json").unwrap();
    assert_eq!(ok.rows().map(|r| r.gender).collect::<Vec<_>>(), [Gender::T, Gender::M]);
}

// ---------------------------------------------------------------- 7. isdeleted

#[test]
fn kolada_deleted_values_keep_their_gender() {
    // Deleted per value: that gender is a gap with the reason, the others keep their values.
    let d = Observations::from_json(
        &kolada(&[("2022", &[("\"T\"", ""), ("\"K\"", ", \"isdeleted\": true"), ("\"M\"", ", \"isdeleted\": false")])]),
        "d.json",
    )
    .unwrap();
    let rows: Vec<_> = d.rows().collect();
    let got: Vec<_> = rows.iter().map(|r| (r.gender, r.value, r.missing.as_deref())).collect();
    assert_eq!(got, [(Gender::T, Some(1.0), None), (Gender::K, None, Some("deleted")), (Gender::M, Some(1.0), None)]);
    // Deleted for the whole item: every gender stays, each a gap.
    let text = r#"{"values": [{"kpi": "N1", "municipality": "0180", "period": 2022, "isdeleted": true,
        "values": [{"gender": "T", "value": 1}, {"gender": "K", "value": 2}, {"gender": "M", "value": 3}]}]}"#;
    let d = Observations::from_json(text, "d.json").unwrap();
    let rows: Vec<_> = d.rows().collect();
    let got: Vec<_> = rows.iter().map(|r| (r.gender, r.value, r.missing.as_deref())).collect();
    assert_eq!(got, [(Gender::T, None, Some("deleted")), (Gender::K, None, Some("deleted")), (Gender::M, None, Some("deleted"))]);
    // A deletion mark that is not true or false.
    let e = json_err(&kolada(&[("2022", &[("\"T\"", ", \"isdeleted\": \"yes\"")])]));
    assert_row(&e, "d.json", 1, "item 1, value 1: `isdeleted` must be true or false");
}

// ---------------------------------------------------------------- 8. periods

#[test]
fn a_whole_float_period_is_that_year_and_a_fraction_is_an_error() {
    let d = Observations::from_json("[{\"indicator\": \"I\", \"entity\": 180, \"period\": 2023.0, \"value\": 6}]", "d.json").unwrap();
    assert_eq!((d.row(0).unwrap().period.as_str(), d.row(0).unwrap().entity.as_str()), ("2023", "180"));
    let p = plan(&PLAN.replace("entity = \"1\"", "entity = \"180\""), &[("rules/five.rhai", RULE)]);
    let r = evaluate(&p, &d, "180", "2023");
    assert_eq!(r.indicator("I", Gender::T).unwrap().status, "attained", "2023.0 matched the period 2023");
    let k = Observations::from_json(&kolada(&[("2023.0", &[("\"T\"", "")])]), "d.json").unwrap();
    assert_eq!(k.row(0).unwrap().period, "2023");
    let e = json_err("[{\"indicator\": \"I\", \"entity\": \"1\", \"period\": 2023.5}]");
    assert_row(&e, "d.json", 1, "`period` `2023.5` is not a whole number");
    let e = json_err(&kolada(&[("2023", &[("\"T\"", "")]), ("1e300", &[("\"T\"", "")])]));
    assert_row(&e, "d.json", 2, "item 2: `period`");
}

// ---------------------------------------------------------------- 9. Kolada rows

#[test]
fn a_kolada_row_is_the_item_and_the_message_names_the_value() {
    let e = json_err(&kolada(&[("2021", &[("\"T\"", "")]), ("2022", &[("\"T\"", ""), ("\"K\"", ""), ("\"X\"", "")])]));
    assert_row(&e, "d.json", 2, "item 2, value 3: gender `X` is not T, K or M");
    let e = json_err("{\"values\": [{\"kpi\": \"N1\", \"municipality\": \"0180\", \"period\": 2022, \"values\": []}, 4]}");
    assert_row(&e, "d.json", 2, "item 2: a Kolada value must be an object");
    let e = json_err("{\"values\": [{\"kpi\": \"N1\", \"municipality\": \"0180\", \"period\": 2022, \"values\": [{\"value\": \"NaN\"}]}]}");
    assert_row(&e, "d.json", 1, "item 1, value 1: value `NaN` is not a finite number");
}

// ---------------------------------------------------------------- 10-12. files: UTF-8, BOM, names

/// A temporary folder, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!("attain-hostile-data-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
    fn plan(name: &str) -> Temp {
        let t = Temp::new(name);
        t.write("plan.toml", PLAN.as_bytes());
        t.write("rules/five.rhai", RULE.as_bytes());
        std::fs::create_dir_all(t.0.join("data")).unwrap();
        t
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_file_that_is_not_utf8_names_line_and_column_of_the_first_bad_byte() {
    let t = Temp::new("utf8");
    let path = t.write("latin1.csv", b"indicator,entity,period,value\nI,G\xf6teborg,2020,1\n");
    let e = Observations::load(&path).unwrap_err();
    assert_at(&e, ErrorKind::Io, Some(path.display().to_string().as_str()), Some(2), Some(4));
    assert_message(&e, "not UTF-8 text (byte 0xf6 at line 2, column 4)");
    // Columns count characters, not bytes.
    let path = t.write(
        "mixed.json",
        "[{\"indicator\": \"Å\",\n \"entity\": \"Örebro".as_bytes().iter().chain(b"\xff\"}]").copied().collect::<Vec<u8>>().as_slice(),
    );
    let e = Observations::load(&path).unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(2), Some(19)), "{e}");
    let path = t.write("utf16.csv", b"\xff\xfei\x00n\x00");
    let e = Observations::load(&path).unwrap_err();
    assert_message(&e, "UTF-16");
    // In a plan folder, the file is named as the plan names it.
    let p = Temp::plan("utf8-plan");
    p.write("data/values.csv", b"indicator,entity,period,value\nI,1,2023,5\nI,1,2022,\x80\n");
    let e = Plan::load(p.path()).unwrap_err();
    assert_at(&e, ErrorKind::Io, Some("data/values.csv"), Some(3), Some(10));
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_file() {
    const BOM: &str = "\u{feff}";
    let json = format!("{BOM}[{{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2023\", \"value\": 6}}]");
    assert_eq!(Observations::from_json(&json, "d.json").unwrap().len(), 1);
    // In memory (the browser, the bindings): plan.toml, a script and data all with a mark.
    let files = plan_files(&format!("{BOM}{PLAN}"), &[("rules/five.rhai", &format!("{BOM}{RULE}")), ("data/d.json", &json)]);
    let p = Plan::from_files(files).unwrap();
    let r = evaluate(&p, &p.bundled_data().unwrap(), "1", "2023");
    assert_eq!(r.indicator("I", Gender::T).unwrap().status, "attained");
    // On disk.
    let t = Temp::new("bom");
    t.write("plan.toml", format!("{BOM}{PLAN}").as_bytes());
    t.write("rules/five.rhai", format!("{BOM}{RULE}").as_bytes());
    t.write("data/d.json", json.as_bytes());
    t.write("data/e.csv", format!("{BOM}indicator,entity,period,value\nI,1,2022,1\n").as_bytes());
    let p = Plan::load(t.path()).unwrap();
    assert!(!p.files().values().any(|text| text.starts_with(BOM)), "marks are stripped once, when read");
    assert_eq!(p.bundled_data().unwrap().len(), 2);
    let text = attain_core::read_text(&t.path().join("rules/five.rhai")).unwrap();
    assert_eq!(text, RULE);
}

#[test]
fn every_data_error_names_its_file() {
    let row = |extra: &str| format!("{{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\"{extra}}}");
    let json = [
        "[1]".to_string(),
        format!("[{}]", row(", \"source\": 3")),
        format!("[{}]", row(", \"status\": [1]")),
        format!("[{}]", row(", \"period\": true")),
        "{\"values\": [{\"kpi\": \"N1\", \"municipality\": \"1\", \"period\": 2022, \"values\": [{\"status\": 3}]}]}".to_string(),
        "{\"values\": [{\"kpi\": \"N1\", \"municipality\": \"1\", \"period\": 2022}]}".to_string(),
        "{\"values\": 1}".to_string(),
        "{}".to_string(),
    ];
    for text in &json {
        let e = json_err(text);
        assert_eq!((e.kind(), e.file()), (ErrorKind::Data, Some("d.json")), "{text}: {e}");
    }
    for text in ["", "x\n", "indicator,entity\n", "indicator,entity,period,value\nI,1,2020\n", "indicator,entity,period,value\n,1,2020,1\n"]
    {
        let e = match Observations::from_csv(text, "d.csv") {
            Ok(_) => panic!("parsed: {text:?}"),
            Err(e) => e,
        };
        assert_eq!((e.kind(), e.file()), (ErrorKind::Data, Some("d.csv")), "{text:?}: {e}");
        assert!(e.line().is_some(), "{text:?}: {e}");
    }
    let e = Observations::load("/nonexistent/attain/values.csv").unwrap_err();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Io, Some("/nonexistent/attain/values.csv")), "{e}");
}

// ---------------------------------------------------------------- 13. the plan folder walk

#[test]
fn a_file_over_the_limit_is_an_error_that_says_the_limit() {
    let t = Temp::plan("big");
    let path = t.write("data/big.csv", HEADER.as_bytes());
    // Sparse: no 64 MiB are written.
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
    let e = Plan::load(t.path()).unwrap_err();
    assert_at(&e, ErrorKind::Io, Some("data/big.csv"), None, None);
    assert_eq!(e.message(), "the file (65 MiB) is larger than the limit of 64 MiB");
    let e = Observations::load(&path).unwrap_err();
    assert_message(&e, "larger than the limit of 64 MiB");
}

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    /// Loads the plan, which must fail quickly with an io error naming `file`.
    #[track_caller]
    fn load_error(t: &Temp, file: &str, msg: &str) -> Error {
        let start = Instant::now();
        let e = Plan::load(t.path()).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
        assert_at(&e, ErrorKind::Io, Some(file), None, None);
        assert_message(&e, msg);
        e
    }

    #[test]
    fn a_link_to_a_device_or_outside_the_plan_is_refused() {
        let t = Temp::plan("dev-zero");
        symlink("/dev/zero", t.path().join("data/zero.csv")).unwrap();
        load_error(&t, "data/zero.csv", "a link that leads outside the plan folder");
        // A linked plan.toml: refused without reading, so nothing of the target is quoted.
        let outside = Temp::new("outside");
        let secret = outside.write("secret.toml", b"password = hunter2 oops\n");
        let t = Temp::plan("linked-plan");
        std::fs::remove_file(t.path().join("plan.toml")).unwrap();
        symlink(&secret, t.path().join("plan.toml")).unwrap();
        let e = load_error(&t, "plan.toml", "outside the plan folder");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        // `--data /dev/zero`: the file named on the command line must be a regular file.
        let e = Observations::load("/dev/zero").unwrap_err();
        assert_eq!((e.kind(), e.file()), (ErrorKind::Io, Some("/dev/zero")), "{e}");
        assert_message(&e, "not a regular file");
    }

    #[test]
    fn a_link_to_a_folder_is_refused_and_not_walked() {
        let t = Temp::plan("root-link");
        symlink("/", t.path().join("everything")).unwrap();
        load_error(&t, "everything", "a link to a folder");
        // A link to a folder inside the plan would read it twice, or loop.
        let t = Temp::plan("loop-link");
        symlink(t.path(), t.path().join("data/again")).unwrap();
        load_error(&t, "data/again", "a link to a folder");
    }

    #[test]
    fn a_fifo_named_like_data_is_refused_without_opening_it() {
        let t = Temp::plan("fifo");
        let fifo = t.path().join("data/pipe.csv");
        std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        load_error(&t, "data/pipe.csv", "not a regular file (a pipe, socket or device)");
        let e = Observations::load(&fifo).unwrap_err();
        assert_message(&e, "not a regular file");
        // Not named like a plan file: never opened, the plan loads.
        std::fs::remove_file(&fifo).unwrap();
        let made = std::process::Command::new("mkfifo").arg(t.path().join("data/pipe")).status().unwrap();
        assert!(made.success());
        assert!(Plan::load(t.path()).is_ok());
    }

    #[test]
    fn a_link_to_a_regular_file_inside_the_plan_is_read_as_that_file() {
        let t = Temp::plan("inside-link");
        t.write("shared/values.csv", format!("{HEADER}I,1,2023,6\n").as_bytes());
        symlink("../shared/values.csv", t.path().join("data/values.csv")).unwrap();
        let p = Plan::load(t.path()).unwrap();
        let data = p.bundled_data().unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(evaluate(&p, &data, "1", "2023").indicator("I", Gender::T).unwrap().status, "attained");
        // A dangling link named like data is an error, not a silent skip.
        symlink("nowhere.csv", t.path().join("data/gone.csv")).unwrap();
        load_error(&t, "data/gone.csv", "leads nowhere");
    }
}

// ---------------------------------------------------------------- fuzz seeds

#[test]
fn the_fuzz_seeds_are_the_inputs_above_and_each_is_refused_with_its_file() {
    let dir = crate::common::repo_root().join("fuzz/seeds/data_readers");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = attain_core::read_text(&path).unwrap();
        let read = Observations::parse(&text, &name);
        if name.starts_with("bom.") {
            assert_eq!(read.unwrap().len(), 1, "{name}");
        } else {
            let e = read.err().unwrap_or_else(|| panic!("{name} was read without an error"));
            assert_eq!((e.kind(), e.file()), (ErrorKind::Data, Some(name.as_str())), "{name}: {e}");
            assert!(
                e.line().is_some() || e.row().is_some() || name.starts_with("observations_") || name.starts_with("assignments_"),
                "{name}: {e}"
            );
        }
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} seeds in {}", dir.display());
}

#[cfg(unix)]
#[test]
fn the_rule_test_walk_does_not_follow_a_link_to_a_folder() {
    let t = Temp::new("test-walk");
    t.write("a.test.toml", b"[[case]]\nname = \"x\"\nrule = \"target\"\nexpect = \"attained\"\nvalue = 3\ntarget = 2\n");
    std::os::unix::fs::symlink("/", t.path().join("root")).unwrap();
    let e = attain_core::run_rule_tests(t.path()).unwrap_err();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Io, Some(t.path().join("root").display().to_string().as_str())), "{e}");
    assert_message(&e, "a link to a folder");
    std::fs::remove_file(t.path().join("root")).unwrap();
    assert_eq!(attain_core::run_rule_tests(t.path()).unwrap().passed, 1);
}

#[test]
fn folders_nested_too_deep_are_an_error_naming_the_folder() {
    let t = Temp::plan("deep");
    let deep: Vec<&str> = std::iter::repeat_n("d", 34).collect();
    t.write(&format!("{}/x.csv", deep.join("/")), HEADER.as_bytes());
    let e = Plan::load(t.path()).unwrap_err();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Io, Some(deep[..33].join("/").as_str())), "{e}");
    assert_message(&e, "nested more than 32 deep");
}

#[test]
fn a_json_key_given_twice_is_an_error_at_its_line() {
    let e = json_err("[{\"indicator\": \"I\", \"entity\": \"1\", \"period\": \"2020\",\n  \"value\": 1, \"value\": 2}]");
    assert_at(&e, ErrorKind::Data, Some("d.json"), Some(2), Some(21));
    assert_message(&e, "the key `value` appears twice in one object");
    let e = json_err(&kolada(&[("2022", &[("\"T\"", ", \"gender\": \"K\"")])]));
    assert_eq!((e.kind(), e.file(), e.line()), (ErrorKind::Data, Some("d.json"), Some(1)), "{e}");
}
