//! Safe output: a plan whose every text is hostile (markup, attribute breakers, Markdown cell
//! breakers, spreadsheet formulas, terminal escapes, line breaks) goes through every renderer,
//! which writes it inert; and a report handed back to the renderers with hostile fields
//! (`decimals = 65536`, NaN, ±f64::MAX, huge strings) renders without a panic.

use crate::common::{evaluate, plan};
use attain_core::{Format, Observations, Report, render};

/// Everything at once: starts as a formula, then markup, a Markdown cell, a terminal escape and
/// a line break. `{}` is replaced with the field's name so that each field can be found.
const PAYLOAD: &str = "=HYPERLINK(\"http://evil/{}\",\"x\") <script>alert(1)</script> \"><svg onload=alert(1)> | x | \u{1b}[2J\nline2 {}";

fn hostile(field: &str) -> String {
    PAYLOAD.replace("{}", field)
}

/// A TOML basic string holding `s` exactly.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hostile_plan_toml() -> String {
    let h = |f: &str| toml_str(&hostile(f));
    format!(
        r##"[plan]
id = {plan_id}
title = {plan_title}
entity = "1"
period = "2022"
[entities]
"1" = {entity_name}
[scale]
levels = [
  {{ id = "attained", label = {label}, color = "red;background:url(http://evil/css)", score = 1.0 }},
  {{ id = "not_attained", label = "no", color = "\"><script>alert(2)</script>", score = 0.0 }},
]
no_data = {{ id = "no_data", label = "none", color = "#9e9e9e" }}
[[goal]]
id = {goal_id}
title = {goal_title}
text = {goal_text}
indicators = [{ind_id}]
key_figures = ["K"]
[[indicator]]
id = {ind_id}
title = {ind_title}
unit = {ind_unit}
rule = "rules/h.rhai"
source = {{ url = "javascript:alert(3)" }}
[[indicator]]
id = "K"
title = "{long_title}"
unit = "\"><svg onload=alert(4)>"
rule = "rules/h.rhai"
source = {{ url = "https://example.org/k?a=1&b=\"2\"" }}
[[assignment]]
id = {asg_id}
goal = {goal_id}
text = {asg_text}
boards = [{board}]
"##,
        plan_id = h("plan-id"),
        plan_title = h("plan-title"),
        entity_name = h("entity-name"),
        label = h("label"),
        goal_id = h("goal-id"),
        goal_title = h("goal-title"),
        goal_text = h("goal-text"),
        ind_id = h("ind-id"),
        ind_title = h("ind-title"),
        ind_unit = h("ind-unit"),
        long_title = "ö".repeat(70),
        asg_id = h("asg-id"),
        asg_text = h("asg-text"),
        board = h("board"),
    )
}

/// The indicator's value is negative (a numeric CSV cell starting with `-`), its reason hostile.
fn hostile_report() -> Report {
    let toml = hostile_plan_toml();
    let script = "attained(indicator.title + \" reason \" + indicator.unit)";
    let plan = plan(&toml, &[("rules/h.rhai", script)]);
    // JSON rows: a CSV id cell may not hold a line break (it is taken for a misplaced quote).
    let rows = serde_json::json!([
        { "indicator": hostile("ind-id"), "entity": "1", "period": "2021", "value": -1.25 },
        { "indicator": hostile("ind-id"), "entity": "1", "period": "2022", "value": -3.5 },
        { "indicator": "K", "entity": "1", "period": "2022", "value": 7 },
    ]);
    let data = Observations::from_json(&rows.to_string(), "data.json").unwrap();
    let report = evaluate(&plan, &data, "1", "2022");
    let r = report.indicators.iter().find(|r| r.id == hostile("ind-id")).expect("the hostile indicator has a result");
    assert_eq!(r.status, "attained", "{r:?}");
    assert!(
        r.reason.contains("<script>") && r.reason.contains("line2 ind-title reason =HYPERLINK"),
        "the rule's reason carries the payload: {}",
        r.reason
    );
    report
}

const ALL: [Format; 7] = [
    Format::Html,
    Format::HtmlFragment,
    Format::Markdown,
    Format::Csv,
    Format::Json,
    Format::Table { color: false },
    Format::Table { color: true },
];

/// What no output may hold raw: a terminal escape (JSON writes it as `\u001b`); in HTML and
/// Markdown, markup; in HTML, a colour that loads a URL and a `javascript:` link.
fn assert_no_raw_markup(format: Format, out: &str) {
    let mut raw = vec!["\u{1b}[2J"];
    if matches!(format, Format::Html | Format::HtmlFragment | Format::Markdown) {
        raw.extend(["<script>", "<svg onload"]);
    }
    if matches!(format, Format::Html | Format::HtmlFragment) {
        raw.extend(["url(http://evil/css)", "href=\"javascript"]);
    }
    for raw in raw {
        assert!(!out.contains(raw), "{format:?} writes `{raw}` raw:\n{out}");
    }
}

