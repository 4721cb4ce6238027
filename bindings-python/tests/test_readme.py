"""The README's Python examples run, in order, as a user would run them from the repository root."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import HERE, REPO

README = HERE.parent / "README.md"
# Every block but those marked `<!-- doc-test: skip REASON -->` (as scripts/doc-examples.py runs them).
BLOCKS = [
    m.group(2)
    for m in re.finditer(r"(<!-- doc-test: skip[^\n]*-->\n)?```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    if not m.group(1)
]


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 3


def test_the_readme_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pandas")
    if not (REPO / "rules" / "ostersund-2023" / "plan.toml").is_file():
        pytest.skip("rules/ostersund-2023 is not in this checkout")
    os.symlink(REPO / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    for block in BLOCKS:
        exec(compile(block, str(README), "exec"), scope)
    out = capsys.readouterr().out
    assert "72.3 is at least as good as the national value (69.8)" in out
    assert "attained | 72.3 is at least as good as the national value (69.8)" in out
    assert "['attained', 'attained', 'not_attained']" in out
    assert "plan.toml 4 1 unknown field `colour`" in out
    assert "attained 47.24" in out  # the data kinds: Arrow out
    assert (tmp_path / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
