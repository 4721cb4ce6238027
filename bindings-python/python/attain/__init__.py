"""attain: a rules engine for municipal goal attainment (mål- och resultatstyrning).

Load a plan (goals, indicators, Rhai target rules), feed it observations, and get for an
entity and a period the status of every indicator and goal, and why::

    import attain
    plan = attain.load_plan("rules/ostersund-2023")
    report = plan.evaluate()            # the plan's own data/ folder
    report.to_frame()                   # pandas, one row per indicator result

All semantics live in the Rust core (``attain._native``); this module only chooses the core
call for the kind of data given and wraps results in light Python objects.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Optional, Union, overload

from . import _native
from ._native import (
    REPORT_SCHEMA,
    AttainError,
    AttainInterruptedError,
    AttainIOError,
    DataError,
    Observations,
    PlanError,
    QueryError,
    RuleError,
    RuleTestError,
)

__version__: str = _native.__version__

__all__ = [
    "REPORT_SCHEMA",
    "Assessment",
    "Assessments",
    "AttainError",
    "AttainInterruptedError",
    "AttainIOError",
    "DataError",
    "GoalResult",
    "IndicatorResult",
    "Observations",
    "Plan",
    "PlanError",
    "QueryError",
    "Report",
    "RuleError",
    "RuleTestError",
    "check",
    "load_plan",
    "observations",
    "run_rule_tests",
]

PathLike = Union[str, "os.PathLike[str]"]
"""A file or folder path."""

Data = Any
"""What ``evaluate`` and friends accept as data: ``None`` (the plan's own ``data/`` folder), a
path to a CSV or Kolada JSON file, an :class:`Observations`, a list of dicts (tidy rows with
``indicator, entity, period, gender, value``), a dict ``{"observations": [...], "assignments":
[...]}``, or a pandas DataFrame with those columns."""

Period = Union[str, int]
"""A period: ``"2023"``, ``"2023-T1"``, or an integer year."""

History = Iterable[Union[tuple[Period, float], Mapping[str, Any]]]
"""Earlier values, oldest first: ``(period, value)`` pairs or dicts ``{"period", "value"}``."""

Peers = Mapping[str, Any]
"""Peer statistics: a dict with any of ``mean, median, min, max, count, values, published``;
given ``values``, the statistics not given are derived from them."""

NumberColumn = Union[None, float, Iterable[Optional[float]]]
"""An argument of :meth:`Plan.assess_many`: a number (or ``None``) for every row, or a
sequence with one per row: a list, a tuple, a numpy array or a pandas Series."""

_ROW_COLUMNS = ("indicator", "entity", "period", "gender", "value", "missing", "count", "source")


def _is_frame(data: object) -> bool:
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def _frame_columns(frame: Any) -> dict[str, list[Any]]:
    """A DataFrame's columns as lists, each converted in one vectorised pass."""
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        column = frame[name]
        if name in ("value", "count"):
            try:
                # Int, float, nullable and object-of-number columns become floats, NaN for gaps.
                columns[str(name)] = column.to_numpy(dtype="float64", na_value=float("nan")).tolist()
                continue
            except (TypeError, ValueError):
                pass  # leave the cells as they are: the core names the first bad row
        columns[str(name)] = column.tolist()
    return columns


def observations(data: Data, assignments: Optional[Iterable[Mapping[str, Any]]] = None) -> Observations:
    """Converts data of any accepted kind (see :data:`Data`) into :class:`Observations`.

    Converting once and passing the result to many evaluations saves converting each time.

    Raises:
        DataError: a bad row, named by ``.row`` (and ``.file``, ``.line`` for files).
        AttainIOError: a file that cannot be read.
        TypeError: data of a kind not listed above.
    """
    if data is None:
        raise TypeError("no data given (use plan.data() for the plan's own data)")
    if isinstance(data, Observations):
        obs = data
    elif isinstance(data, (str, os.PathLike)):
        obs = Observations.load(data)
    elif _is_frame(data):
        obs = Observations.from_columns(_frame_columns(data))
    elif isinstance(data, Mapping):
        unknown = set(data) - {"observations", "assignments"}
        if unknown:
            raise TypeError(f"a data dict has the keys observations and assignments, not {sorted(map(str, unknown))}")
        if assignments is not None:
            raise TypeError("assignments given twice")
        return Observations.from_rows(data.get("observations", ()), data.get("assignments"))
    elif isinstance(data, Iterable) and not isinstance(data, (bytes, bytearray)):
        return Observations.from_rows(data, assignments)
    else:
        raise TypeError(f"cannot read observations from {type(data).__name__}")
    if assignments is not None:
        obs = obs.merge(Observations.from_rows((), assignments))
    return obs


def _native_data(data: Data) -> Optional[Observations]:
    return None if data is None else observations(data)


def _genders(genders: Union[None, str, Sequence[str]]) -> Optional[list[str]]:
    if genders is None:
        return None
    return [genders] if isinstance(genders, str) else list(genders)


class _Result:
    """A result record: the report's dict for it, with its keys as attributes."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.__dict__.update(data)

    def to_dict(self) -> dict[str, Any]:
        """The record as in :meth:`Report.to_dict`."""
        return dict(self.__dict__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    __hash__ = None  # type: ignore[assignment]


class IndicatorResult(_Result):
    """One indicator for one gender: its inputs, status and reason."""

    id: str
    title: str
    unit: str
    decimals: Optional[int]
    direction: str
    gender: str
    role: str
    goals: list[str]
    rule: str
    status: str
    label: str
    color: str
    score: Optional[float]
    reason: str
    error: Optional[dict[str, Any]]
    period: Optional[str]
    value: Optional[float]
    target: Optional[float]
    national: Optional[float]
    peers: Optional[dict[str, Any]]
    percentile: Optional[float]
    previous: Optional[float]
    history: list[dict[str, Any]]
    women: Optional[float]
    men: Optional[float]
    source: Optional[str]

    def __repr__(self) -> str:
        return f"<IndicatorResult {self.id}/{self.gender}: {self.status}>"


class GoalResult(_Result):
    """A goal's status, with its indicators, assignments and the aggregation's reason."""

    id: str
    title: str
    text: str
    parent: Optional[str]
    status: str
    label: str
    color: str
    score: Optional[float]
    reason: str
    rule: str
    indicators: list[dict[str, Any]]
    key_figures: list[str]
    children: list[str]
    assignments: list[dict[str, Any]]
    error: Optional[dict[str, Any]]

    def __repr__(self) -> str:
        return f"<GoalResult {self.id}: {self.status}>"


def _pandas() -> Any:
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as e:
        raise ImportError(
            "Report.to_frame() needs pandas, which is not installed: pip install pandas (or attain[pandas])"
        ) from e
    return pandas


class Assessment(NamedTuple):
    """What an indicator's rule says of one row of inputs (:meth:`Plan.assess`)."""

    status: str
    """Status id on the plan's scale (``attained``, ``partly``, ``not_attained``, …), or ``no_data``."""
    label: str
    """The status's label on the scale, in the plan's language."""
    reason: str
    """Why, in the plan's language."""


class Assessments:
    """What an indicator's rule says of many rows (:meth:`Plan.assess_many`): three lists of
    the same length, in row order. Indexing and iterating give :class:`Assessment` records."""

    __slots__ = ("status", "label", "reason")

    status: list[str]
    label: list[str]
    reason: list[str]

    def __init__(self, status: list[str], label: list[str], reason: list[str]) -> None:
        self.status = status
        self.label = label
        self.reason = reason

    def __len__(self) -> int:
        return len(self.status)

    @overload
    def __getitem__(self, i: int) -> Assessment: ...
    @overload
    def __getitem__(self, i: slice) -> Assessments: ...
    def __getitem__(self, i: Union[int, slice]) -> Union[Assessment, Assessments]:
        if isinstance(i, slice):
            return Assessments(self.status[i], self.label[i], self.reason[i])
        return Assessment(self.status[i], self.label[i], self.reason[i])

    def __iter__(self) -> Iterator[Assessment]:
        return map(Assessment, self.status, self.label, self.reason)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assessments) and (self.status, self.label, self.reason) == (
            other.status,
            other.label,
            other.reason,
        )

    __hash__ = None  # type: ignore[assignment]

    def to_frame(self, index: Any = None) -> Any:
        """A pandas DataFrame with the columns status, label and reason; ``index`` (e.g. the
        index of the Series given) labels the rows.

        Raises:
            ImportError: pandas is not installed.
        """
        pandas = _pandas()
        return pandas.DataFrame({"status": self.status, "label": self.label, "reason": self.reason}, index=index)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for s in self.status:
            counts[s] = counts.get(s, 0) + 1
        shown = ", ".join(f"{s}={n}" for s, n in counts.items())
        return f"<attain.Assessments {len(self)} rows: {shown}>"


