//! Any bytes as a report for the renderers, two ways: the text as a report's JSON (as Python's and
//! JS's `render` take one back), and the bytes as the fields of a real report (texts, decimals,
//! values, history, language). Every format renders without a panic, and the HTML and Markdown
//! never hold a fuzzed `<script` raw.
//!
//! Seeds in fuzz/seeds/renderers/: report JSON with hostile titles, units, ids, reasons, colours,
//! links and assignments (`hostile-report.json`, as `attain report --format json` writes it), the
//! same with `decimals = 65536`, ±f64::MAX and huge periods (`decimals-65536.json`), and the field
//! form (`fields-*.bin`: 64 bytes of numbers, then texts separated by the byte 0x1f). The JSON
//! seeds also run in core's tests (hostile_render).
#![no_main]

use attain_core::{Format, Language, Observations, PeriodValue, Plan, PlanFiles, Query, Report, render};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const FORMATS: [Format; 6] =
    [Format::Html, Format::Markdown, Format::Csv, Format::Json, Format::Table { color: false }, Format::Table { color: true }];

const PLAN: &str = r#"[plan]
id = "f"
title = "F"
entity = "1"
[comparison]
national = "0000"
[[goal]]
id = "1"
title = "G"
text = "a\n\nb"
indicators = ["A", "B"]
key_figures = ["K"]
[[goal]]
id = "2"
title = "H"
parent = "1"
indicators = ["B"]
[[indicator]]
id = "A"
title = "A"
unit = "%"
gender = true
rule = "reference"
source = { url = "https://example.org/a" }
[[indicator]]
id = "B"
title = "B"
direction = "lower"
rule = "target"
targets = { 2020 = 5.0, 2030 = 1.0 }
decimals = 1
source = { kolada = "N1" }
[[indicator]]
id = "K"
title = "K"
rule = "trend"
[[assignment]]
id = "X"
goal = "1"
text = "t"
boards = ["KS"]
"#;

const DATA: &str = "indicator,entity,period,gender,value\nA,1,2021,T,60\nA,1,2022,T,65\nA,1,2022,K,61\nA,1,2022,M,70\nA,0000,2022,T,64\n\
B,1,2020,T,7\nB,1,2021,T,6\nB,1,2022,T,4\nK,1,2020,T,1\nK,1,2021,T,2\nK,1,2022,T,3\n";

/// A real report of every shape a renderer meets: gendered, key figure, history, sub-goal, assignment.
fn base() -> &'static Report {
    static BASE: OnceLock<Report> = OnceLock::new();
    BASE.get_or_init(|| {
        let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), PLAN.to_string())])).expect("the base plan loads");
        let data = Observations::from_csv(DATA, "d.csv").expect("the base data parses");
        plan.evaluate(&data, &Query::new("1", "2022")).expect("the base plan evaluates")
    })
}

fn render_all(report: &Report) {
    for format in FORMATS {
        let out = render(report, format);
        if matches!(format, Format::Html | Format::Markdown) {
            assert!(!out.contains("<script"), "{format:?} writes markup from the report raw");
        }
    }
}

/// Reads numbers and texts from the bytes, in turn; past the end, defaults.
struct Input<'a> {
    bytes: &'a [u8],
    texts: std::str::Split<'a, char>,
}

impl<'a> Input<'a> {
    fn u32(&mut self) -> u32 {
        let (head, rest) = self.bytes.split_at(self.bytes.len().min(4));
        self.bytes = rest;
        head.iter().fold(0, |n, &b| n << 8 | u32::from(b))
    }
    fn f64(&mut self) -> Option<f64> {
        let (head, rest) = self.bytes.split_at(self.bytes.len().min(8));
        self.bytes = rest;
        (head.len() == 8).then(|| f64::from_bits(head.iter().fold(0, |n, &b| n << 8 | u64::from(b))))
    }
    fn text(&mut self, default: &str) -> String {
        self.texts.next().map_or_else(|| default.to_string(), |t| format!("<script>{t}"))
    }
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(report) = Report::from_json(text) {
            render_all(&report);
        }
    }
    // The first 64 bytes give numbers, the rest texts separated by `\u{1f}`.
    let (numbers, texts) = bytes.split_at(bytes.len().min(64));
    let texts = String::from_utf8_lossy(texts);
    let mut input = Input { bytes: numbers, texts: texts.split('\u{1f}') };
    let mut report = base().clone();
    if input.u32() % 2 == 1 {
        report.plan.language = Language::Sv;
    }
    report.plan.title = input.text(&report.plan.title);
    report.entity_name = input.text(&report.entity_name);
    report.period = input.text(&report.period);
    for level in report.scale.levels_mut() {
        level.color = input.text(&level.color);
        level.label = input.text(&level.label);
    }
    for r in &mut report.indicators {
        r.decimals = Some(input.u32());
        r.value = input.f64().or(r.value);
        r.target = input.f64();
        r.women = input.f64().or(r.women);
        r.title = input.text(&r.title);
        r.unit = input.text(&r.unit);
        r.reason = input.text(&r.reason);
        r.color = input.text(&r.color);
        r.source = Some(input.text("https://example.org"));
        r.period = Some(input.text("2022"));
        let value = input.f64().unwrap_or(f64::NAN);
        r.history.push(PeriodValue { period: input.text("2023"), value });
    }
    for g in &mut report.goals {
        g.title = input.text(&g.title);
        g.reason = input.text(&g.reason);
        g.text = input.text(&g.text);
        g.color = input.text(&g.color);
        for a in &mut g.assignments {
            a.text = input.text(&a.text);
            a.status = Some(input.text("done"));
            a.boards.push(input.text("KS"));
        }
    }
    render_all(&report);
});
