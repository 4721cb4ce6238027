//! A self-contained HTML page: no scripts, no network, inline CSS and SVG.

use super::escape::{css_color, html as esc, http_url};
use super::{basis_shown, goal_rows, t};
use crate::model::Gender;
use crate::report::{GoalResult, IndicatorResult, Report, Role};
use std::fmt::Write;

/// A value with its unit, escaped: the unit is plan text.
fn value_shown(report: &Report, r: &IndicatorResult, x: Option<f64>) -> String {
    esc(&super::value_shown(report, r, x))
}

/// A small line of the history plus the current value, as inline SVG.
fn sparkline(r: &IndicatorResult) -> String {
    // Only finite values are drawn: a report handed back may hold NaN or infinities.
    let mut pts: Vec<f64> = r.history.iter().map(|h| h.value).filter(|v| v.is_finite()).collect();
    if let Some(v) = r.value.filter(|v| v.is_finite()) {
        pts.push(v);
    }
    let Some(&last) = pts.last() else { return String::new() };
    if pts.len() < 2 {
        return String::new();
    }
    let (w, h) = (96.0, 24.0);
    let lo = pts.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = pts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // `hi - lo` overflows to infinity for values near ±f64::MAX: scale by halves instead.
    let span = if hi > lo { hi / 2.0 - lo / 2.0 } else { 1.0 };
    let y = |v: f64| h - 3.0 - ((v / 2.0 - lo / 2.0) / span).clamp(0.0, 1.0) * (h - 6.0);
    let step = (w - 4.0) / (pts.len() - 1) as f64;
    let xy: Vec<(f64, f64)> = pts.iter().enumerate().map(|(i, &v)| (2.0 + i as f64 * step, y(v))).collect();
    let path: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let (lx, ly) = (w - 2.0, y(last));
    let title: Vec<String> = r
        .history
        .iter()
        .map(|h| format!("{}: {}", h.period, h.value))
        .chain(r.value.map(|v| format!("{}: {v}", r.period.as_deref().unwrap_or(""))))
        .collect();
    format!(
        "<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\"><title>{}</title><polyline fill=\"none\" stroke=\"#546e7a\" stroke-width=\"1.5\" points=\"{}\"/><circle cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"2.5\" fill=\"{}\"/></svg>",
        esc(&title.join(", ")),
        path.join(" "),
        esc(css_color(&r.color))
    )
}

pub(super) fn page(report: &Report) -> String {
    let mut o = String::new();
    head(&mut o, report);
    header(&mut o, report);
    let _ = write!(o, "<main>");
    warning_list(&mut o, report, "h2");
    for goal in &report.goals {
        goal_section(&mut o, report, goal);
    }
    let _ = write!(o, "</main><footer>{} attain · {}</footer></body></html>", t(report, "Made with", "Skapad med"), esc(&report.plan.id));
    o
}

/// The report's warnings, when it has any: a list under a heading (`tag`: `h2` in the page, `b`
/// in the fragment, whose notebook styles headings its own way), each with its code.
pub(super) fn warning_list(o: &mut String, report: &Report, tag: &str) {
    if report.warnings.is_empty() {
        return;
    }
    let _ = write!(o, "<section class=\"warnings\"><{tag}>{}</{tag}><ul>", t(report, "Warnings", "Varningar"));
    for w in &report.warnings {
        let _ = write!(o, "<li>{} <code>{}</code></li>", esc(&w.message), esc(w.code.as_str()));
    }
    let _ = write!(o, "</ul></section>");
}

/// The document's head (language, title, the inline CSS) and the opening of its body.
fn head(o: &mut String, report: &Report) {
    let lang = report.plan.language.pick("en", "sv");
    let _ = write!(
        o,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} – {} {}</title><style>{CSS}</style></head><body>",
        esc(&report.plan.title),
        esc(&report.entity_name),
        esc(&report.period)
    );
}

/// The page header: the plan's title, the entity and period, and how many goals are at each level.
fn header(o: &mut String, report: &Report) {
    let _ = write!(
        o,
        "<header><h1>{}</h1><p class=\"sub\">{} · {} {}</p>",
        esc(&report.plan.title),
        esc(&report.entity_name),
        t(report, "Period", "Period"),
        esc(&report.period)
    );
    let _ = write!(o, "<ul class=\"summary\"><li class=\"what\">{} <b>{}</b></li>", t(report, "Goals", "Mål"), report.goals.len());
    for level in report.scale.levels().iter().chain([&report.scale.no_data]) {
        let n = report.goals.iter().filter(|g| g.status == level.id).count();
        let _ = write!(
            o,
            "<li><span class=\"dot\" style=\"background:{}\"></span>{} <b>{n}</b></li>",
            esc(css_color(&level.color)),
            esc(&level.label)
        );
    }
    let _ = write!(o, "</ul>");
    indicator_summary(o, report);
    let _ = write!(o, "</header>");
}

