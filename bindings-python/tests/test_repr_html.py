"""Jupyter's `_repr_html_`: core's fragment, parsed as a notebook would hold it (issue 14)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import attain

from conftest import REPO

# Elements a fragment must never hold: they belong to the notebook's own document.
DOCUMENT_TAGS = {"html", "head", "body", "title", "meta", "link", "script"}
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr"}


class Fragment(HTMLParser):
    """Every element with its depth, the text outside the root, and the CSS of <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.roots: list[tuple[str, dict[str, str | None]]] = []
        self.tags: set[str] = set()
        self.outside: list[str] = []
        self.css: list[str] = []
        self._in_style = False
        self.declaration = False

    def handle_decl(self, decl: str) -> None:
        self.declaration = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if self.depth == 0:
            self.roots.append((tag, dict(attrs)))
        if tag not in VOID:
            self.depth += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.depth -= 1
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip():
            self.outside.append(data)
        if self._in_style:
            self.css.append(data)


def parse(html: str) -> Fragment:
    p = Fragment()
    p.feed(html)
    p.close()
    return p


def selectors(css: str) -> list[str]:
    """Every selector of every rule (no at-rules are expected; one would fail the caller)."""
    out = []
    for rule in css.split("}"):
        if rule.strip():
            head = rule.split("{", 1)[0]
            out.extend(s.strip() for s in head.split(","))
    return out


def test_repr_html_is_one_root_with_every_style_scoped_to_it() -> None:
    report = attain.load_plan(REPO / "rules" / "ostersund-2023").evaluate(entity="2380", period="2023")
    fragment = report._repr_html_()
    page = report.to_html()
    p = parse(fragment)
    assert p.depth == 0, "every element is closed"
    assert not p.declaration, "no <!doctype>"
    assert len(p.roots) == 1, f"one root element, got {[t for t, _ in p.roots]}"
    tag, attrs = p.roots[0]
    assert tag == "div" and attrs.get("class") == "attain-report", attrs
    root_id = attrs.get("id") or ""
    assert re.fullmatch(r"attain-[0-9a-f]{16}", root_id), root_id
    assert not p.outside, f"text outside the root: {p.outside}"
    assert not (p.tags & DOCUMENT_TAGS), p.tags & DOCUMENT_TAGS
    css = "".join(p.css)
    found = selectors(css)
    assert len(found) > 10, css
    root = f"#{root_id}"
    unscoped = [s for s in found if s != root and not s.startswith(root + " ")]
    assert not unscoped, f"selectors outside the root: {unscoped}"
    # Compact: every goal with its status and basis, indicators folded, well under the page.
    for goal in report.goals:
        assert f'data-goal="{goal.id}"' in fragment
        assert goal.label in fragment
    assert "(bedömt på 1 av 12 nyckeltal)" in fragment
    assert "<details>" in fragment and "<table>" in fragment
    assert len(fragment.encode()) * 2 < len(page.encode()), (len(fragment), len(page))
    assert page.lstrip().lower().startswith("<!doctype html>"), "to_html stays the whole page"


def test_two_reports_have_two_roots() -> None:
    plan = attain.load_plan(REPO / "rules" / "ostersund-2023")
    a = parse(plan.evaluate(entity="2380", period="2023")._repr_html_()).roots[0][1]["id"]
    b = parse(plan.evaluate(entity="2380", period="2022")._repr_html_()).roots[0][1]["id"]
    assert a != b
