"""pytest plugin: every ``*.test.toml`` is a test file, each of its cases a test.

Installed with attain (entry point ``pytest11``), so ``pytest rules/`` runs the rule tests
next to the plans. Each file is run once by core (``attain.run_rule_tests``); each case then
reports its own outcome, named by the case name. A failing case shows what was expected, what
the rule returned and its reason. Disable with ``pytest -p no:attain``.

``--attain-coverage`` adds, at the end, the line coverage of the rule scripts: for each folder
or ``*.test.toml`` pytest was given, one core call (``attain.run_rule_tests(path, coverage=True)``, as
``attain test PATH --coverage``) and its lines never run and summary. ``--attain-mutants`` adds
the same for mutation testing (``attain.run_rule_tests(path, mutants=True)``, as ``attain test
PATH --mutants``): each mutant no case killed, and the score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

import pytest

import attain

SUFFIX = ".test.toml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("attain").addoption(
        "--attain-coverage",
        action="store_true",
        default=False,
        help="after the rule tests, the lines of each rule script no case ran (attain test --coverage)",
    )
    parser.getgroup("attain").addoption(
        "--attain-mutants",
        action="store_true",
        default=False,
        help="after the rule tests, the mutants of each rule script no case killed (attain test --mutants)",
    )


def _given_paths(config: pytest.Config, **options: bool) -> list[tuple[Path, dict[str, Any]]]:
    """Each folder or ``*.test.toml`` pytest was given, with its report for ``options``."""
    out = []
    for arg in config.args:
        path = Path(arg.split("::")[0])
        if not (path.is_dir() or path.name.endswith(SUFFIX)):
            continue
        try:
            out.append((path, attain.run_rule_tests(path, **options)))
        except attain.RuleTestError as e:
            if e.code == "test.no_files":
                continue
            raise
    return out


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.getoption("attain_coverage"):
        for path, report in _given_paths(config, coverage=True):
            _write_coverage(terminalreporter, path, report["coverage"])
    if config.getoption("attain_mutants"):
        for path, report in _given_paths(config, mutants=True):
            _write_mutants(terminalreporter, path, report["mutants"])


def _write_mutants(terminalreporter: Any, path: Path, mutants: dict[str, Any]) -> None:
    terminalreporter.section(f"attain mutants: {path}")
    for m in mutants["mutants"]:
        if m["status"] == "survived":
            mutated = m["mutated"] or "(removed)"
            terminalreporter.write_line(f"survived  {m['file']}:{m['line']}:{m['column']}  {m['original']} -> {mutated}")
    killed, survived = mutants["killed"], mutants["survived"]
    terminalreporter.write_line(
        f"mutants: {killed} killed of {killed + survived} (score {mutants['score']:.3f}); "
        f"{mutants['unviable']} unviable, {mutants['equivalent']} equivalent"
    )


def _write_coverage(terminalreporter: Any, path: Path, coverage: dict[str, Any]) -> None:
    terminalreporter.section(f"attain coverage: {path}")
    for script in coverage["scripts"]:
        for miss in script["missed"]:
            terminalreporter.write_line(f"miss  {script['file']}:{miss['line']}  {miss['text']}")
    lines, run = coverage["lines"], coverage["run"]
    percent = 100.0 if lines == 0 else 100.0 * run / lines
    terminalreporter.write_line(
        f"coverage: {len(coverage['scripts'])} rules, {run} of {lines} lines run ({percent:.1f} %)"
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.Collector]:
    if file_path.name.endswith(SUFFIX):
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


class RuleTestFile(pytest.File):
    """A ``*.test.toml`` file, run by core once at collection."""

    def collect(self) -> Any:
        try:
            report = attain.run_rule_tests(self.path)
        except attain.AttainError as e:
            raise self.CollectError(str(e)) from e
        for case in report["cases"]:
            yield RuleTestCase.from_parent(self, name=case["name"], case=case)


class RuleCaseFailed(Exception):
    """A rule test case whose rule gave another status or reason than expected."""


class RuleTestCase(pytest.Item):
    """One case of a rule test file, with the outcome core gave it."""

    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        if not self.case["passed"]:
            raise RuleCaseFailed(self.case)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Optional[Any] = None,
    ) -> Union[str, Any]:
        if isinstance(excinfo.value, RuleCaseFailed):
            c = self.case
            lines = [
                f"rule test case failed: {c['name']}",
                f"  file:     {c['file']}:{c['line']}",
                f"  rule:     {c['rule']}",
                f"  expected: {c['expected']}",
                f"  got:      {c['got']}",
            ]
            if c.get("reason"):
                lines.append(f"  reason:   {c['reason']}")
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(int(self.case["line"]) - 1, 0), f"{self.case['rule']}: {self.name}"
