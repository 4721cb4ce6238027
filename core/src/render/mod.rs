//! Renderers: terminal table, Markdown, CSV, JSON, a self-contained HTML page and an HTML fragment.

mod escape;
mod fragment;
mod html;

use crate::locale::format_number;
use crate::model::{Gender, Language};
use crate::report::{GoalResult, IndicatorResult, Report, Role};
use std::collections::BTreeMap;
use std::fmt::Write;

/// An output format for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for a terminal; `color` adds ANSI colours.
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
    /// A self-contained HTML page.
    Html,
    /// A compact HTML fragment for a notebook or a host page: one root element, its styles
    /// scoped to it, indicators folded (Jupyter's `_repr_html_`).
    HtmlFragment,
}

impl Format {
    /// Parses `table`, `json`, `md`/`markdown`, `csv`, `html`, `html-fragment`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "table" => Format::Table { color: false },
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "csv" => Format::Csv,
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
        Format::Table { color } => table(report, color),
        Format::Json => report.to_json(),
        Format::Markdown => markdown(report),
        Format::Csv => csv(report),
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

/// Results of a goal's indicators (scored first, then key figures), total only.
pub(crate) fn goal_rows<'a>(report: &'a Report, goal_id: &str) -> Vec<&'a IndicatorResult> {
    let Some(goal) = report.goal(goal_id) else { return vec![] };
    let ids = goal.indicators.iter().map(|w| w.id.as_str()).chain(goal.key_figures.iter().map(String::as_str));
    ids.filter_map(|id| report.indicator(id, Gender::T)).collect()
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

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    for _ in width(s)..w {
        out.push(' ');
    }
    out
}

fn clip(s: &str, w: usize) -> String {
    if width(s) <= w { s.to_string() } else { s.chars().take(w.saturating_sub(1)).collect::<String>() + "…" }
}

fn table(report: &Report, color: bool) -> String {
    let s = escape::terminal;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} ({}), {}", s(&report.plan.title), s(&report.entity_name), s(&report.entity), s(&report.period));
    for goal in &report.goals {
        let (c, reset) = if color { (ansi(&goal.color), "\x1b[0m") } else { ("", "") };
        let _ = writeln!(out);
        let basis = basis_shown(report, goal).map(|b| format!(" ({})", s(&b))).unwrap_or_default();
        let _ = writeln!(out, "{c}● {}{reset} {} {}{basis}", s(&goal.label), t(report, "Goal", "Mål"), s(&goal.id));
        let _ = writeln!(out, "  {}", s(&goal.title));
        let _ = writeln!(out, "  {}", s(&goal.reason));
        if !goal.measures.is_empty() {
            let _ = writeln!(out, "  {}", s(&measures_shown(report, &goal.measures)));
        }
        let rows = goal_rows(report, &goal.id);
        let titles: Vec<String> = rows.iter().map(|r| clip(&s(&r.title), 48)).collect();
        let tw = titles.iter().map(|t| width(t)).max().unwrap_or(10);
        for (r, title) in rows.into_iter().zip(&titles) {
            let (c, reset) = if color { (ansi(&r.color), "\x1b[0m") } else { ("", "") };
            let marker = if r.role == Role::KeyFigure { "·" } else { "●" };
            let value = s(&value_shown(report, r, r.value));
            let period = r.period.as_deref().map(|p| format!(" ({})", s(p))).unwrap_or_default();
            let _ =
                writeln!(out, "  {c}{marker} {}{reset} {} {}{} — {}", pad(&s(&r.label), 16), pad(title, tw), value, period, s(&r.reason));
            if !r.measures.is_empty() {
                let _ = writeln!(out, "    {}", s(&measures_shown(report, &r.measures)));
            }
            if r.women.is_some() || r.men.is_some() {
                let _ = writeln!(
                    out,
                    "    {} {}  {} {}",
                    t(report, "women", "kvinnor"),
                    s(&value_shown(report, r, r.women)),
                    t(report, "men", "män"),
                    s(&value_shown(report, r, r.men))
                );
            }
        }
        for a in &goal.assignments {
            let status = a.status.as_deref().map_or_else(|| t(report, "not followed up", "ej uppföljt").to_string(), s);
            let _ = writeln!(out, "  ▸ {} [{}] {}", s(&a.id), status, clip(&s(&a.text), 90));
        }
    }
    out
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
    for goal in &report.goals {
        let _ = writeln!(out, "## {} {}: {}\n", t(report, "Goal", "Mål"), m(&goal.id), m(&goal.title));
        let basis = basis_shown(report, goal).map(|b| format!(" ({})", m(&b))).unwrap_or_default();
        let _ = writeln!(out, "**{}**{basis} — {}\n", m(&goal.label), m(&goal.reason));
        if !goal.measures.is_empty() {
            let _ = writeln!(out, "{}\n", m(&measures_shown(report, &goal.measures)));
        }
        // A column of measures only where a row has some: a plan without them reads as before.
        let rows = goal_rows(report, &goal.id);
        let with_measures = rows.iter().any(|r| !r.measures.is_empty());
        let (head, rule) = if with_measures { (format!(" {} |", t(report, "Measures", "Mått")), "---|") } else { (String::new(), "") };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |{head}\n|---|---|---|---|---|{rule}",
            t(report, "Indicator", "Nyckeltal"),
            t(report, "Value", "Utfall"),
            t(report, "Period", "Period"),
            t(report, "Status", "Status"),
            t(report, "Reason", "Motivering")
        );
        for r in rows {
            let measures = if with_measures { format!(" {} |", m(&measures_shown(report, &r.measures))) } else { String::new() };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |{measures}",
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

fn csv(report: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "entity",
        "period",
        "goals",
        "indicator",
        "title",
        "gender",
        "role",
        "rule",
        "status",
        "period_used",
        "value",
        "target",
        "national",
        "peers_mean",
        "percentile",
        "previous",
        "women",
        "men",
        "reason",
        "measures",
    ]);
    // Numbers as Rust writes them (`-3.5` stays a number); every text cell neutralised.
    let f = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    let c = escape::csv_cell;
    for r in &report.indicators {
        let _ = w.write_record([
            &*c(&report.entity),
            &c(&report.period),
            &c(&r.goals.join(";")),
            &c(&r.id),
            &c(&r.title),
            r.gender.code(),
            if r.role == Role::Indicator { "indicator" } else { "key_figure" },
            &c(&r.rule),
            &c(&r.status),
            &c(r.period.as_deref().unwrap_or("")),
            &c(&f(r.value)),
            &c(&f(r.target)),
            &c(&f(r.national)),
            &c(&f(r.peers.as_ref().and_then(|p| p.mean))),
            &c(&f(r.percentile)),
            &c(&f(r.previous)),
            &c(&f(r.women)),
            &c(&f(r.men)),
            &c(&r.reason),
            // `name=value;…`, each value as Rust writes it (exact), in name order.
            &c(&r.measures.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
