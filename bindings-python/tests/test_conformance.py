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
    "expect_measures",
    "expect_warnings",
    "expect_error",
    "skip",
    "call",
    "expect_result",
    "expect_text",
}
QUERY_FIELDS = {"entity", "period"}
ERROR_FIELDS = {"type", "code", "message", "file", "line", "column", "row"}
SKIP_KEYS = {"rust", "cli", "python", "js"}
CALLS = {"assess", "assess_many", "explain", "required", "check", "outline", "rows", "evaluate_text", "rule_tests"}


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
    results = any(case.get(k) for k in ("expect_indicators", "expect_goals", "expect_reasons", "expect_measures", "expect_result", "expect_text"))
    expects = case.get("expect_indicators") or case.get("expect_goals") or "expect_result" in case or case.get("expect_text")
    if "expect_error" not in case and not expects:
        problems.append(f"{where}: expects nothing, so it cannot fail")
    if "call" in case and case["call"].get("op") not in CALLS:
        problems.append(f"{where}: call op `{case['call'].get('op')}` is not one of {sorted(CALLS)}")
    if "call" not in case and ("expect_result" in case or "expect_text" in case):
        problems.append(f"{where}: expect_result and expect_text need a call")
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


def run(case: dict[str, Any]) -> Any:
    """The case's evaluation (a report), or its call's result as plain dicts and lists."""
    plan = load_plan(case)
    if "call" not in case:
        data = observations(case, plan)
        query = case.get("query", {})
        return plan.evaluate(data, entity=query.get("entity"), period=query.get("period"))
    args = dict(case["call"])
    op = args.pop("op")
    # The case's observations, else the plan's own data (as a caller passing no data).
    given = any(k in case for k in ("observations", "csv", "data", "assignments"))
    data = observations(case, plan) if given else None
    if op == "assess":
        return plan.assess(args.pop("indicator"), args.pop("inputs"))._asdict()
    if op == "assess_many":
        return [a._asdict() for a in plan.assess_many(args.pop("indicator"), args.pop("rows"))]
    if op in ("explain", "required"):
        call = plan.explain if op == "explain" else plan.required
        return call(args.pop("indicator"), data=data, **args)
    if op == "check":
        return plan.check(**args)
    if op == "evaluate_text":
        # A caller passing a string as the data argument.
        return plan.evaluate(args.pop("text"))
    if op == "outline":
        assert not args, f"outline takes no fields, got {sorted(args)}"
        return plan.outline()
    if op == "rule_tests":
        # The case's files, tests included: one core call.
        return attain.run_rule_tests(case["files"], **args)
    assert op == "rows" and not args, f"unknown call {op} {sorted(args)}"
    rows = (data if data is not None else plan.data()).rows()
    again = attain.Observations.from_rows(rows).rows()
    assert again == rows, f"rows written back and read again differ:\n{rows}\n{again}"
    return rows


def subset(want: Any, got: Any, path: str, diffs: list[str]) -> None:
    """``want`` is a subset of ``got``: dicts by the keys given, lists item by item, numbers
    within 1e-9, anything else equal (core/tests/conformance.rs's rule)."""
    number = (int, float)
    if isinstance(want, dict) and isinstance(got, dict):
        for k, w in want.items():
            at = f"{path}.{k}" if path else str(k)
            if k in got:
                subset(w, got[k], at, diffs)
            else:
                diffs.append(f"result {at}: missing (expected {w!r})")
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got)):
            subset(w, g, f"{path}.{i}" if path else str(i), diffs)
    elif isinstance(want, number) and isinstance(got, number) and not isinstance(want, bool) and not isinstance(got, bool):
        if abs(want - got) > 1e-9:
            diffs.append(f"result {path}: expected {want}, got {got}")
    elif want != got or type(want) is not type(got):
        diffs.append(f"result {path}: expected {want!r}, got {got!r}")


def text_at(value: Any, path: str) -> Optional[str]:
    """The text at a dotted path (``reason``, ``0.reason``, ``result.reason``)."""
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return None
    return value if isinstance(value, str) else None


