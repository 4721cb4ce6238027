//! Excel's CSV in Sweden (`;`, decimal commas, a byte-order mark) and tables of cells, each bad input at its file, line and column.

use attain_core::{Code, Observations};

fn read(text: &str) -> Result<Observations, attain_core::Error> {
    Observations::from_csv(text, "excel.csv")
}

#[test]
fn a_semicolon_header_is_found_and_its_values_use_decimal_commas() {
    let d =
        read("\u{feff}kpi;municipality;year;gender;value\r\nN1;2380;2022;T;85,5\r\nN1;2380;2023;T;-3\r\nN1;2380;2021;T;..\r\n").unwrap();
    let values: Vec<Option<f64>> = d.rows().map(|r| r.value).collect();
    assert_eq!(values, [Some(85.5), Some(-3.0), None]);
    assert_eq!(d.row(2).unwrap().missing.as_deref(), Some("sekretess"));
    assert_eq!(d.row(0).unwrap().entity, "2380");
}

#[test]
fn a_quoted_semicolon_in_a_comma_header_does_not_make_it_a_semicolon_file() {
    let d = read("kpi,municipality,year,value,source\nN1,2380,2022,\"85,5\",\"a;b\"\n").unwrap();
    assert_eq!(d.row(0).unwrap().value, Some(85.5));
    assert_eq!(d.row(0).unwrap().source.as_deref(), Some("a;b"));
}

#[test]
fn the_separator_can_be_named() {
    let d = Observations::from_csv_with("kpi;municipality;year;value\nN1;2380;2022;1,5\n", "x.csv", Some(';')).unwrap();
    assert_eq!(d.row(0).unwrap().value, Some(1.5));
    // Named `,`, a `;` file is one column and so an unknown one.
    let e = Observations::from_csv_with("kpi;municipality;year;value\nN1;2380;2022;1,5\n", "x.csv", Some(',')).unwrap_err();
    assert_eq!(e.code(), Code::DataUnknownColumn);
    let e = Observations::from_csv_with("kpi\tvalue\n", "x.csv", Some('\t')).unwrap_err();
    assert_eq!((e.code(), e.file()), (Code::DataInvalidArgument, Some("x.csv")));
    assert!(e.message().contains("is not `,` or `;`"), "{}", e.message());
}

#[test]
fn every_bad_number_in_a_semicolon_file_is_an_error_at_its_line_and_column() {
    for (cell, why) in [
        ("1.234,5", "both a comma and a point"),
        ("1 234,5", "a space"),
        ("1\u{a0}234", "a space"),
        ("1.234", "decimals with a comma"),
        ("85.5", "decimals with a comma"),
        ("1,2,3", "more than one decimal mark"),
        ("85,5%", "is not a number (nor empty"),
        ("åttio", "is not a number (nor empty"),
        ("0x1A", "is not a number (nor empty"),
    ] {
        let e = read(&format!("kpi;municipality;year;value\nN1;2380;2021;1\nN1;2380;2022;{cell}\n")).unwrap_err();
        assert_eq!(e.code(), Code::DataInvalidValue, "{cell}");
        assert_eq!((e.file(), e.line(), e.column(), e.row()), (Some("excel.csv"), Some(3), Some(4), Some(2)), "{cell}");
        assert!(e.message().contains(why), "{cell}: {}", e.message());
    }
    let e = read("kpi;municipality;year;value\nN1;2380;2022;inf\n").unwrap_err();
    assert_eq!(e.code(), Code::DataNotFinite);
}

#[test]
fn a_thousands_separator_in_a_comma_file_is_an_error() {
    for cell in ["\"1,234.5\"", "\"1,234,567\"", "1.234.5", "\"1 234\""] {
        let e = read(&format!("kpi,municipality,year,value\nN1,2380,2022,{cell}\n")).unwrap_err();
        assert_eq!((e.code(), e.line(), e.column()), (Code::DataInvalidValue, Some(2), Some(4)), "{cell}");
        assert!(e.message().contains("thousands separator"), "{cell}: {}", e.message());
    }
}

