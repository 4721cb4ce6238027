//! Excel both ways from the command line: `;` CSV and .xlsx data, `--value 85,5`, `--format xlsx` and `--format csv --delimiter ';'`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use calamine::{Data, Reader, Xlsx};
use std::path::PathBuf;
use std::process::{Command, Output};

fn attain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attain")).args(args).output().expect("the attain binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PLAN: &str = "[plan]\nid = \"x\"\ntitle = \"X\"\nentity = \"2380\"\nperiod = \"2022\"\n[comparison]\nnational = \"0000\"\n\
[[goal]]\nid = \"g\"\ntitle = \"G\"\nindicators = [\"N1\"]\n[[indicator]]\nid = \"N1\"\ntitle = \"One\"\nunit = \"%\"\nrule = \"reference\"\n";

/// A plan folder with `files` (text) and, when given, `data/values.xlsx` holding `rows`.
fn plan(name: &str, files: &[(&str, &str)], xlsx: Option<&[[&str; 4]]>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("attain-cli-excel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("plan.toml"), PLAN).unwrap();
    for (path, content) in files {
        std::fs::write(dir.join(path), content).unwrap();
    }
    if let Some(rows) = xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(x) if r > 0 && c == 3 => ws.write_number(r as u32, c as u16, x).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
        wb.save(dir.join("data/values.xlsx")).unwrap();
    }
    dir
}

const SWEDISH: &str = "\u{feff}kpi;municipality;year;value\r\nN1;2380;2022;85,5\r\nN1;0000;2022;80,25\r\n";

