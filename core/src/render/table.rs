//! The terminal report: every line within a width of display columns, reasons wrapped under their line.
//!
//! Widths are display columns (`unicode-width`: `Ö` is one, `界` two, a combining mark none) and
//! text is wrapped by `textwrap` with a hanging indent, long words broken, so that no line passes
//! the width. Colour codes are added after the layout, so they never count.

use super::escape::terminal as s;
use super::{basis_shown, goal_rows, html::assignment_label, measures_shown, num, t, target_shown, value_shown};
use crate::error::{Code, Error};
use crate::locale::plural;
use crate::model::Language;
use crate::report::{AssignmentResult, GoalResult, IndicatorResult, Report, Role};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// The narrowest table [`render_table`] lays out; a smaller width is taken as this.
pub const MIN_TABLE_WIDTH: usize = 40;

/// Options of the terminal report ([`render_table`]). Build one from `TableOptions::default()`
/// and set the fields wanted: new options may be added without breaking callers.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableOptions {
    /// Colour the statuses with ANSI codes (they take no columns).
    pub color: bool,
    /// The width in display columns no line passes (default 100, at least [`MIN_TABLE_WIDTH`]).
    pub width: usize,
    /// Show this goal only; an id the report does not hold is an error naming those it holds.
    pub goal: Option<String>,
    /// List every assignment; by default they are counted by status and only those with a
    /// follow-up are listed.
    pub all_assignments: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions { color: false, width: 100, goal: None, all_assignments: false }
    }
}

/// Renders the terminal report with its options.
///
/// ```
/// # let files = attain_core::PlanFiles::from([("plan.toml".to_string(), "[plan]\nid='x'\ntitle='X'\nentity='1'\n[[goal]]\nid='g'\ntitle='G'\nindicators=['i']\n[[indicator]]\nid='i'\ntitle='I'\nrule='reference'\n".to_string())]);
/// # let plan = attain_core::Plan::from_files(files)?;
/// # let data = attain_core::Observations::from_csv("indicator,entity,period,value\ni,1,2020,5\ni,0000,2020,4\n", "d.csv")?;
/// let report = plan.evaluate(&data, &attain_core::Query::default())?;
/// let mut options = attain_core::TableOptions::default();
/// options.goal = Some("g".to_string());
/// let table = attain_core::render_table(&report, &options)?;
/// assert!(table.lines().all(|line| line.chars().count() <= 100));
/// options.goal = Some("nope".to_string());
/// assert!(attain_core::render_table(&report, &options).unwrap_err().to_string().contains("`g`"));
/// # Ok::<(), attain_core::Error>(())
/// ```
///
/// # Errors
/// A query error when `goal` names no goal of the report.
pub fn render_table(report: &Report, options: &TableOptions) -> Result<String, Error> {
    let goals: Vec<&GoalResult> = match &options.goal {
        None => report.goals.iter().collect(),
        Some(id) => vec![report.goal(id).ok_or_else(|| unknown_goal(report, id))?],
    };
    let mut out = Table { out: String::new(), width: options.width.max(MIN_TABLE_WIDTH), color: options.color };
    let lang = report.plan.language;
    let head = format!("{} — {} ({}), {}", s(&report.plan.title), s(&report.entity_name), s(&report.entity), s(&report.period));
    out.wrapped(&head, "", 2, None);
    out.wrapped(&legend(lang), "", 2, None);
    if !report.warnings.is_empty() {
        out.blank();
        out.wrapped(t(report, "Warnings", "Varningar"), "", 2, None);
        for w in &report.warnings {
            out.wrapped(&format!("{} [{}]", s(&w.message), w.code.as_str()), "  ! ", 4, None);
        }
    }
    let column = status_column(report, out.width);
    for goal in goals {
        out.blank();
        goal_lines(&mut out, report, goal);
        for r in goal_rows(report, &goal.id) {
            indicator_lines(&mut out, report, r, column);
        }
        assignment_lines(&mut out, report, &goal.assignments, options.all_assignments);
    }
    Ok(out.out)
}

