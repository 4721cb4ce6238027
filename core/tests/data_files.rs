//! Issue 16: the data files of a plan folder are read each on its own task (two threads or
//! more), and what comes out is what reading them one after the other gives: the rows, ids and
//! order, the first error in file order, and a duplicate across files naming both.

use crate::common::{plan, plan_files};
use attain_core::{Error, Observations, Plan};

const PLAN: &str = "[plan]\nid = \"p\"\ntitle = \"P\"\nentity = \"1\"\nperiod = \"2023\"\n\
                    [[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"I\"]\n\
                    [[indicator]]\nid = \"I\"\ntitle = \"I\"\nrule = \"rules/five.rhai\"\n";
const RULE: &str = "if value >= 5 { attained() } else { not_attained() }";
const HEADER: &str = "indicator,entity,period,value\n";

/// A CSV of `rows` good rows for entity `entity`, years 1000 on.
fn rows(entity: &str, rows: usize) -> String {
    let mut text = HEADER.to_string();
    for year in 1000..1000 + rows {
        text.push_str(&format!("I,{entity},{year},{}\n", year % 7));
    }
    text
}

/// A Kolada response of `items` items for entity `entity`, years 1000 on, T, K and M each.
fn kolada(entity: &str, items: usize) -> String {
    let items: Vec<String> = (1000..1000 + items)
        .map(|year| {
            format!(
                "{{\"kpi\": \"I\", \"municipality\": \"{entity}\", \"period\": {year}, \"values\": [\
                 {{\"gender\": \"T\", \"value\": {}}}, {{\"gender\": \"K\", \"value\": 1.5}}, {{\"gender\": \"M\", \"value\": null}}]}}",
                year % 9
            )
        })
        .collect();
    format!("{{\"count\": {}, \"values\": [{}]}}", items.len(), items.join(",\n"))
}

/// The folder's data read one file after the other, as `Plan::data_with` did before.
fn in_order(files: &[(&str, String)]) -> Result<Observations, Error> {
    let mut sorted = files.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let parts = sorted.iter().map(|(path, text)| Observations::parse(text, path)).collect::<Result<Vec<_>, _>>()?;
    Observations::combine(parts)
}

fn folder(files: &[(&str, String)]) -> Plan {
    let mut extra: Vec<(&str, &str)> = vec![("rules/five.rhai", RULE)];
    extra.extend(files.iter().map(|(p, t)| (*p, t.as_str())));
    plan(PLAN, &extra)
}

fn describe(e: &Error) -> String {
    format!("{e} {:?} {:?} {:?} {:?}", e.code(), e.file(), e.row(), e.line())
}

#[test]
fn the_first_bad_file_in_order_is_the_error_though_a_later_one_fails_sooner() {
    // The second file is long and bad at its end, the third bad at its first row: a task on the
    // third meets its error first, but the error is the second's, as in order.
    let mut second = rows("2", 40_000);
    second.push_str("I,2,9999,not a number\n");
    let files = [
        ("data/a.csv", rows("1", 10)),
        ("data/b.csv", second),
        ("data/c.csv", format!("{HEADER}I,3,2022,x\n")),
        ("data/d.json", "{\"values\": 3}".to_string()),
    ];
    let e = folder(&files).bundled_data().unwrap_err();
    assert_eq!(e.file(), Some("data/b.csv"), "{e}");
    assert_eq!(e.row(), Some(40_001), "{e}");
    assert_eq!(describe(&e), describe(&in_order(&files).unwrap_err()));
    // With the second file good, the third's error.
    let files = [("data/a.csv", rows("1", 10)), ("data/b.csv", rows("2", 40_000)), files[2].clone(), files[3].clone()];
    let e = folder(&files).bundled_data().unwrap_err();
    assert_eq!(e.file(), Some("data/c.csv"), "{e}");
    assert_eq!(describe(&e), describe(&in_order(&files).unwrap_err()));
}

#[test]
fn a_row_two_files_hold_names_both_as_in_order() {
    // `c` holds a row of `a` and one of `b`; the error is at the earliest second copy.
    let files = [
        ("data/a.json", kolada("1", 300)),
        ("data/b.csv", rows("2", 5_000)),
        ("data/c.csv", format!("{HEADER}I,9,2022,1\nI,2,1003,1\nI,1,1001,4\n")),
    ];
    let e = folder(&files).bundled_data().unwrap_err();
    assert_eq!((e.file(), e.row()), (Some("data/c.csv"), Some(2)), "{e}");
    assert!(e.message().contains("(first in `data/b.csv` row 4)"), "{e}");
    assert_eq!(describe(&e), describe(&in_order(&files).unwrap_err()));
    // Two Kolada responses holding the same item name the item and value of both.
    let files = [("data/a.json", kolada("1", 200)), ("data/b.json", kolada("1", 50))];
    let e = folder(&files).bundled_data().unwrap_err();
    assert_eq!(e.file(), Some("data/b.json"), "{e}");
    assert!(e.message().contains("in `data/a.json`"), "{e}");
    assert_eq!(describe(&e), describe(&in_order(&files).unwrap_err()));
}

#[test]
fn the_files_read_on_their_own_tasks_are_the_files_read_in_order() {
    let files = [
        ("data/a.json", kolada("0180", 2_000)),
        ("data/b.csv", rows("2380", 3_000)),
        ("data/c.json", kolada("2380", 500).replace("\"I\"", "\"J\"")),
        ("data/d.csv", "indicator,entity,period,value,Kommun\nK,0000,2022,3,Riket\n".to_string()),
    ];
    let read = folder(&files).bundled_data().unwrap();
    let want = in_order(&files).unwrap();
    assert_eq!(read.len(), 2_000 * 3 + 3_000 + 500 * 3 + 1);
    assert_eq!(read.len(), want.len());
    assert!(read.rows().eq(want.rows()), "the rows and their order are those of a reading in order");
    assert!(read.entities().eq(want.entities()));
    assert!(read.periods().eq(want.periods()));
    assert_eq!(read.ignored_columns(), want.ignored_columns());
    assert_eq!(read.to_json(), want.to_json());
    // A folder of one file reads as that file.
    let one = Plan::from_files(plan_files(PLAN, &[("rules/five.rhai", RULE), ("data/a.json", &files[0].1)])).unwrap();
    assert!(one.bundled_data().unwrap().rows().eq(Observations::parse(&files[0].1, "data/a.json").unwrap().rows()));
}