def call_differences(case: dict[str, Any], got: Any) -> list[str]:
    """What a call's result differs in from ``expect_result`` and ``expect_text``."""
    diffs: list[str] = []
    if "expect_result" in case:
        subset(case["expect_result"], got, "", diffs)
    for path, want in case.get("expect_text", {}).items():
        text = text_at(got, path)
        if text is None:
            diffs.append(f"result {path}: no text there in {got!r}")
        elif want not in text:
            diffs.append(f"result {path}: expected it to contain `{want}`, got `{text}`")
    return diffs


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
        outcome = run(case)
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
    if "call" in case:
        return call_differences(case, outcome)
    report = outcome
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
    for key, want in case.get("expect_measures", {}).items():
        found = report.goal(key[len("goal:") :]) if key.startswith("goal:") else report.indicator(*indicator_key(key))
        if found is None:
            diffs.append(f"measures of {key}: not in the report")
        elif set(found.measures) != set(want) or any(abs(found.measures[k] - x) > 1e-9 for k, x in want.items()):
            diffs.append(f"measures of {key}: expected {want}, got {found.measures}")
    for want in case.get("expect_warnings", []):
        if not any(warning_matches(want, w) for w in report.warnings):
            diffs.append(f"warning {want}: not among the report's {report.warnings}")
    return diffs


def warning_matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    """Whether a report's warning has every key of the expected one: equal, ``message`` a substring."""
    return all(
        (k in got and isinstance(got[k], str) and v in got[k]) if k == "message" else (k in got and got[k] == v)
        for k, v in want.items()
    )


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
    bad_op = dict(nothing, call={"op": "asess"}, expect_result={})
    assert format_problems("x.toml", bad_op) == [
        "x.toml: case `wrong on purpose`: call op `asess` is not one of "
        "['assess', 'assess_many', 'check', 'evaluate_text', 'explain', 'outline', 'required', 'rows', 'rule_tests']"
    ]
    no_code = dict(nothing, expect_error={"type": "plan"})
    assert format_problems("x.toml", no_code) == ["x.toml: case `wrong on purpose`: expect_error has no code"]


WHAT_IF = FOLDER / "plans" / "what-if"


def test_the_runner_reports_a_wrong_call_result() -> None:
    case = {
        "name": "wrong call on purpose",
        "plan": "plans/what-if",
        "call": {"op": "assess", "indicator": "I", "inputs": {"value": 60, "period": 2023}},
        "expect_result": {"status": "attained", "target": 71.0, "nope": 1},
        "expect_text": {"reason": "no such text", "label.x": "y"},
    }
    diffs = differences(case)
    assert diffs[:3] == [
        "result status: expected 'attained', got 'not_attained'",
        "result target: expected 71.0, got 70.0",
        "result nope: missing (expected 1)",
    ]
    assert diffs[3].startswith("result reason: expected it to contain `no such text`, got `"), diffs
    assert diffs[4].startswith("result label.x: no text there in "), diffs
    assert len(diffs) == 5, diffs


def test_the_runner_compares_lists_by_length_and_item() -> None:
    diffs: list[str] = []
    subset([{"status": "a"}], [{"status": "a"}, {"status": "b"}], "", diffs)
    assert diffs == ["result : expected [{'status': 'a'}], got [{'status': 'a'}, {'status': 'b'}]"]
    diffs = []
    subset({"x": [1.0, "s"]}, {"x": [1.0 + 1e-12, "t"], "y": 2}, "", diffs)
    assert diffs == ["result x.1: expected 's', got 't'"]


def test_the_runner_reports_a_wrong_error_code() -> None:
    case = {"name": "wrong code", "files": {"plan.toml": ""}, "expect_error": {"type": "plan", "code": "plan.duplicate_id"}}
    diffs = differences(case)
    assert len(diffs) == 1, diffs
    assert diffs[0].startswith("error code: expected plan.duplicate_id, got plan.empty"), diffs
