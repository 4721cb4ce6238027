//! Spreadsheets as analysts have them: Swedish column names, `Kommun` of names or ids, wide sheets (a column per period), each bad input at its place.
//!
//! Values are Östersund's (2380) and riket's (0000) from ../shared/reference/ostersund-values-2.csv;
//! N01982 has no 2024 value for Östersund, a real gap.

use crate::common::obs;
use attain_core::{Code, Gender, Observation, Observations, TableCell};
use serde_json::json;

fn csv(text: &str) -> Result<Observations, attain_core::Error> {
    Observations::from_csv(text, "kolada.csv")
}

fn sorted(d: &Observations) -> Vec<Observation> {
    let mut rows = d.rows().collect::<Vec<_>>();
    rows.sort_by(|a, b| (&a.indicator, &a.entity, &a.period).cmp(&(&b.indicator, &b.entity, &b.period)));
    rows
}

/// The wide sheet of the tests: two indicators, Östersund and riket, 2022 to 2024.
const WIDE: &str = "\
Kommun-id;Kommun;Nyckeltals-id;Kön;2022;2023;2024
2380;Östersund;N01982;Totalt;47,24;47,98;
0000;Riket;N01982;Totalt;46,23;46,95;47,73
2380;Östersund;N07906;Totalt;1,58;3,08;
0000;Riket;N07906;Totalt;3,92;5,06;3,71
";

/// The same values, one per row, as the reference file has them (and the two gaps).
const TIDY: &str = "\
indicator,entity,period,gender,value
N01982,2380,2022,T,47.24
N01982,2380,2023,T,47.98
N01982,2380,2024,T,
N01982,0000,2022,T,46.23
N01982,0000,2023,T,46.95
N01982,0000,2024,T,47.73
N07906,2380,2022,T,1.58
N07906,2380,2023,T,3.08
N07906,2380,2024,T,
N07906,0000,2022,T,3.92
N07906,0000,2023,T,5.06
N07906,0000,2024,T,3.71
";

fn cells(row: &[&str]) -> Vec<TableCell> {
    row.iter().map(|c| Ok((*c).to_string())).collect()
}

/// A `;` CSV as a sheet's rows, numbered from 1.
fn table(text: &str) -> Vec<(usize, Vec<TableCell>)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, cells(&l.split(';').collect::<Vec<_>>()))).collect()
}

// ---------------------------------------------------------------- Swedish names

#[test]
fn swedish_column_names_read_as_the_vocabulary_in_any_case() {
    let d = csv("Nyckeltals-id;Kommun-id;År;Kön;Värde\nN01982;2380;2022;Totalt;47,24\nN01982;0000;2022;T;46,23\n").unwrap();
    assert_eq!(d.rows().collect::<Vec<_>>(), [obs("N01982", "2380", "2022", Some(47.24)), obs("N01982", "0000", "2022", Some(46.23))]);
    for header in
        [" KPI-ID ;kommunkod;PERIOD;värde", "kpi_id;Kommun-ID;år;VÄRDE", "Nyckeltal;Område-id;År;Värde", "Nyckeltal;Kommun;År;Värde"]
    {
        let d = csv(&format!("{header}\nN01982;2380;2022;47,24\n")).unwrap();
        assert_eq!(d.rows().collect::<Vec<_>>(), [obs("N01982", "2380", "2022", Some(47.24))], "{header}");
        assert!(d.ignored_columns().is_empty(), "{header}");
    }
    // A reason for a gap under `Saknas` or `Status`.
    for name in ["Saknas", "Status"] {
        let d = csv(&format!("Nyckeltal;Kommun-id;År;Värde;{name}\nN01982;2380;2024;;ej publicerat\n")).unwrap();
        assert_eq!(d.row(0).unwrap().missing.as_deref(), Some("ej publicerat"), "{name}");
    }
}

