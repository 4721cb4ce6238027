"""The example script runs: a report printed as a DataFrame and written as HTML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HERE, PLAN_DIR, REPO

EXAMPLE = HERE.parent / "examples" / "ostersund_report.py"
OSTERSUND = REPO / "rules" / "ostersund-2023"

pytest.importorskip("pandas")


def run_example(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=120,
    )


def test_the_example_on_a_small_plan(tmp_path: Path) -> None:
    out = tmp_path / "small.html"
    proc = run_example(tmp_path, str(out), str(PLAN_DIR))
    assert proc.returncode == 0, proc.stderr
    assert "goal   1  Partly attained" in proc.stdout
    assert "FULLTIME" in proc.stdout and "not_attained" in proc.stdout
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


def test_the_example_on_the_ostersund_plan(tmp_path: Path) -> None:
    if not (OSTERSUND / "plan.toml").is_file():
        pytest.skip("rules/ostersund-2023 is not in this checkout")
    proc = run_example(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Östersund (2380)" in proc.stdout
    html = (tmp_path / "ostersund-report.html").read_text(encoding="utf-8")
    assert "Östersund" in html