/// The report's warnings as `attain report` prints them beside a report that is not the table
/// (JSON, HTML, a file): "varning: … [code]", each wrapped within `width` display columns
/// (at least [`MIN_TABLE_WIDTH`]) under its first line; empty when there are none.
///
/// ```
/// # let files = attain_core::PlanFiles::from([("plan.toml".to_string(), "[plan]\nid='x'\ntitle='X'\nentity='1'\n[[indicator]]\nid='i'\ntitle='I'\nrule='reference'\n".to_string())]);
/// # let plan = attain_core::Plan::from_files(files)?;
/// let data = attain_core::Observations::from_csv("indicator,entity,period,value\ni,1,2020,5\nj,1,2020,4\n", "d.csv")?;
/// let report = plan.evaluate(&data, &attain_core::Query::default())?;
/// assert_eq!(attain_core::render_warnings(&report, 100), "warning: 1 row for unknown indicator j (did you mean i?) [data.unknown_indicator]\n");
/// # Ok::<(), attain_core::Error>(())
/// ```
pub fn render_warnings(report: &Report, width: usize) -> String {
    let mut out = Table { out: String::new(), width: width.max(MIN_TABLE_WIDTH), color: false };
    let word = t(report, "warning", "varning");
    for w in &report.warnings {
        out.wrapped(&format!("{word}: {} [{}]", s(&w.message), w.code.as_str()), "", 4, None);
    }
    out.out
}

fn unknown_goal(report: &Report, id: &str) -> Error {
    let known: Vec<String> = report.goals.iter().map(|g| format!("`{}`", g.id)).collect();
    Error::new(Code::QueryUnknownGoal, format!("the plan has no goal `{id}`; its goals are {}", known.join(", ")))
}

/// What the markers mean, in one line.
fn legend(lang: Language) -> String {
    lang.text(
        "● indicator, scored by its goal   · key figure, shown and not scored   ▸ assignment",
        "● nyckeltal som bedöms i målet   · nyckeltal som bara visas   ▸ uppdrag",
    )
}

/// The lines written so far, each within `width` display columns.
struct Table {
    out: String,
    width: usize,
    color: bool,
}

impl Table {
    fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `text` after `first` (on the first line), wrapped with the following lines indented by
    /// `indent` columns; `paint` colours the first line's bytes `from..to` with an ANSI code.
    fn wrapped(&mut self, text: &str, first: &str, indent: usize, paint: Option<(&str, usize, usize)>) {
        let rest = " ".repeat(indent.min(self.width / 2));
        let lines = wrap(text, self.options().initial_indent(first).subsequent_indent(&rest));
        for (i, line) in lines.iter().enumerate() {
            self.line(line, paint.filter(|_| i == 0));
        }
    }

    fn options(&self) -> textwrap::Options<'static> {
        wrap_options(self.width)
    }

    /// One line, its bytes `from..to` coloured when colour is on.
    fn line(&mut self, line: &str, paint: Option<(&str, usize, usize)>) {
        match paint {
            Some((code, from, to)) if self.color && to <= line.len() && line.is_char_boundary(from) && line.is_char_boundary(to) => {
                self.out.push_str(&line[..from]);
                self.out.push_str(code);
                self.out.push_str(&line[from..to]);
                self.out.push_str("\x1b[0m");
                self.out.push_str(line[to..].trim_end());
            }
            _ => self.out.push_str(line.trim_end()),
        }
        self.out.push('\n');
    }
}

/// Breaks at spaces only (never inside `kg/inv` or `16-84`), a word longer than a line broken
/// to fit. First fit: textwrap's optimal fit lets a long word overflow a line by a column.
fn wrap_options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
}

/// `text` wrapped (an empty text is one empty line).
fn wrap(text: &str, options: textwrap::Options<'_>) -> Vec<String> {
    let lines: Vec<String> = textwrap::wrap(text, options).into_iter().map(|l| l.into_owned()).collect();
    if lines.is_empty() { vec![String::new()] } else { lines }
}