#[test]
fn gender_cells_read_in_swedish_and_english() {
    for (cell, want) in
        [("Totalt", Gender::T), ("Kvinnor", Gender::K), ("MÄN", Gender::M), ("T", Gender::T), ("k", Gender::K), ("men", Gender::M)]
    {
        assert_eq!(Gender::parse(cell), Some(want), "{cell}");
    }
    let e = csv("Nyckeltal;Kommun-id;År;Kön;Värde\nN01982;2380;2022;Okänd;47,24\n").unwrap_err();
    assert_eq!((e.code(), e.file(), e.line(), e.column()), (Code::DataInvalidGender, Some("kolada.csv"), Some(2), Some(4)));
    assert_eq!(e.message(), "gender `Okänd` is not T, K or M");
}

#[test]
fn host_rows_take_the_same_names() {
    let d =
        Observations::from_values(&[json!({"Nyckeltals-id": "N01982", "Kommun-id": "2380", "År": 2022, "Kön": "Totalt", "Värde": 47.24})])
            .unwrap();
    assert_eq!(d.rows().collect::<Vec<_>>(), [obs("N01982", "2380", "2022", Some(47.24))]);
    let e =
        Observations::from_values(&[json!({"kpi": "N01982", "Nyckeltals-id": "N01982", "entity": "2380", "period": "2022"})]).unwrap_err();
    assert_eq!((e.code(), e.row()), (Code::DataDuplicateField, Some(1)));
    // A data frame's columns, by the same names.
    let columns = vec![
        ("Nyckeltals-id".to_string(), vec![json!("N01982")]),
        ("Kommun-ID".to_string(), vec![json!("2380")]),
        ("År".to_string(), vec![json!(2022)]),
        ("Värde".to_string(), vec![json!(47.24)]),
    ];
    assert_eq!(Observations::from_host_columns(columns).unwrap().rows().collect::<Vec<_>>(), [obs("N01982", "2380", "2022", Some(47.24))]);
}

#[test]
fn a_kommun_column_of_names_beside_an_id_column_is_listed_not_read() {
    let d = csv("Kommun;Kommun-id;Nyckeltal;År;Värde\nÖstersund;2380;N01982;2022;47,24\n").unwrap();
    assert_eq!(d.rows().collect::<Vec<_>>(), [obs("N01982", "2380", "2022", Some(47.24))]);
    let ignored = d.ignored_columns();
    assert_eq!(ignored.len(), 1);
    assert_eq!((ignored[0].file.as_deref(), ignored[0].column, ignored[0].name.as_str()), (Some("kolada.csv"), 1, "Kommun"));
    assert_eq!(ignored[0].reason, "the entity is read from column 2 (`Kommun-id`)");
    // A sheet starting in column B counts its columns as the sheet does.
    let rows = [
        (1, cells(&["", "Kommun", "Kommun-id", "Nyckeltal", "År", "Värde"])),
        (2, cells(&["", "Östersund", "2380", "N01982", "2022", "47,24"])),
    ];
    let d = Observations::from_table("book.xlsx", "Blad1", rows).unwrap();
    assert_eq!(d.ignored_columns()[0].column, 2);
    // Kept through a merge of files.
    let other = csv("indicator,entity,period,value\nN07906,2380,2022,1.58\n").unwrap();
    assert_eq!(Observations::combine([d, other]).unwrap().ignored_columns().len(), 1);
}