#[test]
fn hostile_html_is_escaped_everywhere_attributes_included() {
    let report = hostile_report();
    let html = render(&report, Format::Html);
    assert_no_raw_markup(Format::Html, &html);
    // The unit (the reported defect), titles, ids in attributes, reasons, assignments, boards.
    for field in [
        "ind-unit",
        "ind-title",
        "ind-id",
        "goal-id",
        "goal-title",
        "goal-text",
        "plan-title",
        "entity-name",
        "asg-id",
        "asg-text",
        "board",
        "label",
        "plan-id",
    ] {
        assert!(
            html.contains(&format!("&quot;&gt;&lt;svg onload=alert(1)&gt; | x | \u{fffd}[2J\nline2 {field}")),
            "HTML lacks the escaped form of `{field}`"
        );
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<tr class=\"ind\" data-id=\"=HYPERLINK(&quot;http://evil/ind-id&quot;,&quot;x&quot;) &lt;script&gt;"));
    // The key figure's unit, after its value.
    assert!(html.contains("7 &quot;&gt;&lt;svg onload=alert(4)&gt;"), "{html}");
    // Colours that are not plain CSS colours become the fallback; links only http(s).
    assert!(html.contains("background:#607d8b"), "{html}");
    assert!(!html.contains("alert(2)"));
    assert!(html.contains("<a href=\"https://example.org/k?a=1&amp;b=&quot;2&quot;\">source</a>"), "{html}");
    assert!(html.contains("<small class=\"src\">javascript:alert(3)</small>"), "a non-http source is text, not a link");
}

#[test]
fn hostile_markdown_keeps_one_row_per_indicator_and_no_html() {
    let report = hostile_report();
    let md = render(&report, Format::Markdown);
    assert_no_raw_markup(Format::Markdown, &md);
    assert!(!md.contains("| x |"), "a `|` from the plan splits a table cell:\n{md}");
    assert!(
        md.contains("&lt;script&gt;alert(1)&lt;/script&gt; \"&gt;&lt;svg onload=alert(1)&gt; \\| x \\| \u{fffd}\\[2J line2 ind-title"),
        "{md}"
    );
    assert!(!md.lines().any(|l| l.starts_with("line2")), "a newline from the plan breaks a line:\n{md}");
    // Header, separator and exactly two indicator rows (scored, key figure), each with 6 cells.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 4, "{md}");
    for row in &rows {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 7, "row `{row}` has the wrong number of cells");
    }
    assert!(rows[2].contains("−3.5") || rows[2].contains("-3.5"), "{}", rows[2]);
    assert!(md.contains("- **=HYPERLINK(\"http://evil/asg-id\",\"x\") &lt;script&gt;"), "{md}");
}

#[test]
fn hostile_csv_neutralises_formulas_but_keeps_negative_numbers() {
    let report = hostile_report();
    let text = render(&report, Format::Csv);
    assert_no_raw_markup(Format::Csv, &text);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let hostile_row = records.iter().find(|r| r[col("indicator")].contains("ind-id")).expect("a row for the hostile indicator");
    for name in ["indicator", "title", "goals", "reason"] {
        let cell = &hostile_row[col(name)];
        assert!(cell.starts_with("'=HYPERLINK("), "CSV `{name}` cell is a live formula: {cell}");
    }
    assert!(hostile_row[col("title")].contains("\u{fffd}[2J\nline2 ind-title"), "{}", &hostile_row[col("title")]);
    assert_eq!(&hostile_row[col("value")], "-3.5", "a negative number stays a number");
    assert_eq!(&hostile_row[col("previous")], "-1.25");
    assert_eq!(&hostile_row[col("status")], "attained");
}

