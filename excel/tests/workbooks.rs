//! Workbooks both ways: sheets read as CSV rows are, and reports written with numbers as numbers and statuses in the scale's colours.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use attain_core::{Code, Observations, Plan, PlanFiles, Query};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Workbook};
use std::io::{Cursor, Read};

fn book(fill: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut wb = Workbook::new();
    fill(&mut wb);
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_sheet_is_read_with_numbers_text_numbers_and_gaps() {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("Data").unwrap();
        for (c, h) in ["kpi", "municipality", "year", "gender", "value", "status"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "N1").unwrap();
        ws.write_string(1, 1, "0180").unwrap();
        ws.write_number(1, 2, 2022).unwrap();
        ws.write_string(1, 3, "T").unwrap();
        ws.write_number(1, 4, 85.5).unwrap();
        ws.write_string(2, 0, "N1").unwrap();
        ws.write_string(2, 1, "0180").unwrap();
        ws.write_number(2, 2, 2023).unwrap();
        ws.write_string(2, 3, "K").unwrap();
        ws.write_string(2, 4, "72,25").unwrap();
        ws.write_string(3, 0, "N1").unwrap();
        ws.write_string(3, 1, "0180").unwrap();
        ws.write_number(3, 2, 2021).unwrap();
        ws.write_string(3, 3, "T").unwrap();
        ws.write_string(3, 5, "bortfall").unwrap();
        // An empty second sheet, as Excel makes them, is no table.
        wb.add_worksheet();
    });
    let d = attain_excel::read_xlsx(bytes, "book.xlsx").unwrap();
    let all: Vec<_> = d.rows().collect();
    let rows: Vec<(&str, &str, Option<f64>, Option<&str>)> =
        all.iter().map(|r| (r.entity.as_str(), r.period.as_str(), r.value, r.missing.as_deref())).collect();
    assert_eq!(rows, [("0180", "2022", Some(85.5), None), ("0180", "2023", Some(72.25), None), ("0180", "2021", None, Some("bortfall"))]);
}

fn one_bad_cell(write: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> attain_core::Error {
    let bytes = book(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("Blad1").unwrap();
        for (c, h) in ["kpi", "municipality", "year", "value"].iter().enumerate() {
            ws.write_string(2, c as u16 + 1, *h).unwrap();
        }
        for (c, v) in ["N1", "2380", "2022"].iter().enumerate() {
            ws.write_string(3, c as u16 + 1, *v).unwrap();
        }
        ws.write_number(3, 4, 1).unwrap();
        for (c, v) in ["N1", "2380", "2023"].iter().enumerate() {
            ws.write_string(4, c as u16 + 1, *v).unwrap();
        }
        write(ws);
    });
    attain_excel::read_xlsx(bytes, "book.xlsx").unwrap_err()
}

#[test]
fn a_bad_cell_is_an_error_at_its_file_sheet_row_and_column() {
    // The table starts at B3; the bad value is E5: row 5, column 5, the second data row.
    let e = one_bad_cell(|ws| {
        ws.write_string(4, 4, "1,234.5").unwrap();
    });
    assert_eq!((e.code(), e.file(), e.line(), e.column(), e.row()), (Code::DataInvalidValue, Some("book.xlsx"), Some(5), Some(5), Some(2)));
    assert!(e.message().starts_with("sheet `Blad1`: value `1,234.5` is not a number"), "{}", e.message());
    let e = one_bad_cell(|ws| {
        ws.write_boolean(4, 4, true).unwrap();
    });
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataInvalidType, Some(5), Some(5)));
    let e = one_bad_cell(|ws| {
        let date = ExcelDateTime::from_ymd(2023, 1, 1).unwrap();
        let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(4, 3, &date, &f).unwrap();
    });
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataInvalidType, Some(5), Some(4)));
    assert!(e.message().contains("a date"), "{}", e.message());
    let e = one_bad_cell(|ws| {
        ws.write_string(4, 7, "a note outside the table").unwrap();
    });
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataFieldCount, Some(5), Some(8)));
    let e = one_bad_cell(|ws| {
        ws.write_number(4, 4, 1).unwrap();
        ws.write_string(4, 3, "2022").unwrap();
    });
    assert_eq!((e.code(), e.row()), (Code::DataDuplicateRow, Some(2)));
}

#[test]
fn what_is_not_a_workbook_says_so() {
    let e = attain_excel::read_xlsx(b"kpi,value\n".to_vec(), "fake.xlsx").unwrap_err();
    assert_eq!((e.code(), e.file()), (Code::DataMalformedWorkbook, Some("fake.xlsx")));
    let e = attain_excel::read_xlsx(
        book(|wb| {
            wb.add_worksheet();
        }),
        "empty.xlsx",
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::DataEmpty);
    let e = attain_excel::load("/no/such/file.xlsx").unwrap_err();
    assert_eq!(e.code(), Code::IoNotFound);
}