fn goal_lines(out: &mut Table, report: &Report, goal: &GoalResult) {
    let basis = basis_shown(report, goal).map(|b| format!(" ({})", s(&b))).unwrap_or_default();
    let label = format!("● {}", s(&goal.label));
    let head = format!("{} {}{basis}", t(report, "Goal", "Mål"), s(&goal.id));
    let paint = Some((ansi(&goal.color), 0, label.len()));
    if label.width() > out.width / 2 {
        // A label too long to stand before the heading is wrapped with it (a plan's scale may
        // name its levels at any length).
        out.wrapped(&format!("{label} {head}"), "", 2, paint);
    } else {
        out.wrapped(&head, &format!("{label} "), 2, paint);
    }
    out.wrapped(&s(&goal.title), "  ", 2, None);
    out.wrapped(&s(&goal.reason), "  ", 2, None);
    if !goal.measures.is_empty() {
        out.wrapped(&s(&measures_shown(report, &goal.measures)), "  ", 2, None);
    }
}

/// An indicator: marker and status, with its id under them, beside its full title, then the
/// value, its period and target and the reason, all wrapped in the title's column.
fn indicator_lines(out: &mut Table, report: &Report, r: &IndicatorResult, column: usize) {
    let marker = if r.role == Role::KeyFigure { "·" } else { "●" };
    let (label, id, color) = (s(&r.label), s(&r.id), ansi(&r.color));
    let mut text = vec![s(&r.title)];
    let mut value = if r.value.is_some() { s(&value_shown(report, r, r.value)) } else { String::new() };
    if let Some(p) = r.period.as_deref().filter(|_| r.value.is_some()) {
        value.push_str(&format!(" ({})", s(p)));
    }
    if let Some((target, direction)) = target_shown(report, r) {
        let word = t(report, "target", "mål");
        let target = if direction { format!("{word}: {target}") } else { format!("{word} {target}") };
        value.push_str(&format!("{}{}", if value.is_empty() { "" } else { ", " }, s(&target)));
    }
    text.push(if value.is_empty() { s(&r.reason) } else { format!("{value} — {}", s(&r.reason)) });
    if !r.measures.is_empty() {
        text.push(s(&measures_shown(report, &r.measures)));
    }
    // A rule may write the women's and men's values in its reason (Östersund's does, as the
    // city's own comments do): the line is then left out, not said twice.
    let in_reason = |x: Option<f64>| x.is_some() && r.reason.contains(&num(report, r, x));
    if (r.women.is_some() || r.men.is_some()) && !(in_reason(r.women) && in_reason(r.men)) {
        let women = format!("{} {}", t(report, "women", "kvinnor"), s(&value_shown(report, r, r.women)));
        let men = format!("{} {}", t(report, "men", "män"), s(&value_shown(report, r, r.men)));
        text.push(format!("{women}, {men}"));
    }
    let indent = 4 + column + 2;
    if label.width().max(id.width()) > column {
        // A very long status or id gets lines of its own, so that the text keeps its width.
        out.wrapped(&format!("{label} {id}"), &format!("  {marker} "), 6, Some((color, 2, 2 + marker.len() + 1 + label.len())));
        for t in &text {
            out.wrapped(t, "      ", 6, None);
        }
        return;
    }
    let lines: Vec<String> = text.iter().flat_map(|t| wrap(t, wrap_options(out.width - indent))).collect();
    for (i, line) in lines.iter().enumerate() {
        let left = match i {
            0 => format!("  {marker} {}", pad(&label, column + 2)),
            1 => format!("    {}", pad(&id, column + 2)),
            _ => " ".repeat(indent),
        };
        let paint = (i == 0).then_some((color, 2, 2 + marker.len() + 1 + label.len()));
        out.line(&format!("{left}{line}"), paint);
    }
}

/// The width of the column of statuses and ids: the widest that leaves the text half the
/// table; a row whose status or id is wider gets lines of its own.
fn status_column(report: &Report, width: usize) -> usize {
    let most = (width / 2).saturating_sub(6);
    let widths = report.indicators.iter().flat_map(|r| [s(&r.label).width(), s(&r.id).width()]);
    widths.filter(|w| *w <= most).max().unwrap_or(most)
}