#[test]
fn names_with_no_id_column_are_an_error_at_the_cell_saying_why() {
    let e = csv("Kommun;Nyckeltal;År;Värde\n2380;N01982;2022;47,24\nÖstersund;N01982;2023;47,98\n").unwrap_err();
    assert_eq!(
        (e.code(), e.file(), e.line(), e.column(), e.row()),
        (Code::DataMissingColumn, Some("kolada.csv"), Some(3), Some(1), Some(2))
    );
    assert!(
        e.message().starts_with("`Kommun` holds `Östersund`, a name: attain needs the municipality's id (Kolada's `Kommun-id`"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("no table of names to ids"), "{}", e.message());
    let e = csv("Kommun-id;Nyckeltal;År;Värde\n2380;Andel elever, %;2022;47,24\n").unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataMissingColumn, Some(2), Some(2)));
    assert!(e.message().contains("the indicator's id"), "{}", e.message());
    // In a sheet, at the sheet's row and column.
    let rows = [(4, cells(&["Kommun", "Nyckeltal", "År", "Värde"])), (5, cells(&["Östersund", "N01982", "2022", "47,24"]))];
    let e = Observations::from_table("book.xlsx", "Blad1", rows).unwrap_err();
    assert_eq!((e.code(), e.file(), e.line(), e.column()), (Code::DataMissingColumn, Some("book.xlsx"), Some(5), Some(1)));
}

#[test]
fn an_id_column_missing_is_an_error_at_the_header() {
    let e = csv("Nyckeltal;År;Värde\nN01982;2022;47,24\n").unwrap_err();
    assert_eq!(
        (e.code(), e.line(), e.column(), e.message()),
        (Code::DataMissingColumn, Some(1), Some(1), "the header has no `entity` column")
    );
    let e = csv("Kommun-id;Kön;2022;2023\n2380;T;47,24;47,98\n").unwrap_err();
    assert_eq!((e.code(), e.message()), (Code::DataMissingColumn, "the header has no `indicator` column"));
}

// ---------------------------------------------------------------- wide sheets

#[test]
fn a_wide_sheet_is_one_observation_per_cell_gaps_kept() {
    let wide = csv(WIDE).unwrap();
    let tidy = csv(TIDY).unwrap();
    let cells_read = WIDE.lines().skip(1).count() * 3;
    assert_eq!((cells_read, wide.len()), (12, 12), "every cell is an observation");
    assert_eq!(wide.rows().filter(|r| r.value.is_none()).count(), 2, "the empty 2024 cells are gaps");
    assert_eq!(sorted(&wide), sorted(&tidy));
    assert_eq!(wide.ignored_columns()[0].name, "Kommun");
    // The same sheet as a table of cells.
    let sheet = Observations::from_table("book.xlsx", "Blad1", table(WIDE)).unwrap();
    assert_eq!(sorted(&sheet), sorted(&tidy));
}

#[test]
fn a_wide_sheet_takes_every_period_form_and_no_gender_column() {
    // Synthetic: no such indicator or values exist.
    let d = csv("kpi,municipality,2023-t2,2023-Q1,2023-05\nX-SYNTHETIC,9999,1,2,3\n").unwrap();
    let all: Vec<_> = d.rows().collect();
    let periods: Vec<(&str, Gender)> = all.iter().map(|r| (r.period.as_str(), r.gender)).collect();
    assert_eq!(periods, [("2023-T2", Gender::T), ("2023-Q1", Gender::T), ("2023-05", Gender::T)]);
}

#[test]
fn a_bad_cell_of_a_wide_sheet_is_placed_at_its_row_and_period_column() {
    let text = WIDE.replace("3,92", "3.92");
    let e = csv(&text).unwrap_err();
    assert_eq!(
        (e.code(), e.file(), e.line(), e.column(), e.row()),
        (Code::DataInvalidValue, Some("kolada.csv"), Some(5), Some(5), Some(4))
    );
    let e = Observations::from_table("book.xlsx", "Blad1", table(&WIDE.replace("46,95", "n/a"))).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column(), e.row()), (Code::DataInvalidValue, Some(3), Some(6), Some(2)));
    assert!(e.message().starts_with("sheet `Blad1`: value `n/a`"), "{}", e.message());
    let e = csv(&WIDE.replace("0000;Riket;N07906;Totalt", "0000;Riket;N07906;Okänd")).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataInvalidGender, Some(5), Some(4)));
}