/// How many scored indicators (totals) are at each level, and errors where there are any.
fn indicator_summary(o: &mut String, report: &Report) {
    let scored: Vec<_> = report.indicators.iter().filter(|r| r.gender == Gender::T && r.role == Role::Indicator).collect();
    let _ = write!(o, "<ul class=\"summary\"><li class=\"what\">{} <b>{}</b></li>", t(report, "Indicators", "Nyckeltal"), scored.len());
    for level in report.scale.levels().iter().chain([&report.scale.no_data, &report.scale.error]) {
        let n = scored.iter().filter(|r| r.status == level.id).count();
        if n == 0 && level.id == report.scale.error.id {
            continue;
        }
        let _ = write!(
            o,
            "<li><span class=\"dot\" style=\"background:{}\"></span>{} <b>{n}</b></li>",
            esc(css_color(&level.color)),
            esc(&level.label)
        );
    }
    let _ = write!(o, "</ul>");
}

/// One goal: its light, status and reason, its political text, its indicators and its assignments.
fn goal_section(o: &mut String, report: &Report, goal: &GoalResult) {
    let _ = write!(
        o,
        "<section class=\"goal\" id=\"goal-{}\"><div class=\"goal-head\"><span class=\"light\" style=\"background:{}\" title=\"{}\"></span><div><h2><span class=\"gid\">{} {}</span> {}</h2><p class=\"status\"><b style=\"color:{}\">{}</b>{} – {}{}</p></div></div>",
        esc(&goal.id),
        esc(css_color(&goal.color)),
        esc(&goal.label),
        t(report, "Goal", "Mål"),
        esc(&goal.id),
        esc(&goal.title),
        esc(css_color(&goal.color)),
        esc(&goal.label),
        basis_shown(report, goal).map(|b| format!(" <span class=\"basis\">({})</span>", esc(&b))).unwrap_or_default(),
        esc(&goal.reason),
        measures_html(report, &goal.measures)
    );
    if !goal.text.is_empty() {
        let _ = write!(o, "<details class=\"text\"><summary>{}</summary>", t(report, "Political text", "Politisk text"));
        for p in goal.text.split("\n\n") {
            let _ = write!(o, "<p>{}</p>", esc(p.trim()));
        }
        let _ = write!(o, "</details>");
    }
    indicator_table(o, report, goal);
    assignment_list(o, report, goal);
    let _ = write!(o, "</section>");
}

/// The table of a goal's indicators and key figures.
fn indicator_table(o: &mut String, report: &Report, goal: &GoalResult) {
    let _ = write!(
        o,
        "<table><thead><tr><th></th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t(report, "Indicator", "Nyckeltal"),
        t(report, "Value", "Utfall"),
        t(report, "Target / national", "Mål / riket"),
        t(report, "Peers", "Jämförelse"),
        t(report, "Women / men", "Kvinnor / män"),
        t(report, "Trend", "Trend"),
        t(report, "Assessment", "Bedömning")
    );
    for r in goal_rows(report, &goal.id) {
        indicator_row(o, report, r);
    }
    let _ = write!(o, "</tbody></table>");
}

/// One row of the indicator table.
fn indicator_row(o: &mut String, report: &Report, r: &IndicatorResult) {
    let kf = if r.role == Role::KeyFigure {
        format!(" <span class=\"tag\">{}</span>", t(report, "key figure", "nyckeltal"))
    } else {
        String::new()
    };
    // The target as the plan writes it ("mål ≥ 30 %", "mål: öka").
    let target_or_nat = match (super::target_shown(report, r), r.national) {
        (Some((word, true)), _) => format!("{} {}", t(report, "target:", "mål:"), esc(&word)),
        (Some((shown, false)), _) => format!("{} {}", t(report, "target", "mål"), esc(&shown)),
        (None, Some(_)) => value_shown(report, r, r.national),
        _ => "–".into(),
    };
    let peers = r.peers.as_ref().and_then(|p| p.mean).map_or("–".into(), |m| value_shown(report, r, Some(m)));
    let gender = if r.women.is_some() || r.men.is_some() {
        format!(
            "<span class=\"k\">♀ {}</span> <span class=\"m\">♂ {}</span>",
            value_shown(report, r, r.women),
            value_shown(report, r, r.men)
        )
    } else {
        String::new()
    };
    let period = r.period.as_deref().map(|p| format!("<small>{}</small>", esc(p))).unwrap_or_default();
    let _ = write!(
        o,
        "<tr class=\"ind\" data-id=\"{}\" data-status=\"{}\"><td><span class=\"dot\" style=\"background:{}\" title=\"{}\"></span></td><td>{}{kf}<br><small class=\"src\">{}</small></td><td class=\"n\">{}<br>{period}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{gender}</td><td>{}</td><td><b>{}</b><br><span class=\"reason\">{}</span>{}</td></tr>",
        esc(&r.id),
        esc(&r.status),
        esc(css_color(&r.color)),
        esc(&r.label),
        esc(&r.title),
        source_html(report, r),
        value_shown(report, r, r.value),
        target_or_nat,
        peers,
        sparkline(r),
        esc(&r.label),
        esc(&r.reason),
        measures_html(report, &r.measures)
    );
}

