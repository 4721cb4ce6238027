"""Type stubs of the native module (Rust, pyo3). Use the facade, ``attain``, rather than this."""

import os
from collections.abc import Iterable, Mapping
from typing import Any, Optional, TypeVar, Union, final

from typing_extensions import disjoint_base

from attain import Assessment, History, Peers, Period

__all__ = [
    "Plan",
    "_PlanBase",
    "Observations",
    "Report",
    "_Floats",
    "_assessments_arrow",
    "run_rule_tests",
    "run_rule_tests_in",
    "check",
    "kolada_fetch",
    "REPORT_SCHEMA",
    "__version__",
    "AttainError",
    "PlanError",
    "RuleError",
    "DataError",
    "QueryError",
    "RuleTestError",
    "AttainInterruptedError",
    "AttainIOError",
    "ArgumentError",
]

__version__: str
REPORT_SCHEMA: str

_Path = Union[str, os.PathLike[str]]
_Period = Union[str, int]
_Data = Union[None, str, Observations]
_Column = Union[None, float, Iterable[Optional[float]], _Floats]

class AttainError(Exception):
    """Base of every error raised by attain."""

    kind: Optional[str]
    code: str
    """Core's stable code, ``kind.condition`` (``plan.duplicate_id``); see docs/guide.md."""
    message: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    row: Optional[int]

class PlanError(AttainError):
    """The plan (plan.toml, its structure or references) is invalid."""

class RuleError(AttainError):
    """A Rhai rule script does not compile or failed while running."""

class DataError(AttainError):
    """Observations (CSV, JSON, rows, a DataFrame) are invalid."""

class QueryError(AttainError):
    """A query names something the plan or the data does not have."""

class RuleTestError(AttainError):
    """A rule test file (`*.test.toml`) is invalid."""

class AttainInterruptedError(AttainError):
    """The call was stopped: its `timeout` was reached, or it was cancelled."""

class AttainIOError(AttainError, OSError):
    """A file or folder could not be read."""

class ArgumentError(QueryError, TypeError):
    """An argument of the wrong type or shape; the message starts with its name."""

@final
class _Floats:
    """Floats packed by the facade (native-endian f64 bytes) for ``Plan.assess_many``."""

    def __new__(cls, data: bytes) -> _Floats: ...
    @staticmethod
    def from_arrow(data: Any, arg: str) -> _Floats: ...
    def __len__(self) -> int: ...

@final
class Observations:
    @staticmethod
    def from_rows(rows: Iterable[Mapping[str, Any]], assignments: Optional[Iterable[Mapping[str, Any]]] = None) -> Observations: ...
    @staticmethod
    def from_columns(columns: dict[str, Any]) -> Observations: ...
    @staticmethod
    def from_arrow(data: Any) -> Observations: ...
    def __reduce__(self) -> tuple[Any, tuple[str, str]]: ...
    @staticmethod
    def from_csv(text: str, file: str = "data.csv") -> Observations: ...
    @staticmethod
    def from_json(text: str, file: str = "data.json") -> Observations: ...
    @staticmethod
    def load(path: _Path, delimiter: Optional[str] = None) -> Observations: ...
    def merge(self, other: Observations) -> Observations: ...
    def rows(self) -> list[dict[str, Any]]: ...
    def assignments(self) -> list[dict[str, Any]]: ...
    def ignored_columns(self) -> list[dict[str, Any]]: ...
    def to_frame(self) -> Any: ...
    def __len__(self) -> int: ...

@final
class Report:
    @staticmethod
    def from_json(text: str) -> Report: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str: ...
    def render(self, format: str) -> str: ...
    def to_arrow(self) -> Any: ...
    @property
    def entity(self) -> str: ...
    @property
    def period(self) -> str: ...

_T = TypeVar("_T", bound="_PlanBase")

@disjoint_base
class _PlanBase:
    """The native base of ``attain.Plan``: ``assess`` call by call in one native call."""

    def __new__(cls: type[_T], native: Plan) -> _T: ...
    def assess(
        self,
        indicator: str,
        inputs: Optional[Mapping[str, Any]] = None,
        /,
        *,
        value: Optional[float] = None,
        period: Optional[Period] = None,
        target: Union[None, float, str] = None,
        previous: Optional[float] = None,
        history: Optional[History] = None,
        national: Optional[float] = None,
        peers: Optional[Peers] = None,
        percentile: Optional[float] = None,
        women: Optional[float] = None,
        men: Optional[float] = None,
        municipal_mean: Optional[float] = None,
    ) -> Assessment: ...

@final
class Plan:
    @staticmethod
    def load(path: _Path) -> Plan: ...
    @staticmethod
    def from_files(files: dict[str, str]) -> Plan: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def language(self) -> str: ...
    @property
    def entity(self) -> Optional[str]: ...
    @property
    def period(self) -> Optional[str]: ...
    @property
    def goals(self) -> list[str]: ...
    @property
    def indicators(self) -> list[str]: ...
    def data(self) -> Observations: ...
    def outline(self) -> dict[str, Any]: ...
    def evaluate(self, data: _Data, request: Mapping[str, Any], timeout: Optional[float] = None) -> Report: ...
    def evaluate_many(self, data: _Data, request: Mapping[str, Any], timeout: Optional[float] = None) -> list[Report]: ...
    def assess(self, indicator: str, request: Any) -> dict[str, Any]: ...
    def assess_rows(self, indicator: str, rows: Any) -> dict[str, list[Any]]: ...
    def assess_many(
        self,
        indicator: str,
        value: _Column = None,
        period: Any = None,
        target: _Column = None,
        previous: _Column = None,
        history: Any = None,
        national: _Column = None,
        peers: Any = None,
        percentile: _Column = None,
        women: _Column = None,
        men: _Column = None,
        municipal_mean: _Column = None,
    ) -> dict[str, list[Any]]: ...
    def target_for(self, indicator: str, period: _Period) -> Optional[float]: ...
    def explain(self, data: _Data, request: Mapping[str, Any]) -> dict[str, Any]: ...
    def required(self, data: _Data, request: Mapping[str, Any]) -> dict[str, Any]: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, str], Optional[Observations]]]: ...
    @staticmethod
    def _restore(files: dict[str, str], data: Optional[Observations] = None) -> Plan: ...

def _assessments_arrow(
    status: list[str],
    label: list[str],
    reason: list[str],
    score: list[Optional[float]],
    period: list[str],
    target: list[Optional[float]],
    previous: list[Optional[float]],
    target_op: list[Optional[str]],
    measures: list[Mapping[str, float]],
) -> Any: ...
def run_rule_tests(path: _Path, options: Mapping[str, Any]) -> dict[str, Any]: ...
def run_rule_tests_in(files: dict[str, str], options: Mapping[str, Any]) -> dict[str, Any]: ...
def check(plan: Plan, options: Mapping[str, Any], timeout: Optional[float] = None) -> dict[str, Any]: ...
def kolada_fetch(
    plan: _Path,
    years: Optional[str] = None,
    all: bool = False,
    base_url: Optional[str] = None,
    offline: bool = False,
    cache: Optional[_Path] = None,
) -> Observations: ...