/// Assignments: a count by status, then those with a follow-up (or, with `all`, every one).
fn assignment_lines(out: &mut Table, report: &Report, assignments: &[AssignmentResult], all: bool) {
    let lang = report.plan.language;
    if assignments.is_empty() {
        return;
    }
    let mut by_status: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for a in assignments {
        *by_status.entry(a.status.as_deref()).or_default() += 1;
    }
    // Followed-up statuses first, in the order of their first appearance; "not followed up" last.
    let mut order: Vec<Option<&str>> = Vec::new();
    for a in assignments {
        if a.status.is_some() && !order.contains(&a.status.as_deref()) {
            order.push(a.status.as_deref());
        }
    }
    if by_status.contains_key(&None) {
        order.push(None);
    }
    let counts: Vec<String> = order.iter().map(|st| status_count(lang, *st, by_status[st])).collect();
    let total = plural(lang, assignments.len(), ["assignment", "assignments"], ["uppdrag", "uppdrag"]);
    out.wrapped(&format!("{total}: {}", s(&counts.join(", "))), "  ▸ ", 4, None);
    for a in assignments.iter().filter(|a| all || a.status.is_some()) {
        let status = match a.status.as_deref() {
            Some(st) => assignment_label(report)(st),
            None => lang.text("not followed up", "ej uppföljt"),
        };
        let mut text = format!("{} [{}] {}", s(&a.id), s(&status), s(&a.text));
        if let Some(comment) = &a.comment {
            text.push_str(&format!(" — {}", s(comment)));
        }
        out.wrapped(&text, "    ", 6, None);
    }
}

/// `2 genomförda`, `1 ej uppföljt`, `3 on track`: a count of assignments at one status, the
/// Swedish participle agreeing with the count.
fn status_count(lang: Language, status: Option<&str>, n: usize) -> String {
    let forms: ([&str; 2], [&str; 2]) = match status {
        None => (["not followed up"; 2], ["ej uppföljt", "ej uppföljda"]),
        Some("done") => (["done"; 2], ["genomfört", "genomförda"]),
        Some("on_track") => (["on track"; 2], ["bedöms bli genomfört", "bedöms bli genomförda"]),
        Some("at_risk") => (["at risk"; 2], ["med risk att inte genomföras"; 2]),
        Some("not_done") => (["not done"; 2], ["inte genomfört", "inte genomförda"]),
        Some("not_started") => (["not started"; 2], ["ej påbörjat", "ej påbörjade"]),
        Some(other) => return format!("{n} {other}"),
    };
    plural(lang, n, forms.0, forms.1)
}

fn ansi(color: &str) -> &'static str {
    match color {
        "#2e7d32" | "#1b5e20" => "\x1b[32m",
        "#f9a825" | "#ef6c00" => "\x1b[33m",
        "#c62828" => "\x1b[31m",
        "#6a1b9a" => "\x1b[35m",
        _ => "\x1b[90m",
    }
}

/// `s` padded with spaces to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(w.saturating_sub(s.width())));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Observations, Plan, PlanFiles, Query};

    const PLAN: &str = r#"
