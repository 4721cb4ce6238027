//! Renderers: terminal table, Markdown, CSV, JSON, a self-contained HTML page and an HTML fragment.

mod csv;
mod escape;
mod fragment;

pub use csv::{INDICATOR_NUMBER_COLUMNS, ReportCell, indicator_table};
mod html;
mod table;

pub use table::{MIN_TABLE_WIDTH, TableOptions, render_table, render_warnings};

use crate::locale::format_number;
use crate::model::{Gender, Language};
use crate::report::{GoalResult, IndicatorResult, Report};
use std::collections::BTreeMap;
use std::fmt::Write;

/// An output format for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for a terminal; `color` adds ANSI colours. [`render_table`] takes the other
    /// options (width, one goal, every assignment).
    Table {
        /// Use ANSI colours.
        color: bool,
    },
    /// The stable JSON shape.
    Json,
    /// Markdown.
    Markdown,
    /// CSV, one row per indicator result.
    Csv,
    /// CSV as Excel writes it in Sweden: `;` between fields, decimal commas (`85,5`).
    CsvSemicolon,
    /// A self-contained HTML page.
    Html,
    /// A compact HTML fragment for a notebook or a host page: one root element, its styles
    /// scoped to it, indicators folded (Jupyter's `_repr_html_`).
    HtmlFragment,
}

impl Format {
    /// Parses `table`, `json`, `md`/`markdown`, `csv`, `csv-semicolon`, `html`, `html-fragment`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "table" => Format::Table { color: false },
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "csv" => Format::Csv,
            "csv-semicolon" => Format::CsvSemicolon,
            "html" => Format::Html,
            "html-fragment" => Format::HtmlFragment,
            _ => return None,
        })
    }
}

/// Renders a report.
///
/// ```
/// # let files = attain_core::PlanFiles::from([("plan.toml".to_string(), "[plan]\nid='x'\ntitle='X'\nentity='1'\n[[goal]]\nid='g'\ntitle='G'\nindicators=['i']\n[[indicator]]\nid='i'\ntitle='I'\nrule='reference'\n".to_string())]);
/// # let plan = attain_core::Plan::from_files(files)?;
/// # let data = attain_core::Observations::from_csv("indicator,entity,period,value\ni,1,2020,5\ni,0000,2020,4\n", "d.csv")?;
/// let report = plan.evaluate(&data, &attain_core::Query::default())?;
/// let md = attain_core::render(&report, attain_core::Format::Markdown);
/// assert!(md.contains("| I |"));
/// # Ok::<(), attain_core::Error>(())
/// ```
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Table { color } => {
            let options = TableOptions { color, ..TableOptions::default() };
            render_table(report, &options).unwrap_or_default()
        }
        Format::Json => report.to_json(),
        Format::Markdown => markdown(report),
        Format::Csv => csv::csv(report, b','),
        Format::CsvSemicolon => csv::csv(report, b';'),
        Format::Html => html::page(report),
        Format::HtmlFragment => fragment::fragment(report),
    }
}

pub(crate) fn lang(report: &Report) -> Language {
    report.plan.language
}

pub(crate) fn t(report: &Report, en: &'static str, sv: &'static str) -> &'static str {
    lang(report).pick(en, sv)
}

/// A report handed back to the renderers may ask for any number of decimals (`decimals =
/// 65536`): the formatter shows at most `limits::MAX_DECIMALS`, the most a plan may ask for.
pub(crate) fn num(report: &Report, r: &IndicatorResult, x: Option<f64>) -> String {
    format_number(x, r.decimals, lang(report))
}

/// A value of the indicator as the report shows it: in the indicator's decimals, with its unit.
pub(crate) fn value_shown(report: &Report, r: &IndicatorResult, x: Option<f64>) -> String {
    let n = num(report, r, x);
    if x.is_none() { n } else { crate::locale::with_unit(n, &r.unit) }
}

/// A result's measures as one line (`progress_value 0.9011 · score 2.1507`), empty when it has
/// none: four decimals (six below 0.01, where growth rates live), trailing zeros dropped.
pub(crate) fn measures_shown(report: &Report, measures: &BTreeMap<String, f64>) -> String {
    let shown: Vec<String> = measures
        .iter()
        .map(|(name, x)| {
            let mut n = format_number(Some(*x), Some(if x.abs() < 0.01 { 6 } else { 4 }), lang(report));
            if n.contains(['.', ',']) {
                n.truncate(n.trim_end_matches('0').trim_end_matches(['.', ',']).len());
            }
            format!("{name} {n}")
        })
        .collect();
    shown.join(" · ")
}