#[test]
fn hostile_table_cannot_rewrite_the_terminal() {
    let report = hostile_report();
    for format in [Format::Table { color: false }, Format::Table { color: true }] {
        let table = render(&report, format);
        assert_no_raw_markup(format, &table);
        // Wrapped to 100 columns: the text is whole once the lines are joined.
        let joined = table.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        assert!(joined.contains("| x | \u{fffd}[2J line2 ind-title"), "{table}");
        assert!(!table.lines().any(|l| l.starts_with("line2")), "a newline from the plan breaks a line:\n{table}");
        // The only escapes left are the renderer's own colours.
        let escapes = table.matches('\u{1b}').count();
        let own = ["\u{1b}[32m", "\u{1b}[33m", "\u{1b}[31m", "\u{1b}[35m", "\u{1b}[90m", "\u{1b}[0m"]
            .iter()
            .map(|e| table.matches(e).count())
            .sum::<usize>();
        assert_eq!(escapes, own, "{format:?} lets a foreign escape through:\n{table}");
        // A long title is kept whole (wrapped, not cut), and no line is wider than 100 columns.
        assert!(table.contains(&"ö".repeat(70)), "{table}");
        assert!(table.lines().all(|l| strip_ansi(l).chars().count() <= 100), "{table}");
    }
}

/// The line without the renderer's colour escapes (ESC `[` … `m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn hostile_json_keeps_the_data_exactly() {
    let report = hostile_report();
    let json = render(&report, Format::Json);
    assert_no_raw_markup(Format::Json, &json);
    assert!(json.contains("\\u001b[2J\\nline2 ind-title"), "JSON escapes control characters");
    assert_eq!(Report::from_json(&json).as_ref(), Ok(&report));
}

/// A report handed back to the renderers (as Python's and JS's `render` take one) with fields no
/// evaluation makes.
fn handed_back(mut report: Report) -> Report {
    let big = "ö<".repeat(50_000);
    report.period = hostile("period");
    for r in &mut report.indicators {
        r.decimals = Some(65_536);
        r.period = Some(hostile("period-used"));
        r.target = Some(f64::MAX);
        r.national = Some(f64::NAN);
        r.previous = Some(f64::NEG_INFINITY);
        r.women = Some(-f64::MAX);
        r.men = Some(f64::MIN_POSITIVE);
        r.percentile = Some(f64::INFINITY);
        r.color = big.clone();
        r.source = Some(big.clone());
        for (i, h) in r.history.iter_mut().enumerate() {
            h.value = if i % 2 == 0 { f64::NAN } else { f64::MAX };
        }
        r.history.push(attain_core::PeriodValue { period: big.clone(), value: -f64::MAX });
        r.history.push(attain_core::PeriodValue { period: "x".into(), value: f64::INFINITY });
    }
    for g in &mut report.goals {
        g.color = big.clone();
        for a in &mut g.assignments {
            a.status = Some(hostile("asg-status"));
        }
    }
    report.indicators.push(report.indicators[0].clone());
    report.indicators[0].value = Some(f64::NAN);
    report
}

#[test]
fn hostile_report_handed_back_renders_in_every_format_and_language() {
    let base = handed_back(hostile_report());
    for language in [attain_core::Language::En, attain_core::Language::Sv] {
        let mut report = base.clone();
        report.plan.language = language;
        for format in ALL {
            let out = render(&report, format);
            assert_no_raw_markup(format, &out);
            if format != Format::Json {
                assert!(!out.contains("ö<"), "{format:?} writes a hostile colour or source raw");
                // 20 decimals at most: a number is never 65 536 digits long.
                assert!(out.len() < 2_000_000, "{format:?} output is {} bytes", out.len());
            }
        }
        let html = render(&report, Format::Html);
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;svg onload=alert(1)&gt; | x | \u{fffd}[2J\nline2 asg-status"
            )
        );
        assert!(html.contains("line2 period-used"));
        assert!(html.contains("<svg class=\"spark\""), "the finite history still draws a line");
        for points in html.split(" points=\"").skip(1) {
            let points = &points[..points.find('"').unwrap()];
            assert!(points.bytes().all(|b| b.is_ascii_digit() || b" .,-".contains(&b)), "the sparkline draws only finite values: {points}");
        }
    }
}

#[test]
fn hostile_decimals_are_capped_in_every_renderer() {
    let mut report = hostile_report();
    for r in &mut report.indicators {
        r.decimals = Some(u32::MAX);
        r.value = Some(1.5);
    }
    let md = render(&report, Format::Markdown);
    // 12 decimals, the most a plan may ask for.
    assert!(md.contains(&format!("1.5{} ", "0".repeat(11))), "{md}");
    assert!(!md.contains(&format!("1.5{}", "0".repeat(12))), "{md}");
}

/// The renderers fuzz target's JSON seeds are reports; each renders safely in every format.
#[test]
fn hostile_fuzz_seeds_render_safely() {
    let dir = crate::common::repo_root().join("fuzz/seeds/renderers");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let report = Report::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for format in ALL {
            assert_no_raw_markup(format, &render(&report, format));
        }
        seen += 1;
    }
    assert_eq!(seen, 2, "the JSON seeds in {}", dir.display());
}