const PLAN: &str = r#"
[plan]
id = "x"
title = "X"
entity = "1"
language = "sv"
[comparison]
national = "0000"
[[goal]]
id = "g1"
title = "Mål ett"
indicators = ["up", "down"]
[[indicator]]
id = "up"
title = "Upp"
unit = "%"
rule = "reference"
[[indicator]]
id = "down"
title = "Ned"
rule = "reference"
"#;

fn report() -> attain_core::Report {
    let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), PLAN.to_string())])).unwrap();
    let data = Observations::from_csv(
        "kpi;municipality;year;value\nup;1;2022;85,5\nup;0000;2022;80\ndown;1;2022;10\ndown;0000;2022;20,5\n",
        "d.csv",
    )
    .unwrap();
    plan.evaluate(&data, &Query::default()).unwrap()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The `s` (style index) of cell `at` (`C2`) in a sheet's XML.
fn style_of(sheet: &str, at: &str) -> usize {
    let start = sheet.find(&format!("<c r=\"{at}\"")).unwrap_or_else(|| panic!("no cell {at}"));
    let cell = &sheet[start..sheet[start..].find('>').map_or(sheet.len(), |e| start + e)];
    cell.split(" s=\"").nth(1).and_then(|s| s.split('"').next()).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The fill colour (`FF2E7D32`) of style `xf` in styles.xml.
fn fill_of(styles: &str, xf: usize) -> Option<String> {
    let xfs = &styles[styles.find("<cellXfs")?..];
    let xf_text = xfs.split("<xf ").nth(xf + 1)?;
    let fill: usize = xf_text.split("fillId=\"").nth(1)?.split('"').next()?.parse().ok()?;
    let fills = &styles[styles.find("<fills")?..styles.find("</fills>")?];
    let fill_text = fills.split("<fill>").nth(fill + 1)?;
    Some(fill_text.split("fgColor rgb=\"").nth(1)?.split('"').next()?.to_string())
}

#[test]
fn a_report_workbook_has_numbers_as_numbers_and_statuses_in_the_scale_colours() {
    let report = report();
    let bytes = attain_excel::report_xlsx(&report).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Mål", "Nyckeltal"]);

    let goals = book.worksheet_range("Mål").unwrap();
    let head: Vec<String> = goals.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(head, ["id", "title", "status", "label", "basis", "reason"]);
    let g = &report.goals[0];
    assert_eq!(goals.get((1, 0)), Some(&Data::String("g1".into())));
    assert_eq!(goals.get((1, 3)), Some(&Data::String(g.label.clone())));

    let ind = book.worksheet_range("Nyckeltal").unwrap();
    let head: Vec<String> = ind.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let (columns, _) = attain_core::indicator_table(&report);
    assert_eq!(head, columns);
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let up = 1 + report.indicators.iter().position(|r| r.id == "up").unwrap();
    assert_eq!(ind.get((up, at("value"))), Some(&Data::Float(85.5)));
    assert_eq!(ind.get((up, at("national"))), Some(&Data::Float(80.0)));
    // No target: an empty cell, not a text "".
    assert!(matches!(ind.get((up, at("target"))), None | Some(Data::Empty)), "{:?}", ind.get((up, at("target"))));
    assert_eq!(ind.get((up, at("indicator"))), Some(&Data::String("up".into())));

    // Colours: the status cells' style fills with the level's colour, from styles.xml.
    let styles = part(&bytes, "xl/styles.xml");
    let sheet1 = part(&bytes, "xl/worksheets/sheet1.xml");
    let want = |hex: &str| format!("FF{}", hex.trim_start_matches('#').to_ascii_uppercase());
    assert_eq!(fill_of(&styles, style_of(&sheet1, "C2")), Some(want(&g.color)), "goal status C2");
    assert_eq!(fill_of(&styles, style_of(&sheet1, "D2")), Some(want(&g.color)), "goal label D2");
    assert_ne!(style_of(&sheet1, "C2"), 0, "a status cell has a style of its own");
    assert_eq!(fill_of(&styles, style_of(&sheet1, "B2")), None, "the title is not filled");
    let sheet2 = part(&bytes, "xl/worksheets/sheet2.xml");
    let status_col = (b'A' + at("status") as u8) as char;
    for (i, r) in report.indicators.iter().enumerate() {
        assert_eq!(fill_of(&styles, style_of(&sheet2, &format!("{status_col}{}", i + 2))), Some(want(&r.color)), "{}", r.id);
    }
    // Two levels seen, two colours: the statuses differ.
    assert_ne!(report.indicators[0].color, report.indicators[1].color);
    // The header row is frozen.
    assert!(sheet1.contains("state=\"frozen\"") && sheet2.contains("state=\"frozen\""));
}