[plan]
id = "t"
title = "Tabell"
entity = "1"
language = "sv"
[comparison]
national = "0"
[[goal]]
id = "g"
title = "Ett mål"
indicators = ["UP", "MIN", "VERY-LONG-INDICATOR-ID-THAT-TAKES-HALF-THE-WIDTH"]
[[indicator]]
id = "UP"
title = "Ett nyckeltal som ska öka, med en titel så lång att den måste brytas på flera rader i en smal tabell"
rule = "target"
targets = { 2023 = "öka" }
[[indicator]]
id = "MIN"
title = "标题很长的指标标题很长的指标标题很长的指标标题很长的指标标题很长的指标"
rule = "target"
targets = { 2023 = "minst 30" }
[[indicator]]
id = "VERY-LONG-INDICATOR-ID-THAT-TAKES-HALF-THE-WIDTH"
title = "Långt id"
rule = "reference"
[[assignment]]
id = "A1"
goal = "g"
text = "Gör något"
[[assignment]]
id = "A2"
goal = "g"
text = "Gör något mer"
"#;

    const DATA: &str = "indicator,entity,period,value\nUP,1,2022,10\nUP,1,2023,12\nMIN,1,2023,25\n\
        VERY-LONG-INDICATOR-ID-THAT-TAKES-HALF-THE-WIDTH,1,2023,5\nVERY-LONG-INDICATOR-ID-THAT-TAKES-HALF-THE-WIDTH,0,2023,4\n";

    fn report() -> Report {
        let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), PLAN.to_string())])).unwrap();
        plan.evaluate(&Observations::from_csv(DATA, "d.csv").unwrap(), &Query::default()).unwrap()
    }

    fn options(width: usize) -> TableOptions {
        TableOptions { width, ..TableOptions::default() }
    }

    #[test]
    fn every_line_fits_the_width_in_display_columns() {
        let report = report();
        for width in [MIN_TABLE_WIDTH, 60, 100, 140] {
            let table = render_table(&report, &options(width)).unwrap();
            for line in table.lines() {
                assert!(line.width() <= width, "{width}: {} columns: {line}", line.width());
            }
            // Wide characters are two columns: the Chinese title wraps where 2 × its length passes.
            assert!(table.contains("标题很长的指标"), "{table}");
        }
        // Narrower than the least is the least.
        assert_eq!(render_table(&report, &options(3)).unwrap(), render_table(&report, &options(MIN_TABLE_WIDTH)).unwrap());
    }

    #[test]
    fn targets_show_their_comparator_and_directions_their_word() {
        let table = render_table(&report(), &options(200)).unwrap();
        assert!(table.contains("12 (2023), mål: öka — "), "{table}");
        assert!(table.contains("25 (2023), mål ≥ 30 — "), "{table}");
    }

    #[test]
    fn a_long_id_gets_a_line_of_its_own_and_the_title_keeps_its_width() {
        let table = render_table(&report(), &options(100)).unwrap();
        assert!(table.contains("\n  ● Uppfyllt VERY-LONG-INDICATOR-ID-THAT-TAKES-HALF-THE-WIDTH\n      Långt id\n"), "{table}");
    }

    #[test]
    fn colour_codes_wrap_the_status_and_take_no_columns() {
        let report = report();
        let plain = render_table(&report, &options(60)).unwrap();
        let colour = render_table(&report, &TableOptions { color: true, ..options(60) }).unwrap();
        assert!(colour.contains("\x1b[") && colour.contains("\x1b[0m"));
        let stripped: String =
            colour.split('\x1b').enumerate().map(|(i, part)| if i == 0 { part } else { &part[part.find('m').unwrap() + 1..] }).collect();
        assert_eq!(stripped, plain);
    }

    #[test]
    fn one_goal_or_an_error_naming_the_goals() {
        let report = report();
        let one = render_table(&report, &TableOptions { goal: Some("g".into()), ..TableOptions::default() }).unwrap();
        assert_eq!(one, render_table(&report, &TableOptions::default()).unwrap());
        let e = render_table(&report, &TableOptions { goal: Some("h".into()), ..TableOptions::default() }).unwrap_err();
        assert_eq!(e.code(), Code::QueryUnknownGoal);
        assert_eq!(e.message(), "the plan has no goal `h`; its goals are `g`");
    }

    #[test]
    fn assignments_are_counted_and_listed_on_demand() {
        let report = report();
        let short = render_table(&report, &TableOptions::default()).unwrap();
        assert!(short.contains("  ▸ 2 uppdrag: 2 ej uppföljda\n") && !short.contains("A1"), "{short}");
        let all = render_table(&report, &TableOptions { all_assignments: true, ..TableOptions::default() }).unwrap();
        assert!(all.contains("    A1 [ej uppföljt] Gör något\n    A2 [ej uppföljt] Gör något mer\n"), "{all}");
    }

    #[test]
    fn status_counts_agree_in_number() {
        assert_eq!(status_count(Language::Sv, None, 1), "1 ej uppföljt");
        assert_eq!(status_count(Language::Sv, None, 59), "59 ej uppföljda");
        assert_eq!(status_count(Language::Sv, Some("done"), 1), "1 genomfört");
        assert_eq!(status_count(Language::Sv, Some("not_started"), 2), "2 ej påbörjade");
        assert_eq!(status_count(Language::En, Some("on_track"), 2), "2 on track");
        assert_eq!(status_count(Language::En, Some("later"), 3), "3 later");
    }
}
