"""Runs every language-neutral vector in tests/conformance/*.toml (format in its README): the same
cases core and the JavaScript binding run, with the same statuses, reasons and errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import pytest

import attain

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FOLDER = Path(__file__).resolve().parents[2] / "tests" / "conformance"
BINDING = "python"

CASE_FIELDS = {
    "name",
    "description",
    "files",
    "plan",
    "observations",
    "csv",
    "data",
    "assignments",
    "query",
    "expect_indicators",
    "expect_goals",
    "expect_reasons",
    "expect_error",
    "skip",
}
QUERY_FIELDS = {"entity", "period"}
ERROR_FIELDS = {"type", "code", "message", "file", "line", "column", "row"}
SKIP_KEYS = {"rust", "python", "js"}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case of every file, with the file it came from, in file order."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(FOLDER.glob("*.toml")):
        with path.open("rb") as f:
            doc = tomllib.load(f)
        unknown = set(doc) - {"case"}
        assert not unknown, f"{path.name}: unknown top-level keys {sorted(unknown)}"
        cases.extend((path.name, case) for case in doc.get("case", []))
    return cases


CASES = load_cases()


def format_problems(file: str, case: dict[str, Any]) -> list[str]:
    """What is wrong with a case's shape: the format is strict."""
    name = case.get("name", "<unnamed>")
    where = f"{file}: case `{name}`"
    problems = [f"{where}: unknown field `{k}`" for k in sorted(set(case) - CASE_FIELDS)]
    if "name" not in case:
        problems.append(f"{where}: no name")
    if ("files" in case) == ("plan" in case):
        problems.append(f"{where}: needs exactly one of `files` and `plan`")
    problems += [f"{where}: unknown query field `{k}`" for k in sorted(set(case.get("query", {})) - QUERY_FIELDS)]
    problems += [f"{where}: unknown expect_error field `{k}`" for k in sorted(set(case.get("expect_error", {})) - ERROR_FIELDS)]
    problems += [f"{where}: unknown skip key `{k}`" for k in sorted(set(case.get("skip", {})) - SKIP_KEYS)]
    if "expect_error" in case and "type" not in case["expect_error"]:
        problems.append(f"{where}: expect_error has no type")
    if "expect_error" in case and "code" not in case["expect_error"]:
        problems.append(f"{where}: expect_error has no code")
    if case.get("data", "plan") != "plan":
        problems.append(f"{where}: data = `{case['data']}`; the only value is \"plan\"")
    results = any(case.get(k) for k in ("expect_indicators", "expect_goals", "expect_reasons"))
    if "expect_error" not in case and not (case.get("expect_indicators") or case.get("expect_goals")):
        problems.append(f"{where}: expects nothing, so it cannot fail")
    if "expect_error" in case and results:
        problems.append(f"{where}: expects both an error and results")
    return problems


def load_plan(case: dict[str, Any]) -> attain.Plan:
    if "files" in case:
        return attain.Plan.from_files(case["files"])
    return attain.load_plan(FOLDER / case["plan"])


def observations(case: dict[str, Any], plan: attain.Plan) -> attain.Observations:
    """Rows, then CSV, then the plan's data (a row repeated across them is a duplicate), then follow-ups."""
    data = attain.Observations.from_rows(case.get("observations", []))
    if "csv" in case:
        data = data.merge(attain.Observations.from_csv(case["csv"], "observations.csv"))
    if case.get("data") == "plan":
        data = data.merge(plan.data())
    if case.get("assignments"):
        data = data.merge(attain.Observations.from_rows([], case["assignments"]))
    return data


def run(case: dict[str, Any]) -> attain.Report:
    plan = load_plan(case)
    data = observations(case, plan)
    query = case.get("query", {})
    return plan.evaluate(data, entity=query.get("entity"), period=query.get("period"))


def indicator_key(key: str) -> tuple[str, str]:
    """`N00209`, `N00209/K` or `N00209/M`."""
    ident, _, gender = key.rpartition("/")
    if ident and gender in ("T", "K", "M"):
        return ident, gender
    return key, "T"