#[test]
fn a_row_twice_in_a_wide_sheet_names_its_sheet_row() {
    let text = format!("{WIDE}2380;Östersund;N01982;Totalt;47,24;47,98;\n");
    let e = csv(&text).unwrap_err();
    assert_eq!((e.code(), e.file(), e.row()), (Code::DataDuplicateRow, Some("kolada.csv"), Some(5)));
    assert!(e.message().ends_with("(first at row 1)"), "{}", e.message());
}

#[test]
fn bad_wide_headers_are_errors_at_their_column() {
    for (header, code, column, message) in [
        (
            "Kommun-id;Nyckeltal;2019;20x9",
            Code::DataUnknownColumn,
            4,
            "column `20x9` is neither a period (`2023`, `2023-T2`, `2023-Q1`, `2023-05`) nor a field",
        ),
        ("Kommun-id;Nyckeltal;2022;2023;2022", Code::DataDuplicateColumn, 5, "column `2022` repeats column 3; give each column once"),
        ("Kommun-id;Nyckeltal;2023-T2;2023-t2", Code::DataDuplicateColumn, 4, "column `2023-t2` repeats column 3 (`2023-T2`)"),
        (
            "Kommun-id;Nyckeltal;Värde;2022;2023",
            Code::DataMixedLayout,
            3,
            "column `Värde` belongs to a sheet of one value per row, but column 4 (`2022`)",
        ),
        ("Kommun-id;Nyckeltal;År;2022", Code::DataMixedLayout, 3, "column `År` belongs to a sheet of one value per row"),
        ("Kommun-id;Nyckeltal;2022;Saknas", Code::DataMixedLayout, 4, "column `Saknas` belongs to a sheet of one value per row"),
    ] {
        let e = csv(&format!("{header}\n")).unwrap_err();
        assert_eq!((e.code(), e.line(), e.column()), (code, Some(1), Some(column)), "{header}: {}", e.message());
        assert!(e.message().starts_with(message), "{header}: {}", e.message());
    }
}

// ---------------------------------------------------------------- workbooks in a plan folder

#[test]
fn core_alone_refuses_the_data_of_a_folder_with_a_workbook_naming_it() {
    use attain_core::{EntryAction, EntryKind, folder_entry};
    assert_eq!(folder_entry("data/kolada.XLSX", EntryKind::File).unwrap(), EntryAction::Workbook);
    assert_eq!(folder_entry("data/sub/kolada.xlsx", EntryKind::LinkToFile).unwrap(), EntryAction::Workbook);
    assert_eq!(folder_entry("docs/kolada.xlsx", EntryKind::File).unwrap(), EntryAction::Skip, "not data");
    assert_eq!(folder_entry("data/.~lock.xlsx", EntryKind::File).unwrap(), EntryAction::Skip, "hidden");

    let dir = std::env::temp_dir().join(format!("attain-core-workbook-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("plan.toml"), "[plan]\nid = \"x\"\ntitle = \"x\"\n").unwrap();
    std::fs::write(dir.join("data/values.csv"), TIDY).unwrap();
    // Core does not open it: any bytes will do.
    std::fs::write(dir.join("data/kolada.xlsx"), b"PK").unwrap();
    let plan = attain_core::Plan::load(&dir).unwrap();
    assert_eq!(plan.files().workbooks(), ["data/kolada.xlsx"]);
    let e = plan.data().unwrap_err();
    assert_eq!((e.code(), e.file()), (Code::DataUnreadWorkbook, Some("data/kolada.xlsx")));
    assert!(e.message().contains("save the sheet as CSV"), "{}", e.message());
    // The data a workbook reader gives with it: the CSV's rows and the workbook's.
    let book = csv("kpi,municipality,year,value\nN01982,2380,2021,46.39\n").unwrap();
    assert_eq!(plan.data_with(vec![book.clone()]).unwrap().len(), 13);
    assert_eq!(plan.clone().with_data(book).data().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
