"""The pytest plugin: `*.test.toml` files are collected, each case is a test named by its name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PASSING = """
[[case]]
name = "equal to the peer average is attained"
rule = "reference"
params = { against = "peers", tolerance = 0.15 }
value = 81
peers = { mean = 81 }
expect = "attained"

[[case]]
name = "far below the national value is not attained"
rule = "reference"
value = 50
national = 80
expect = "not_attained"
expect_reason_contains = "worse"
"""

FAILING = """
[[case]]
name = "this one passes"
rule = "target"
value = 10
target = 5
expect = "attained"

[[case]]
name = "this one expects the wrong status"
rule = "target"
direction = "lower"
value = 10
target = 5
expect = "attained"
"""


def test_passing_and_failing_cases_are_items(pytester: pytest.Pytester) -> None:
    rules = pytester.mkdir("rules")
    (rules / "good.test.toml").write_text(PASSING, encoding="utf-8")
    (rules / "bad.test.toml").write_text(FAILING, encoding="utf-8")
    (rules / "notes.toml").write_text("not = 'a test'\n", encoding="utf-8")
    result = pytester.runpytest("rules", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*bad.test.toml::this one passes PASSED*",
            "*bad.test.toml::this one expects the wrong status FAILED*",
            "*good.test.toml::equal to the peer average is attained PASSED*",
        ]
    )
    out = result.stdout.str()
    assert "rule test case failed: this one expects the wrong status" in out
    assert "bad.test.toml:9" in out
    assert "expected: attained" in out
    assert "got:      not_attained" in out
    assert "reason:   10 is short of the target 5" in out


def test_a_malformed_test_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".test.toml", broken='[[case]]\nname = "x"\nrule = "reference"\nexpect = "attained"\nvalu = 3\n')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.test.toml:5:1*test error*valu*"])


def test_cases_inside_a_plan_folder_run_with_that_plan(pytester: pytest.Pytester) -> None:
    plan = pytester.mkdir("plan")
    (plan / "plan.toml").write_text(
        '[plan]\nid = "p"\ntitle = "P"\nentity = "1"\nlanguage = "en"\n'
        '[[indicator]]\nid = "I"\ntitle = "I"\nrule = "rules/five.rhai"\n',
        encoding="utf-8",
    )
    (plan / "rules").mkdir()
    (plan / "rules" / "five.rhai").write_text('if value >= 5 { attained("five or more") } else { not_attained("less") }\n', encoding="utf-8")
    (plan / "tests").mkdir()
    (plan / "tests" / "five.test.toml").write_text(
        '[[case]]\nname = "five is enough"\nrule = "rules/five.rhai"\nvalue = 5\nexpect = "attained"\n'
        'expect_reason_contains = "five or more"\n',
        encoding="utf-8",
    )
    result = pytester.runpytest("plan", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_pytest_on_the_std_rule_library_in_a_subprocess() -> None:
    std = REPO / "rules" / "std"
    if not std.is_dir():
        pytest.skip("rules/std is not in this checkout")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(std), "-q", "-p", "no:cacheprovider", "--rootdir", str(std)],
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).parent),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_attain_coverage_lists_the_lines_no_case_ran(pytester: pytest.Pytester) -> None:
    plan = pytester.mkdir("plan")
    (plan / "plan.toml").write_text(
        '[plan]\nid = "c"\ntitle = "C"\n[[indicator]]\nid = "A"\ntitle = "A"\nrule = "rules/three.rhai"\n',
        encoding="utf-8",
    )
    (plan / "rules").mkdir()
    (plan / "rules" / "three.rhai").write_text(
        'if value >= 10.0 {\n    return attained("high");\n}\nif value >= 5.0 { return partly("middle"); }\nnot_attained("low")\n',
        encoding="utf-8",
    )
    (plan / "tests").mkdir()
    (plan / "tests" / "three.test.toml").write_text(
        '[[case]]\nname = "high"\nrule = "rules/three.rhai"\nvalue = 12\nexpect = "attained"\n', encoding="utf-8"
    )
    result = pytester.runpytest("plan", "--attain-coverage", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*attain coverage: plan*",
            'miss  rules/three.rhai:4  if value >= 5.0 { return partly("middle"); }',
            'miss  rules/three.rhai:5  not_attained("low")',
            "coverage: 1 rules, 2 of 4 lines run (50.0 %)",
        ]
    )
    # A Python test file given beside it is no rule test path.
    (plan / "test_x.py").write_text("def test_x() -> None:\n    pass\n", encoding="utf-8")
    mixed = pytester.runpytest("plan/test_x.py", "--attain-coverage", "-p", "no:cacheprovider")
    mixed.assert_outcomes(passed=1)
    assert "attain coverage" not in mixed.stdout.str()
    plain = pytester.runpytest("plan", "-p", "no:cacheprovider")
    assert "attain coverage" not in plain.stdout.str()


def test_attain_mutants_lists_the_mutants_no_case_killed(pytester: pytest.Pytester) -> None:
    plan = pytester.mkdir("plan")
    (plan / "plan.toml").write_text(
        '[plan]\nid = "c"\ntitle = "C"\n[[indicator]]\nid = "A"\ntitle = "A"\nrule = "rules/three.rhai"\n',
        encoding="utf-8",
    )
    (plan / "rules").mkdir()
    (plan / "rules" / "three.rhai").write_text(
        'if value >= 10.0 {\n    return attained("high");\n}\nif value >= 5.0 { return partly("middle"); }\nnot_attained("low")\n',
        encoding="utf-8",
    )
    (plan / "tests").mkdir()
    (plan / "tests" / "three.test.toml").write_text(
        '[[case]]\nname = "high"\nrule = "rules/three.rhai"\nvalue = 12\nexpect = "attained"\n', encoding="utf-8"
    )
    result = pytester.runpytest("plan", "--attain-mutants", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*attain mutants: plan*",
            "survived  rules/three.rhai:1:10  >= -> >",
            "survived  rules/three.rhai:4:10  >= -> >",
            "survived  rules/three.rhai:4:13  5.0 -> 50.0",
            "survived  rules/three.rhai:4:19  return -> (removed)",
            "survived  rules/three.rhai:4:26  partly -> attained",
            "survived  rules/three.rhai:4:26  partly -> not_attained",
            "survived  rules/three.rhai:5:1  not_attained -> attained",
            "survived  rules/three.rhai:5:1  not_attained -> partly",
            "mutants: 4 killed of 12 (score 0.333); 0 unviable, 0 equivalent",
        ]
    )
    plain = pytester.runpytest("plan", "-p", "no:cacheprovider")
    assert "attain mutants" not in plain.stdout.str()