def differences(case: dict[str, Any]) -> list[str]:
    """Runs one case; returns what differed from its expectations."""
    want_error: Optional[dict[str, Any]] = case.get("expect_error")
    try:
        report = run(case)
    except attain.AttainError as e:
        if want_error is None:
            return [f"unexpected error: {e}"]
        diffs = []
        if e.kind != want_error["type"]:
            diffs.append(f"error type: expected {want_error['type']}, got {e.kind} ({e})")
        if e.code != want_error["code"]:
            diffs.append(f"error code: expected {want_error['code']}, got {e.code} ({e})")
        if "message" in want_error and want_error["message"] not in (e.message or ""):
            diffs.append(f"error message: expected it to contain `{want_error['message']}`, got `{e.message}`")
        for field in ("file", "line", "column", "row"):
            if field in want_error and getattr(e, field) != want_error[field]:
                diffs.append(f"error {field}: expected {want_error[field]!r}, got {getattr(e, field)!r} ({e})")
        return diffs
    if want_error is not None:
        return [f"expected a {want_error['type']} error, but it succeeded"]
    diffs = []
    for key, want in case.get("expect_indicators", {}).items():
        result = report.indicator(*indicator_key(key))
        if result is None:
            diffs.append(f"indicator {key}: not in the report")
        elif result.status != want:
            diffs.append(f"indicator {key}: expected {want}, got {result.status} ({result.reason})")
    for ident, want in case.get("expect_goals", {}).items():
        goal = report.goal(ident)
        if goal is None:
            diffs.append(f"goal {ident}: not in the report")
        elif goal.status != want:
            diffs.append(f"goal {ident}: expected {want}, got {goal.status} ({goal.reason})")
    for key, want in case.get("expect_reasons", {}).items():
        if key.startswith("goal:"):
            goal = report.goal(key[len("goal:") :])
            reason = None if goal is None else goal.reason
        else:
            result = report.indicator(*indicator_key(key))
            reason = None if result is None else result.reason
        if reason is None:
            diffs.append(f"reason of {key}: not in the report")
        elif want not in reason:
            diffs.append(f"reason of {key}: expected it to contain `{want}`, got `{reason}`")
    return diffs


def test_there_are_vectors() -> None:
    assert FOLDER.is_dir(), f"{FOLDER} is missing"
    assert len(CASES) >= 20, f"only {len(CASES)} conformance cases in {FOLDER}"


def test_the_vectors_are_well_formed() -> None:
    problems = [p for file, case in CASES for p in format_problems(file, case)]
    seen: dict[str, str] = {}
    for file, case in CASES:
        name = case.get("name", "")
        if name in seen:
            problems.append(f"{file}: case name `{name}` is used twice (first in {seen[name]})")
        seen.setdefault(name, file)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("file", "case"), CASES, ids=[f"{f}::{c.get('name', '?')}" for f, c in CASES])
def test_conformance(file: str, case: dict[str, Any]) -> None:
    assert not format_problems(file, case)
    why = case.get("skip", {}).get(BINDING)
    if why:
        pytest.skip(f"{file}: {case['name']}: {why}")
    diffs = differences(case)
    assert not diffs, f"{file}: {case['name']}\n  " + "\n  ".join(diffs)


WRONG_ON_PURPOSE = '''
[[case]]
name = "wrong on purpose"
observations = [{ indicator = "I", entity = "1", period = "2022", value = 5 }, { indicator = "I", entity = "0000", period = "2022", value = 4 }]
query = { entity = "1", period = "2022" }
expect_indicators = { I = "not_attained" }
expect_reasons = { I = "no such text" }
[case.files]
"plan.toml" = """
[plan]
id = "w"
title = "W"
[comparison]
national = "0000"
[[indicator]]
id = "I"
title = "I"
rule = "reference"
"""
'''


def test_the_runner_reports_a_wrong_expectation() -> None:
    case = tomllib.loads(WRONG_ON_PURPOSE)["case"][0]
    diffs = differences(case)
    assert len(diffs) == 2, diffs
    assert "expected not_attained, got attained" in diffs[0]
    assert "no such text" in diffs[1]
    wrong_error = dict(case, expect_error={"type": "plan", "code": "plan.empty", "line": 1})
    for k in ("expect_indicators", "expect_reasons"):
        del wrong_error[k]
    assert differences(wrong_error) == ["expected a plan error, but it succeeded"]


def test_the_runner_refuses_malformed_cases() -> None:
    case = tomllib.loads(WRONG_ON_PURPOSE)["case"][0]
    assert format_problems("x.toml", dict(case, expect_goal={"a": "attained"})) == ["x.toml: case `wrong on purpose`: unknown field `expect_goal`"]
    nothing = {k: v for k, v in case.items() if not k.startswith("expect")}
    assert format_problems("x.toml", nothing) == ["x.toml: case `wrong on purpose`: expects nothing, so it cannot fail"]
    no_code = dict(nothing, expect_error={"type": "plan"})
    assert format_problems("x.toml", no_code) == ["x.toml: case `wrong on purpose`: expect_error has no code"]


def test_the_runner_reports_a_wrong_error_code() -> None:
    case = {"name": "wrong code", "files": {"plan.toml": ""}, "expect_error": {"type": "plan", "code": "plan.duplicate_id"}}
    diffs = differences(case)
    assert len(diffs) == 1, diffs
    assert diffs[0].startswith("error code: expected plan.duplicate_id, got plan.empty"), diffs