def _column(x: Any, numbers: bool = False) -> Any:
    """An argument of ``assess_many`` as the native module reads it. With ``numbers``, a
    one-dimensional numpy array or pandas Series of floats or integers is packed as native floats
    (no Python object per number). Other arrays and Series become lists in one pass (``pd.NA`` of
    nullable dtypes becomes ``None``); lists, tuples and single values are passed as they are."""
    if x is None or isinstance(x, (list, tuple, str, int, float, dict)):
        return x
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(x, (pandas.Series, pandas.Index)):
        if isinstance(x.dtype, pandas.api.extensions.ExtensionDtype):
            return x.to_numpy(dtype=object, na_value=None).tolist()
        x = x.to_numpy()
    numpy = sys.modules.get("numpy")
    if numbers and numpy is not None and isinstance(x, numpy.ndarray) and x.ndim == 1 and x.dtype.kind in "fiu":
        return _native._Floats(numpy.ascontiguousarray(x, dtype=numpy.float64).tobytes())
    tolist = getattr(x, "tolist", None)  # other numpy arrays, numpy scalars
    return tolist() if callable(tolist) else x


class Report:
    """The result of evaluating a plan for one entity and period.

    ``goals`` and ``indicators`` are light records; :meth:`to_dict` and :meth:`to_json` give
    core's stable report shape unchanged; :meth:`to_html` is core's self-contained page, also
    shown by Jupyter.
    """

    __slots__ = ("_native", "_data", "_goals", "_indicators")

    def __init__(self, native: _native.Report) -> None:
        self._native = native
        self._data: Optional[dict[str, Any]] = None
        self._goals: list[GoalResult] = []
        self._indicators: list[IndicatorResult] = []

    def _dict(self) -> dict[str, Any]:
        """The report's dict, converted from core on first use."""
        if self._data is None:
            data = self._native.to_dict()
            self._goals = [GoalResult(g) for g in data["goals"]]
            self._indicators = [IndicatorResult(i) for i in data["indicators"]]
            self._data = data
        return self._data

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Reads a report from its JSON form (:meth:`to_json`)."""
        return cls(_native.Report.from_json(text))

    @property
    def schema(self) -> str:
        """Version tag of the report shape."""
        return str(self._dict()["schema"])

    @property
    def plan(self) -> dict[str, Any]:
        """Id, title and language of the plan evaluated."""
        return dict(self._dict()["plan"])

    @property
    def entity(self) -> str:
        """Entity id."""
        return self._native.entity

    @property
    def entity_name(self) -> str:
        """Entity display name."""
        return str(self._dict()["entity_name"])

    @property
    def period(self) -> str:
        """Period asked for."""
        return self._native.period

    @property
    def scale(self) -> dict[str, Any]:
        """The plan's scale (levels, no_data, error) with labels and colours."""
        return dict(self._dict()["scale"])

    @property
    def goals(self) -> list[GoalResult]:
        """Goals in plan order."""
        self._dict()
        return list(self._goals)

    @property
    def indicators(self) -> list[IndicatorResult]:
        """Every indicator and key figure result, total first then women and men."""
        self._dict()
        return list(self._indicators)

    def goal(self, id: str) -> Optional[GoalResult]:
        """The goal with this id, if any."""
        return next((g for g in self.goals if g.id == id), None)

    def indicator(self, id: str, gender: str = "T") -> Optional[IndicatorResult]:
        """The result of this indicator for this gender (T, K or M), if any."""
        return next((r for r in self.indicators if r.id == id and r.gender == gender), None)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain dicts and lists: core's stable JSON shape."""
        return self._native.to_dict()

    def to_json(self) -> str:
        """The report as pretty JSON, exactly as core writes it."""
        return self._native.to_json()

    def to_html(self) -> str:
        """Core's self-contained HTML page: goals with traffic lights, values, targets, reasons."""
        return self._native.render("html")

    def to_markdown(self) -> str:
        """The report as Markdown."""
        return self._native.render("markdown")

    def to_csv(self) -> str:
        """The report as CSV, one row per indicator result."""
        return self._native.render("csv")

    def render(self, format: str) -> str:
        """Renders with one of core's renderers: html, markdown, csv, table or json."""
        return self._native.render(format)

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per indicator result, the report's fields as columns.

        Raises:
            ImportError: pandas is not installed.
        """
        pandas = _pandas()
        records = self._dict()["indicators"]
        if not records:
            return pandas.DataFrame(columns=list(IndicatorResult.__annotations__))
        return pandas.DataFrame.from_records(records)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        statuses = ", ".join(f"{g.id}={g.status}" for g in self.goals)
        return f"<attain.Report {self._dict()['plan']['id']} {self.entity} {self.period}: {statuses}>"


class Plan:
    """A loaded, validated plan. Immutable; one plan may be evaluated from many threads at once."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Plan) -> None:
        self._native = native

    @classmethod
    def load(cls, path: PathLike) -> Plan:
        """Loads a plan folder: plan.toml, its scripts, data and tests.

        Raises:
            PlanError: an invalid plan.toml, with ``.file``, ``.line`` and ``.column``.
            RuleError: a rule script that does not compile, with its file and line.
            AttainIOError: a folder that cannot be read.
        """
        return cls(_native.Plan.load(path))

    @classmethod
    def from_files(cls, files: Mapping[str, str]) -> Plan:
        """Builds a plan from a dict of relative path (``plan.toml``, ``rules/x.rhai``) to text."""
        return cls(_native.Plan.from_files(dict(files)))

    @property
    def id(self) -> str:
        """Plan id."""
        return self._native.id

    @property
    def title(self) -> str:
        """Title."""
        return self._native.title

    @property
    def description(self) -> Optional[str]:
        """Description, if any."""
        return self._native.description

    @property
    def language(self) -> str:
        """Language of labels and reasons: ``sv`` or ``en``."""
        return self._native.language

    @property
    def entity(self) -> Optional[str]:
        """The default entity, if the plan sets one."""
        return self._native.entity

    @property
    def period(self) -> Optional[str]:
        """The default period, if the plan sets one."""
        return self._native.period

    @property
    def goals(self) -> list[str]:
        """Goal ids in plan order."""
        return self._native.goals

    @property
    def indicators(self) -> list[str]:
        """Indicator ids in plan order."""
        return self._native.indicators

    def data(self) -> Observations:
        """The observations in the plan's own ``data/`` folder (read once)."""
        return self._native.data()

    def evaluate(
        self,
        data: Data = None,
        entity: Optional[str] = None,
        period: Optional[str] = None,
        genders: Union[None, str, Sequence[str]] = None,
        timeout: Optional[float] = None,
    ) -> Report:
        """Evaluates the plan for one entity and period.

        ``entity`` defaults to the plan's; ``period`` to the plan's or the latest with data;
        ``genders`` (T, K, M) to all three for gendered indicators. ``timeout`` (seconds) stops
        the call; so does Ctrl-C (``KeyboardInterrupt``).

        Raises:
            DataError: bad data, with ``.row`` (and ``.file``, ``.line``).
            QueryError: no entity, an entity without data, a bad period, gender or timeout.
            AttainInterruptedError: the timeout was reached.
        """
        native = self._native.evaluate(_native_data(data), entity, period, _genders(genders), timeout)
        return Report(native)

    def evaluate_many(
        self, data: Data, entities: Sequence[str], periods: Sequence[str], timeout: Optional[float] = None
    ) -> list[Report]:
        """Evaluates every pair of entity and period (totals only), in parallel.

        ``timeout`` (seconds) stops the whole batch, as Ctrl-C does; the error is
        ``AttainInterruptedError`` (``KeyboardInterrupt`` for Ctrl-C), never a partial list.
        """
        natives = self._native.evaluate_many(_native_data(data), list(entities), list(periods), timeout)
        return [Report(n) for n in natives]

    def explain(
        self,
        data: Data,
        indicator: str,
        entity: Optional[str] = None,
        period: Optional[str] = None,
        gender: str = "T",
    ) -> dict[str, Any]:
        """Every input of one indicator, its result, the rule's source and params, and the goals it feeds."""
        return self._native.explain(_native_data(data), indicator, entity, period, gender)

    def required(
        self,
        data: Data,
        indicator: str,
        entity: Optional[str] = None,
        period: Optional[str] = None,
        gender: str = "T",
    ) -> dict[str, Any]:
        """The nearest value that would move the indicator to the next better level."""
        return self._native.required(_native_data(data), indicator, entity, period, gender)

    def assess(
        self,
        indicator: str,
        *,
        value: Optional[float],
        period: Period,
        target: Optional[float] = None,
        previous: Optional[float] = None,
        history: Optional[History] = None,
        national: Optional[float] = None,
        peers: Optional[Peers] = None,
        percentile: Optional[float] = None,
        women: Optional[float] = None,
        men: Optional[float] = None,
    ) -> Assessment:
        """What the indicator's rule says of inputs given directly (a what-if, a row from
        elsewhere), with the indicator's direction, unit, params and the plan's language.

        The inputs are taken as given: ``target`` is not looked up (the indicator's own target
        is :meth:`target_for`) and ``previous`` is not taken from ``history``. A ``value`` of
        ``None`` is ``no_data`` without running the rule. ``percentile`` is 0 (worst) to 1 (best).

        Raises:
            QueryError: the plan has no such indicator.
            DataError: an input that is not a number or None, NaN or an infinity, a missing
                period, a malformed history or peers dict; the message names the argument.
            RuleError: the rule failed on these inputs (a script error, a sandbox limit).
        """
        # Positional, because with the stable ABI of Python 3.9 a call with keywords builds a
        # dict each time; the native tuple becomes an Assessment without a copy.
        native = self._native.assess(indicator, value, period, target, previous, history, national, peers, percentile, women, men)
        return tuple.__new__(Assessment, native)

    def assess_many(
        self,
        indicator: str,
        *,
        value: NumberColumn,
        period: Union[Period, Iterable[Period]],
        target: NumberColumn = None,
        previous: NumberColumn = None,
        history: Optional[Iterable[Optional[History]]] = None,
        national: NumberColumn = None,
        peers: Union[None, Peers, Iterable[Optional[Peers]]] = None,
        percentile: NumberColumn = None,
        women: NumberColumn = None,
        men: NumberColumn = None,
    ) -> Assessments:
        """:meth:`assess` over many rows given as columns, in one call with the GIL released.

        Each argument is either one value for every row or a sequence (list, tuple, numpy
        array, pandas Series) with one value per row; the sequences must have the same length.
        ``history`` is ``None`` or a sequence with one history per row; ``peers`` one dict for
        every row or a sequence of dicts. ``None`` is the missing value; NaN is an error, as
        in :meth:`assess` (``pd.NA`` of pandas' nullable dtypes counts as ``None``).

        Raises:
            QueryError: the plan has no such indicator.
            DataError: sequences of different lengths, or a bad cell; ``.row`` is its 1-based
                row and the message names the argument.
            RuleError: the rule failed on a row; ``.row`` names the first such row.
        """
        status, label, reason = self._native.assess_many(
            indicator,
            _column(value, numbers=True),
            _column(period),
            _column(target, numbers=True),
            _column(previous, numbers=True),
            _column(history),
            _column(national, numbers=True),
            _column(peers),
            _column(percentile, numbers=True),
            _column(women, numbers=True),
            _column(men, numbers=True),
        )
        return Assessments(status, label, reason)

    def target_for(self, indicator: str, period: Period) -> Optional[float]:
        """The indicator's own target for a period: explicit in the plan, else on the straight
        line between the two nearest targets; ``None`` outside them or without targets.

        Raises:
            QueryError: the plan has no such indicator.
        """
        return self._native.target_for(indicator, period)

    def check(self, cases: int = 200, seed: int = 2023) -> dict[str, Any]:
        """Property checks of every indicator rule on generated inputs; see :func:`check`."""
        return check(self, cases, seed)

    def __repr__(self) -> str:
        return repr(self._native)