/// A goal's basis in words ("bedömt på 1 av 12 nyckeltal"), for a goal that links indicators.
pub(crate) fn basis_shown(report: &Report, goal: &GoalResult) -> Option<String> {
    (goal.basis.of > 0).then(|| goal.basis.text(lang(report)))
}

/// The target as the row judges it, with its comparator (`≥ 30`, `öka`), and whether it is a
/// direction of travel (`öka`, `minska`) rather than a number; none when the row has no target.
pub(crate) fn target_shown(report: &Report, r: &IndicatorResult) -> Option<(String, bool)> {
    let number = || r.target.map(|x| value_shown(report, r, Some(x)));
    Some(match r.target_op.as_deref() {
        Some("increase") => (t(report, "increase", "öka").to_string(), true),
        Some("decrease") => (t(report, "decrease", "minska").to_string(), true),
        Some(op) => {
            let op = match op {
                ">=" => "≥",
                "<=" => "≤",
                other => other,
            };
            (format!("{op} {}", number()?), false)
        }
        None => (number()?, false),
    })
}

/// Results of a goal's indicators (scored first, then key figures), total only.
pub(crate) fn goal_rows<'a>(report: &'a Report, goal_id: &str) -> Vec<&'a IndicatorResult> {
    let Some(goal) = report.goal(goal_id) else { return vec![] };
    let ids = goal.indicators.iter().map(|w| w.id.as_str()).chain(goal.key_figures.iter().map(String::as_str));
    ids.filter_map(|id| report.indicator(id, Gender::T)).collect()
}

fn markdown(report: &Report) -> String {
    let m = escape::markdown;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", m(&report.plan.title));
    let _ = writeln!(
        out,
        "{}: **{}** ({}), {}: **{}**\n",
        t(report, "Entity", "Kommun"),
        m(&report.entity_name),
        m(&report.entity),
        t(report, "period", "period"),
        m(&report.period)
    );
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "## {}\n", t(report, "Warnings", "Varningar"));
        for w in &report.warnings {
            let _ = writeln!(out, "- {} (`{}`)", m(&w.message), w.code.as_str());
        }
        let _ = writeln!(out);
    }
    for goal in &report.goals {
        let _ = writeln!(out, "## {} {}: {}\n", t(report, "Goal", "Mål"), m(&goal.id), m(&goal.title));
        let basis = basis_shown(report, goal).map(|b| format!(" ({})", m(&b))).unwrap_or_default();
        let _ = writeln!(out, "**{}**{basis} — {}\n", m(&goal.label), m(&goal.reason));
        if !goal.measures.is_empty() {
            let _ = writeln!(out, "{}\n", m(&measures_shown(report, &goal.measures)));
        }
        // A column of targets, and one of measures, only where a row has some: a plan without
        // them reads as before.
        let rows = goal_rows(report, &goal.id);
        let targets: Vec<Option<String>> = rows.iter().map(|r| target_shown(report, r).map(|(target, _)| target)).collect();
        let with_targets = targets.iter().any(Option::is_some);
        let with_measures = rows.iter().any(|r| !r.measures.is_empty());
        let optional = |on: bool, head: &str| if on { (format!(" {head} |"), "---|") } else { (String::new(), "") };
        let (target_head, target_rule) = optional(with_targets, t(report, "Target", "Mål"));
        let (measures_head, measures_rule) = optional(with_measures, t(report, "Measures", "Mått"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |{target_head} {} | {} |{measures_head}\n|---|---|---|---|{target_rule}---|---|{measures_rule}",
            t(report, "Id", "Id"),
            t(report, "Indicator", "Nyckeltal"),
            t(report, "Value", "Utfall"),
            t(report, "Period", "Period"),
            t(report, "Status", "Status"),
            t(report, "Reason", "Motivering")
        );
        for (r, target) in rows.into_iter().zip(targets) {
            let target =
                if with_targets { format!(" {} |", target.as_deref().map_or_else(|| "–".to_string(), m)) } else { String::new() };
            let measures = if with_measures { format!(" {} |", m(&measures_shown(report, &r.measures))) } else { String::new() };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |{target} {} | {} |{measures}",
                m(&r.id),
                m(&r.title),
                m(&value_shown(report, r, r.value)),
                r.period.as_deref().map_or_else(|| "–".to_string(), m),
                m(&r.label),
                m(&r.reason)
            );
        }
        if !goal.assignments.is_empty() {
            let _ = writeln!(out, "\n{}:\n", t(report, "Assignments", "Uppdrag"));
            for a in &goal.assignments {
                let _ = writeln!(
                    out,
                    "- **{}** {} — {}",
                    m(&a.id),
                    m(&a.text),
                    a.status.as_deref().map_or_else(|| t(report, "not followed up", "ej uppföljt").to_string(), m)
                );
            }
        }
        let _ = writeln!(out);
    }
    out
}