#[test]
fn bad_semicolon_files_name_their_place() {
    // A row with a field too many: `85,5;1` is read as two fields, not a number.
    let e = read("kpi;municipality;year;value\nN1;2380;2022;85;5\n").unwrap_err();
    assert_eq!((e.code(), e.line()), (Code::DataFieldCount, Some(2)));
    // A quote never closed, counted in `;` fields.
    let e = read("kpi;municipality;year;value\nN1;2380;\"2022;1\n").unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataMalformedCsv, Some(2), Some(3)));
    // An unknown column in a `;` header is named by its number.
    let e = read("kpi;colour;year;value\nN1;2380;2022;1\n").unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataUnknownColumn, Some(1), Some(2)));
    // A byte-order mark alone is an empty file.
    assert_eq!(read("\u{feff}").unwrap_err().code(), Code::DataEmpty);
    // A duplicate across `;` rows.
    let e = read("kpi;municipality;year;value\nN1;2380;2022;1\nN1;2380;2022;2,5\n").unwrap_err();
    assert_eq!((e.code(), e.row()), (Code::DataDuplicateRow, Some(2)));
}

#[test]
fn a_table_is_read_as_csv_rows_are_with_its_place_in_the_sheet() {
    let cells = |c: &[&str]| c.iter().map(|t| Ok(t.to_string())).collect::<Vec<_>>();
    let header = cells(&["Kpi", "municipality", "year", "gender", "value", ""]);
    let rows = vec![
        (1, header.clone()),
        (2, cells(&["N1", "2380", "2022", "T", "85.5"])),
        (3, cells(&["", "", "", "", ""])),
        (4, cells(&["N1", "2380", "2023", "T", "85,5"])),
        (5, cells(&["N1", "2380", "2021", "T", ""])),
    ];
    let d = Observations::from_table("book.xlsx", "Data", rows).unwrap();
    let values: Vec<Option<f64>> = d.rows().map(|r| r.value).collect();
    assert_eq!(values, [Some(85.5), Some(85.5), None]);

    let e =
        Observations::from_table("book.xlsx", "Data", [(1, header.clone()), (7, cells(&["N1", "2380", "2022", "X", "1"]))]).unwrap_err();
    assert_eq!(
        (e.code(), e.file(), e.line(), e.column(), e.row()),
        (Code::DataInvalidGender, Some("book.xlsx"), Some(7), Some(4), Some(1))
    );
    assert!(e.message().starts_with("sheet `Data`: gender `X`"), "{}", e.message());

    let e = Observations::from_table("book.xlsx", "S", [(3, cells(&["kpi", "colour"]))]).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataUnknownColumn, Some(3), Some(2)));

    let e = Observations::from_table("book.xlsx", "S", [(1, header.clone()), (2, cells(&["N1", "2380", "2022", "T", "1", "", "extra"]))])
        .unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataFieldCount, Some(2), Some(7)));

    // A table that starts in column B: columns counted as the sheet counts them.
    let shifted = [(1, cells(&["", "kpi", "municipality", "year", "value"])), (2, cells(&["", "N1", "2380", "2022", "8,5"]))];
    assert_eq!(Observations::from_table("book.xlsx", "S", shifted.clone()).unwrap().row(0).unwrap().value, Some(8.5));
    let bad = [shifted[0].clone(), (2, cells(&["", "N1", "2380", "2022", "1,234.5"]))];
    let e = Observations::from_table("book.xlsx", "S", bad).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataInvalidValue, Some(2), Some(5)));
    let left = [shifted[0].clone(), (2, cells(&["note", "N1", "2380", "2022", "1"]))];
    let e = Observations::from_table("book.xlsx", "S", left).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), (Code::DataFieldCount, Some(2), Some(1)));

    let e = Observations::from_table("book.xlsx", "S", Vec::new()).unwrap_err();
    assert_eq!(e.code(), Code::DataEmpty);
    assert!(e.message().starts_with("sheet `S`: the sheet is empty"), "{}", e.message());
}