def load_plan(path: PathLike) -> Plan:
    """Loads a plan folder; see :meth:`Plan.load`."""
    return Plan.load(path)


def run_rule_tests(path: Union[PathLike, Mapping[str, str]]) -> dict[str, Any]:
    """Runs every ``*.test.toml`` under a path (file or folder), or in a dict of path to text.

    Returns core's test report: ``cases`` (each with file, line, name, rule, passed, expected,
    got, reason), ``unreached`` (per rule, the levels no case reached), ``passed``, ``failed``.

    Raises:
        RuleTestError: a malformed test file, with ``.file``, ``.line``, ``.column``.
    """
    if isinstance(path, Mapping):
        return _native.run_rule_tests_in(dict(path))
    return _native.run_rule_tests(path)


def check(plan: Plan, cases: int = 200, seed: int = 2023, timeout: Optional[float] = None) -> dict[str, Any]:
    """Property checks of every indicator rule of ``plan`` on generated inputs: a better value
    never gives a worse status, a missing value gives no_data, no input raises an error, the
    same input gives the same output.

    Returns core's check report: ``indicators``, ``evaluations``, ``failures`` (each with
    indicator, rule, property, message). ``timeout`` (seconds) stops it, as Ctrl-C does.
    """
    return _native.check(plan._native, cases, seed, timeout)