/// A result's measures below its reason, nothing when it has none.
fn measures_html(report: &Report, measures: &std::collections::BTreeMap<String, f64>) -> String {
    if measures.is_empty() {
        return String::new();
    }
    format!("<br><small class=\"measures\">{}</small>", esc(&super::measures_shown(report, measures)))
}

/// A goal's assignments with their boards and follow-up status, if it has any.
fn assignment_list(o: &mut String, report: &Report, goal: &GoalResult) {
    if goal.assignments.is_empty() {
        return;
    }
    let _ = write!(o, "<h3>{}</h3><ul class=\"assign\">", t(report, "Assignments", "Uppdrag"));
    for a in &goal.assignments {
        let boards = if a.boards.is_empty() { t(report, "all boards", "alla nämnder").to_string() } else { a.boards.join(", ") };
        let status = a.status.as_deref().map_or(t(report, "not followed up", "ej uppföljt").to_string(), assignment_label(report));
        let _ = write!(
            o,
            "<li><span class=\"aid\">{}</span> {} <small>({})</small> <span class=\"astat\">{}</span></li>",
            esc(&a.id),
            esc(&a.text),
            esc(&boards),
            esc(&status)
        );
    }
    let _ = write!(o, "</ul>");
}

/// The source as a short link (pages) or text (Kolada ids), never a long bare URL.
fn source_html(report: &Report, r: &IndicatorResult) -> String {
    match r.source.as_deref() {
        Some(text) => match http_url(text) {
            Some(url) => format!("<a href=\"{}\">{}</a> · {}", esc(url), t(report, "source", "källa"), esc(&r.id)),
            None => esc(text),
        },
        None => esc(&r.id),
    }
}

pub(crate) fn assignment_label(report: &Report) -> impl Fn(&str) -> String + '_ {
    move |s: &str| {
        let sv = report.plan.language.pick(false, true);
        match (s, sv) {
            ("done", true) => "Genomfört",
            ("on_track", true) => "Bedöms bli genomfört",
            ("at_risk", true) => "Risk att inte genomföras",
            ("not_done", true) => "Inte genomfört",
            ("not_started", true) => "Ej påbörjat",
            ("done", false) => "Done",
            ("on_track", false) => "On track",
            ("at_risk", false) => "At risk",
            ("not_done", false) => "Not done",
            ("not_started", false) => "Not started",
            (other, _) => other,
        }
        .to_string()
    }
}

const CSS: &str = "
:root{--fg:#1d2327;--muted:#5f6b73;--line:#e3e7ea;--bg:#f6f8f9}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:24px 32px}h1{margin:0 0 4px;font-size:24px}
.sub{margin:0;color:var(--muted)}.summary{list-style:none;display:flex;gap:20px;padding:0;margin:14px 0 0;flex-wrap:wrap}
.summary li{display:flex;align-items:center;gap:6px}.summary .what{min-width:110px;color:var(--muted)}.basis{color:var(--muted)}main{max-width:1200px;margin:0 auto;padding:16px 24px}
.goal{background:#fff;border:1px solid var(--line);border-radius:10px;margin:18px 0;padding:18px 22px}
.goal-head{display:flex;gap:14px;align-items:flex-start}.light{flex:none;width:22px;height:22px;border-radius:50%;margin-top:4px;box-shadow:inset 0 -2px 0 rgba(0,0,0,.15)}
h2{margin:0;font-size:17px;font-weight:600}.gid{color:var(--muted);font-weight:500;margin-right:4px}.status{margin:4px 0 0;color:var(--muted)}
details.text{margin:10px 0 0 36px;color:var(--muted)}details.text summary{cursor:pointer}
table{width:100%;border-collapse:collapse;margin-top:14px;font-size:14px}th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td{border-bottom:1px solid var(--line);padding:8px;vertical-align:top}td:last-child{width:34%}td:nth-child(2){width:30%}a{color:#1565c0}.n{text-align:right;white-space:nowrap}small{color:var(--muted)}
.dot{display:inline-block;width:12px;height:12px;border-radius:50%}.reason{color:var(--muted)}.tag{font-size:11px;background:#eceff1;border-radius:4px;padding:1px 5px;color:var(--muted)}
.k{color:#8e24aa;white-space:nowrap}.m{color:#1565c0;white-space:nowrap}h3{font-size:14px;margin:16px 0 6px;color:var(--muted)}
.assign{margin:0;padding-left:18px}.assign li{margin:3px 0}.aid{font-weight:600;margin-right:4px}.astat{font-size:12px;background:#eceff1;border-radius:4px;padding:1px 6px;margin-left:4px}
.warnings{background:#fff8e1;border:1px solid #f3d27a;border-radius:10px;margin:18px 0;padding:14px 22px}.warnings ul{margin:6px 0 0;padding-left:18px}
footer{text-align:center;color:var(--muted);padding:24px;font-size:12px}
";
