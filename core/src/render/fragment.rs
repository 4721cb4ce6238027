//! A compact HTML fragment for notebooks and host pages: one root element, every style scoped to it.
//!
//! Jupyter (`_repr_html_`) and a JS page put the fragment inside their own document, so it holds
//! no `<html>`, `<head>` or `<body>`, and its one `<style>` has no rule outside its root: every
//! selector starts with the root's id (`#attain-…`, a hash of the fragment's content, so two
//! reports in one notebook keep apart). Goals show their status, basis and reason; their
//! indicators are folded in a `<details>`.

use super::escape::{css_color, html as esc};
use super::{basis_shown, goal_rows, t};
use crate::report::{GoalResult, IndicatorResult, Report, Role};
use std::fmt::Write;

/// The class of the fragment's root element, the same in every fragment.
const FRAGMENT_CLASS: &str = "attain-report";

/// The fragment of a report: `<div class="attain-report" id="attain-…"><style>…</style>…</div>`.
pub(super) fn fragment(report: &Report) -> String {
    let mut body = String::new();
    summary(&mut body, report);
    super::html::warning_list(&mut body, report, "b");
    for goal in &report.goals {
        goal_block(&mut body, report, goal);
    }
    let id = format!("attain-{:016x}", fnv1a(body.as_bytes()));
    let lang = report.plan.language.pick("en", "sv");
    format!(
        "<div class=\"{FRAGMENT_CLASS}\" id=\"{id}\" lang=\"{lang}\"><style>{}</style>{body}</div>",
        CSS.replace("$R", &format!("#{id}"))
    )
}

/// FNV-1a, 64 bits: a stable id from the content, the same in every host (no randomness on wasm32).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The title line and how many goals are at each level.
fn summary(o: &mut String, report: &Report) {
    let _ = write!(
        o,
        "<p class=\"head\"><b>{}</b> · {} · {}</p><p class=\"counts\">{} {}:",
        esc(&report.plan.title),
        esc(&report.entity_name),
        esc(&report.period),
        report.goals.len(),
        t(report, "goals", "mål")
    );
    for level in report.scale.levels().iter().chain([&report.scale.no_data]) {
        let n = report.goals.iter().filter(|g| g.status == level.id).count();
        if n > 0 {
            let _ = write!(o, " {} {} {n}", dot(&level.color, &level.label), esc(&level.label));
        }
    }
    let _ = write!(o, "</p>");
}

fn dot(color: &str, label: &str) -> String {
    format!("<span class=\"dot\" style=\"background:{}\" title=\"{}\"></span>", esc(css_color(color)), esc(label))
}

/// One goal: status, id, title, basis and reason; its indicators folded.
fn goal_block(o: &mut String, report: &Report, goal: &GoalResult) {
    let _ = write!(
        o,
        "<div class=\"goal\" data-goal=\"{}\"><p>{} <b>{}</b> <span class=\"gid\">{} {}</span> {}{}</p><p class=\"reason\">{}</p>",
        esc(&goal.id),
        dot(&goal.color, &goal.label),
        esc(&goal.label),
        t(report, "Goal", "Mål"),
        esc(&goal.id),
        esc(&goal.title),
        basis_shown(report, goal).map(|b| format!(" <span class=\"basis\">({})</span>", esc(&b))).unwrap_or_default(),
        esc(&goal.reason)
    );
    let rows = goal_rows(report, &goal.id);
    if !rows.is_empty() {
        let _ = write!(
            o,
            "<details><summary>{} {}</summary><table><tbody>",
            rows.len(),
            if rows.len() == 1 { t(report, "indicator", "nyckeltal") } else { t(report, "indicators", "nyckeltal") }
        );
        for r in rows {
            indicator_row(o, report, r);
        }
        let _ = write!(o, "</tbody></table></details>");
    }
    if !goal.assignments.is_empty() {
        let followed = goal.assignments.iter().filter(|a| a.status.is_some()).count();
        let _ = write!(
            o,
            "<p class=\"assign\">{}: {}, {} {followed}</p>",
            t(report, "Assignments", "Uppdrag"),
            goal.assignments.len(),
            t(report, "followed up", "uppföljda")
        );
    }
    let _ = write!(o, "</div>");
}

/// One indicator: light, id, title (a key figure tagged), value with its period, status and reason.
fn indicator_row(o: &mut String, report: &Report, r: &IndicatorResult) {
    let kf = if r.role == Role::KeyFigure { format!(" <small>({})</small>", t(report, "key figure", "nyckeltal")) } else { String::new() };
    let period = r.period.as_deref().map(|p| format!(" <small>({})</small>", esc(p))).unwrap_or_default();
    let _ = write!(
        o,
        "<tr data-id=\"{}\"><td>{}</td><td><code>{}</code> {}{kf}</td><td class=\"n\">{}{period}</td><td><b>{}</b> <span class=\"reason\">{}</span></td></tr>",
        esc(&r.id),
        dot(&r.color, &r.label),
        esc(&r.id),
        esc(&r.title),
        esc(&super::value_shown(report, r, r.value)),
        esc(&r.label),
        esc(&r.reason)
    );
}

/// The fragment's styles: `$R` is the root's selector, and every rule starts with it.
const CSS: &str = "\
$R{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2327;max-width:1100px}\
$R p{margin:2px 0}$R .head{font-size:15px}$R .counts{color:#5f6b73;margin-bottom:8px}\
$R .goal{border-top:1px solid #e3e7ea;padding:6px 0}$R .gid,$R .basis,$R .reason,$R small,$R .assign{color:#5f6b73}\
$R .dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:baseline}\
$R details{margin:2px 0 2px 16px}$R summary{cursor:pointer;color:#1565c0}\
$R table{border-collapse:collapse;margin:4px 0;font-size:13px}\
$R td{border-bottom:1px solid #eef1f3;padding:3px 6px;vertical-align:top;text-align:left}\
$R .n{text-align:right;white-space:nowrap}$R code{font-size:12px}\
$R .warnings{background:#fff8e1;padding:4px 8px;margin:4px 0}$R .warnings ul{margin:2px 0;padding-left:18px}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_css_starts_with_the_root() {
        for rule in CSS.split('}').filter(|r| !r.trim().is_empty()) {
            let (selectors, _) = rule.split_once('{').expect("a rule has a body");
            for s in selectors.split(',') {
                assert!(s.starts_with("$R"), "`{s}` is not scoped to the root");
            }
        }
    }

    #[test]
    fn the_id_follows_the_content() {
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    }
}
