//! A Kolada-style wide sheet with Swedish column names, as a workbook: read with nothing lost, the same rows as its CSV and as the tidy rows.
//!
//! The fixture `bindings-python/tests/data/kolada-wide.xlsx` (read by the Python tests too) is
//! written here from `kolada-wide.csv`, as Excel saves a sheet typed in by hand: periods and
//! values as numbers, ids as text. `UPDATE_FIXTURES=1 cargo test -p attain-excel --test kolada_sheets a_wide`
//! writes it again. Values are Östersund's and riket's from ../shared/reference/ostersund-values-2.csv.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use attain_core::{Observation, Observations};
use rust_xlsxwriter::Workbook;
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bindings-python/tests/data")
}

/// The `;` CSV as a workbook: a number where the cell reads as one (`47,24`, `2022`), except in
/// the id columns, which are text as a municipality code must be (`0000`).
fn workbook_of(csv: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Kolada").unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.replace(',', ".").parse::<f64>() {
                _ if cell.is_empty() => {}
                Ok(x) if c >= 4 => {
                    ws.write_number(r, c, x).unwrap();
                }
                _ => {
                    ws.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn sorted(d: &Observations) -> Vec<Observation> {
    let mut rows = d.rows().collect::<Vec<_>>();
    rows.sort_by(|a, b| (&a.indicator, &a.entity, &a.period).cmp(&(&b.indicator, &b.entity, &b.period)));
    rows
}

#[test]
fn a_wide_swedish_workbook_reads_as_its_csv_and_its_tidy_rows() {
    let csv = std::fs::read_to_string(data().join("kolada-wide.csv")).unwrap();
    let fixture = data().join("kolada-wide.xlsx");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&fixture, workbook_of(&csv)).unwrap();
    }
    let book = attain_excel::load(&fixture).unwrap();
    let wide_csv = attain_excel::load(data().join("kolada-wide.csv")).unwrap();
    let tidy = attain_excel::load(data().join("kolada-tidy.csv")).unwrap();
    let cells = (csv.lines().count() - 1) * 3;
    assert_eq!((book.len(), cells), (12, 12), "one observation per period cell");
    assert_eq!(book.rows().filter(|r| r.value.is_none()).count(), 2, "the empty cells are gaps");
    assert_eq!(sorted(&book), sorted(&tidy));
    assert_eq!(sorted(&wide_csv), sorted(&tidy));
    // The names column is listed, at the sheet's column.
    let ignored: Vec<String> = book.ignored_columns().iter().map(ToString::to_string).collect();
    assert_eq!(ignored, [format!("{}: column 2 `Kommun` is not read: the entity is read from column 1 (`Kommun-id`)", fixture.display())]);
    // The fixture is what this test writes (not left behind by an older writer).
    let fresh = attain_excel::read_xlsx(workbook_of(&csv), "fresh.xlsx").unwrap();
    assert_eq!(sorted(&fresh), sorted(&book));
}

#[test]
fn a_plan_folder_with_a_workbook_reads_it_as_its_data_in_every_call() {
    let dir = std::env::temp_dir().join(format!("attain-excel-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "[plan]\nid = \"x\"\ntitle = \"x\"\nentity = \"2380\"\n\n[[indicator]]\nid = \"N01982\"\ntitle = \"N01982\"\nrule = \"trend\"\n",
    )
    .unwrap();
    std::fs::copy(data().join("kolada-wide.xlsx"), dir.join("data/kolada.xlsx")).unwrap();
    let plan = attain_excel::load_plan(&dir).unwrap();
    assert_eq!(plan.data().unwrap().len(), 12);
    assert_eq!(plan.bundled_data().unwrap().len(), 12);
    // A plan folder without workbooks is core's plan, its data read on first use.
    std::fs::remove_file(dir.join("data/kolada.xlsx")).unwrap();
    assert_eq!(attain_excel::load_plan(&dir).unwrap().data().unwrap().len(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_workbook_in_a_plan_folder_is_named_by_its_path_in_the_plan() {
    let dir = std::env::temp_dir().join(format!("attain-excel-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("plan.toml"), "[plan]\nid = \"x\"\ntitle = \"x\"\n").unwrap();
    std::fs::write(dir.join("data/values.xlsx"), b"not a workbook").unwrap();
    let e = attain_excel::load_plan(&dir).unwrap_err();
    assert_eq!((e.code(), e.file()), (attain_core::Code::DataMalformedWorkbook, Some("data/values.xlsx")));
    // A row in a workbook and a CSV of the folder is a duplicate naming both.
    std::fs::copy(data().join("kolada-wide.xlsx"), dir.join("data/values.xlsx")).unwrap();
    std::fs::write(dir.join("data/more.csv"), "indicator,entity,period,value\nN01982,2380,2022,47.24\n").unwrap();
    let e = attain_excel::load_plan(&dir).unwrap_err();
    assert_eq!((e.code(), e.file()), (attain_core::Code::DataDuplicateRow, Some("data/values.xlsx")));
    assert!(e.message().contains("(first in `data/more.csv` row 1)"), "{}", e.message());
    std::fs::remove_dir_all(&dir).unwrap();
}
