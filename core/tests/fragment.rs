//! The HTML fragment (Jupyter's `_repr_html_`, JS pages): one root, styles scoped to it, compact.

use crate::common::repo_root;
use attain_core::{Format, Plan, Query, render};

fn ostersund_report() -> attain_core::Report {
    let p = Plan::load(repo_root().join("rules/ostersund-2023")).unwrap();
    p.evaluate(&p.data().unwrap(), &Query::new("2380", "2023")).unwrap()
}

#[test]
fn the_fragment_is_one_root_with_every_style_scoped_to_it_and_a_fraction_of_the_page() {
    let r = ostersund_report();
    let fragment = render(&r, Format::HtmlFragment);
    let page = render(&r, Format::Html);
    let id = fragment.strip_prefix("<div class=\"attain-report\" id=\"").and_then(|s| s.split('"').next()).expect("the root opens it");
    assert!(id.starts_with("attain-") && id.len() > 10, "{id}");
    assert!(fragment.ends_with("</div>"));
    for tag in ["<html", "<head", "<body", "<!doctype", "<main", "<header", "<footer"] {
        assert!(!fragment.to_lowercase().contains(tag), "the fragment holds {tag}");
    }
    let css = fragment.split("<style>").nth(1).and_then(|s| s.split("</style>").next()).expect("one style element");
    let root = format!("#{id}");
    for rule in css.split('}').filter(|r| !r.trim().is_empty()) {
        for selector in rule.split('{').next().unwrap().split(',') {
            assert!(selector.trim() == root || selector.trim().starts_with(&format!("{root} ")), "`{selector}` is not scoped");
        }
    }
    // Every goal with its status and basis; indicators folded.
    for g in &r.goals {
        assert!(fragment.contains(&format!("data-goal=\"{}\"", g.id)), "goal {}", g.id);
    }
    assert!(fragment.contains("(bedömt på 1 av 12 nyckeltal)"));
    assert_eq!(
        fragment.matches("<details>").count(),
        r.goals.iter().filter(|g| !g.indicators.is_empty() || !g.key_figures.is_empty()).count()
    );
    assert!(fragment.len() * 2 < page.len(), "fragment {} bytes, page {} bytes", fragment.len(), page.len());
    // Another report is another root: their styles do not meet.
    let p = Plan::load(repo_root().join("rules/ostersund-2023")).unwrap();
    let other = render(&p.evaluate(&p.data().unwrap(), &Query::new("2380", "2022")).unwrap(), Format::HtmlFragment);
    assert_ne!(other.split('"').nth(3), Some(id));
}