#[test]
fn a_swedish_csv_and_a_workbook_in_the_data_folder_are_read() {
    let dir = plan("sv", &[("data/values.csv", SWEDISH)], None);
    let out = attain(&["report", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["indicators"][0]["value"].as_f64(), v["indicators"][0]["national"].as_f64()), (Some(85.5), Some(80.25)), "{v}");

    let dir = plan(
        "xlsx",
        &[],
        Some(&[["kpi", "municipality", "year", "value"], ["N1", "2380", "2022", "85.5"], ["N1", "0000", "2022", "80,25"]]),
    );
    let out = attain(&["report", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["indicators"][0]["value"].as_f64(), v["indicators"][0]["national"].as_f64()), (Some(85.5), Some(80.25)), "{v}");
    // The same workbook by --data, and a bad cell named by file, sheet, row and column.
    let book = dir.join("data/values.xlsx");
    let out = attain(&["report", dir.to_str().unwrap(), "--data", book.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bad = plan("bad", &[], Some(&[["kpi", "municipality", "year", "value"], ["N1", "2380", "2022", "1 234,5"]]));
    let out = attain(&["report", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("values.xlsx:2:4 row 1: data error: sheet `Sheet1`: value `1 234,5` is not a number"), "{err}");
    // A row in the workbook and a CSV both is a duplicate naming both files.
    let both =
        plan("both", &[("data/values.csv", SWEDISH)], Some(&[["kpi", "municipality", "year", "value"], ["N1", "2380", "2022", "1"]]));
    let out = attain(&["report", both.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("duplicate value for `N1`"), "{}", text(&out.stderr));
}

#[test]
fn the_delimiter_can_be_forced_for_data_and_is_used_for_csv_written() {
    let dir = plan("delim", &[], None);
    let data = dir.join("values.txt");
    std::fs::write(&data, "kpi;municipality;year;value\nN1;2380;2022;85,5\nN1;0000;2022;80\n").unwrap();
    let out = attain(&["report", dir.to_str().unwrap(), "--data", data.to_str().unwrap(), "--delimiter", ";", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(';').collect();
    let row: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(row[head.iter().position(|h| *h == "value").unwrap()], "85,5", "{csv}");
    assert_eq!(head.last(), Some(&"compared_with"));
    let out = attain(&["report", dir.to_str().unwrap(), "--data", data.to_str().unwrap(), "--delimiter", "|"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--delimiter `|` is not `,` or `;`"), "{}", text(&out.stderr));
}

#[test]
fn a_report_workbook_is_written_with_numbers_as_numbers() {
    let dir = plan("out", &[("data/values.csv", SWEDISH)], None);
    let file = dir.join("report.xlsx");
    let out = attain(&["report", dir.to_str().unwrap(), "--format", "xlsx", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut book: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert_eq!(book.sheet_names(), ["Goals", "Indicators"]);
    let ind = book.worksheet_range("Indicators").unwrap();
    let head: Vec<String> = ind.rows().next().unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(ind.get((1, head.iter().position(|h| h == "value").unwrap())), Some(&Data::Float(85.5)));
    // Standard output that is not a terminal (a pipe here) takes the workbook's bytes.
    let out = attain(&["report", dir.to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.starts_with(b"PK"), "an xlsx is a zip");
}

#[test]
fn assess_takes_decimal_commas_and_refuses_a_thousands_separator() {
    let dir = plan("assess", &[("data/values.csv", SWEDISH)], None);
    let p = dir.to_str().unwrap();
    let out = attain(&["assess", p, "--indicator", "N1", "--value", "85,5", "--national", "80,5", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reason"], "85.5 % is at least as good as the national value (80.5 %)", "{v}");
    let out = attain(&["assess", p, "--indicator", "N1", "--value", "1,234.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`1,234.5` is not a number: it has both a comma and a point"), "{}", text(&out.stderr));
    let out =
        attain(&["assess", p, "--indicator", "N1", "--value", "80", "--history", "2020=70,5;2021=75,25", "--national", "1", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["previous"].as_f64(), Some(75.25), "{v}");
    let out = attain(&["assess", p, "--indicator", "N1", "--value", "80", "--history", "2020=1.234,5;2021=3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("item 1 (`2020=1.234,5`): the value is not a number"), "{}", text(&out.stderr));
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bindings-python/tests/data").join(name)
}

#[test]
fn a_wide_swedish_workbook_is_read_and_its_names_column_listed() {
    let kolada_plan = PLAN.replace("N1", "N01982");
    let dir = plan("wide", &[("plan.toml", &kolada_plan)], None);
    let book = fixture("kolada-wide.xlsx");
    let out = attain(&["report", dir.to_str().unwrap(), "--data", book.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Östersund's and riket's N01982 in 2022 (the plan's period).
    assert_eq!((v["indicators"][0]["value"].as_f64(), v["indicators"][0]["national"].as_f64()), (Some(47.24), Some(46.23)), "{v}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("column 2 `Kommun` is not read: the entity is read from column 1 (`Kommun-id`)"), "{stderr}");
    // The same sheet saved as Swedish CSV gives the same report.
    let csv = fixture("kolada-wide.csv");
    let same = attain(&["report", dir.to_str().unwrap(), "--data", csv.to_str().unwrap(), "--format", "json"]);
    assert_eq!(same.stdout, out.stdout);
}

#[test]
fn check_reads_the_workbooks_of_the_data_folder() {
    // The workbook holds N07906, which this plan does not know.
    let kolada_plan = PLAN.replace("N1", "N01982");
    let dir = plan("check", &[("plan.toml", &kolada_plan)], None);
    std::fs::copy(fixture("kolada-wide.xlsx"), dir.join("data/kolada.xlsx")).unwrap();
    let out = attain(&["check", dir.to_str().unwrap(), "--cases", "10"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("unknown indicator N07906"), "{}", text(&out.stdout));
}

#[test]
fn a_parquet_file_is_data_and_a_bad_row_is_named() {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let write = |path: &std::path::Path, entities: [&str; 2]| {
        let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
        let batch = RecordBatch::try_from_iter([
            ("kpi", text(vec!["N1", "N1"])),
            ("municipality", text(entities.to_vec())),
            ("year", text(vec!["2022", "2022"])),
            ("value", Arc::new(Float64Array::from(vec![85.5, 80.25])) as ArrayRef),
        ])
        .unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    };
    let dir = plan("parquet", &[], None);
    let file = dir.join("values.parquet");
    write(&file, ["2380", "0000"]);
    let out = attain(&["report", dir.to_str().unwrap(), "--data", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["indicators"][0]["value"].as_f64(), v["indicators"][0]["national"].as_f64()), (Some(85.5), Some(80.25)), "{v}");

    write(&file, ["2380", " "]);
    let out = attain(&["report", dir.to_str().unwrap(), "--data", file.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(err.contains("values.parquet") && err.contains("row 2"), "{err}");
}
