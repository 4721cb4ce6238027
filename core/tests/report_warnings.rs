//! The rendered reports show the report's warnings (a short "Varningar"/"Warnings" section,
//! within the table's width), and nothing when there are none.

use crate::common::{csv, evaluate, plan};
use attain_core::{Format, Report, TableOptions, render, render_table, render_warnings};

fn report(language: &str, data: &str) -> Report {
    let toml = format!(
        "[plan]\nid = \"w\"\ntitle = \"W\"\nlanguage = \"{language}\"\n[[goal]]\nid = \"1\"\ntitle = \"G\"\nindicators = [\"N21030\"]\n\
         [[indicator]]\nid = \"N21030\"\ntitle = \"Kostnad\"\nrule = \"reference\"\nparams = {{ against = 5 }}\n"
    );
    evaluate(&plan(&toml, &[]), &csv(data), "2380", "2023")
}

const TYPO: &str = "indicator,entity,period,value\nN21030,2380,2023,80\nN2103O,2380,2023,5\nN2103O,2380,2022,6\n";
const CLEAN: &str = "indicator,entity,period,value\nN21030,2380,2023,80\n";
const SAID: &str = "2 rader för okänt nyckeltal N2103O (menade du N21030?)";

#[test]
fn the_table_shows_the_warnings_under_the_legend_within_its_width() {
    let r = report("sv", TYPO);
    let mut options = TableOptions::default();
    options.width = 40;
    let table = render_table(&r, &options).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    let at = lines.iter().position(|l| *l == "Varningar").expect("a Varningar section");
    assert!(lines[at + 1].starts_with("  ! 2 rader för okänt"), "{table}");
    assert!(table.contains("(menade du") && table.contains("[data.unknown_indicator]"), "{table}");
    assert!(lines.iter().all(|l| l.chars().count() <= 40), "{table}");
    assert!(at < lines.iter().position(|l| l.contains("Mål 1")).unwrap(), "the warnings come before the goals:\n{table}");
    let en = render_table(&report("en", TYPO), &TableOptions::default()).unwrap();
    assert!(en.contains("\nWarnings\n  ! 2 rows for unknown indicator N2103O"), "{en}");
}

#[test]
fn markdown_html_and_the_fragment_show_the_warnings() {
    let r = report("sv", TYPO);
    let md = render(&r, Format::Markdown);
    assert!(md.contains(&format!("## Varningar\n\n- {SAID} (`data.unknown_indicator`)\n")), "{md}");
    let page = render(&r, Format::Html);
    assert!(
        page.contains(&format!(
            "<section class=\"warnings\"><h2>Varningar</h2><ul><li>{SAID} <code>data.unknown_indicator</code></li></ul></section>"
        )),
        "{page}"
    );
    let fragment = render(&r, Format::HtmlFragment);
    assert!(fragment.contains(&format!("<section class=\"warnings\"><b>Varningar</b><ul><li>{SAID} <code>")), "{fragment}");
}

#[test]
fn a_report_without_warnings_shows_no_section() {
    let r = report("sv", CLEAN);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    for text in [
        render_table(&r, &TableOptions::default()).unwrap(),
        render(&r, Format::Markdown),
        render(&r, Format::Html),
        render(&r, Format::HtmlFragment),
    ] {
        assert!(!text.contains("Varningar") && !text.contains("class=\"warnings\""), "{text}");
    }
    assert_eq!(render_warnings(&r, 100), "");
}

#[test]
fn warnings_beside_other_output_are_wrapped_under_their_first_line() {
    let r = report("sv", TYPO);
    let text = render_warnings(&r, 40);
    assert_eq!(text, "varning: 2 rader för okänt nyckeltal\n    N2103O (menade du N21030?)\n    [data.unknown_indicator]\n");
}

/// Many entities at once: `0180`, lost as `180` in a spreadsheet, is a warning naming the id found.
#[test]
fn an_entity_that_lost_its_leading_zero_is_a_warning_naming_the_id_found() {
    let toml =
        "[plan]\nid = \"w\"\ntitle = \"W\"\nlanguage = \"sv\"\n[[indicator]]\nid = \"N21030\"\ntitle = \"K\"\ntargets = { 2023 = 70.0 }\n";
    let data = csv("indicator,entity,period,value\nN21030,180,2023,80\nN21030,2380,2023,75\n");
    let reports = plan(toml, &[]).evaluate_many(&data, &["0180".into(), "2380".into()], &["2023".into()]).unwrap();
    let w = reports[0].warnings.iter().find(|w| w.code.as_str() == "data.leading_zeros").expect("a data.leading_zeros warning");
    assert_eq!(w.message, "0180: datan har `180`: en sifferruta tappar sin inledande nolla; skriv id:n som text");
    assert_eq!(w.ids, ["180"]);
    assert!(reports[1].warnings.is_empty(), "{:?}", reports[1].warnings);
}
