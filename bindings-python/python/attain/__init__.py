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
from types import MappingProxyType
from typing import Any, NamedTuple, Optional, Union, overload

from . import _native
from ._native import (
    REPORT_SCHEMA,
    ArgumentError,
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
    "ArgumentError",
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
"""What ``evaluate`` and friends accept as data: ``None`` (the plan's own ``data/`` folder), an
:class:`Observations`, a list of dicts (tidy rows with ``indicator, entity, period, gender,
value``), a dict ``{"observations": [...], "assignments": [...]}``, a pandas DataFrame with
those columns, or any object exporting Arrow data through the Arrow PyCapsule interface
(``__arrow_c_stream__`` or ``__arrow_c_array__``: a polars DataFrame, a pyarrow Table or
RecordBatch, a DuckDB relation), read column by column without a Python object per cell. Never a string or a path: a string is never read as a path or as CSV, in any
host; read a file with :meth:`Observations.load`, text with :meth:`Observations.from_csv` or
:meth:`Observations.from_json`."""

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


def _is_arrow(data: object) -> bool:
    """Whether data exports Arrow (the PyCapsule interface). A pandas DataFrame keeps its own
    reader: its object columns may mix numbers and text, which Arrow cannot hold."""
    return (hasattr(type(data), "__arrow_c_stream__") or hasattr(type(data), "__arrow_c_array__")) and not _is_frame(data)


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
        DataError: a bad row, named by ``.row``.
        ArgumentError: a string or a path (use :meth:`Observations.load` for a file); it is
            also a ``TypeError``.
        TypeError: data of a kind not listed above.
    """
    if data is None:
        raise TypeError("no data given (use plan.data() for the plan's own data)")
    if isinstance(data, Observations):
        obs = data
    elif isinstance(data, (str, os.PathLike)):
        raise _argument_error(
            "`data`: a string or a path is never read as a file or as CSV: "
            "use Observations.load(path) for a file, Observations.from_csv(text) or Observations.from_json(text) for text"
        )
    elif _is_arrow(data):
        obs = Observations.from_arrow(data)
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


def _native_data(data: Data) -> Union[None, str, Observations]:
    """The data argument as the native module takes it: a string (or a path) goes to core,
    which refuses it with the same error in every host."""
    if data is None or isinstance(data, str):
        return data
    if isinstance(data, os.PathLike):
        return os.fspath(data)  # type: ignore[return-value]
    return observations(data)


def _request(**fields: Any) -> dict[str, Any]:
    """Keyword arguments as a core request: those given (not ``None``); core fills in the rest."""
    return {k: v for k, v in fields.items() if v is not None}


def _argument_error(message: str) -> ArgumentError:
    """An :class:`ArgumentError` raised by the facade, with the attributes core's carry."""
    error = ArgumentError(f"query error: {message}")
    error.kind, error.code, error.message = "query", "query.invalid_type", message
    return error


def _ids(x: Any, name: str) -> Any:
    """A list of ids as core reads it. A string is not one: Python would iterate its letters."""
    if isinstance(x, str):
        raise _argument_error(f"`{name}`: expected a list of ids, got a string")
    return x if not isinstance(x, Iterable) else list(x)


def _history(history: Any) -> Any:
    """A history with ``(period, value)`` pairs as core's ``{"period", "value"}`` dicts."""
    if history is None or isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Iterable):
        return history
    return [{"period": e[0], "value": e[1]} if isinstance(e, (tuple, list)) and len(e) == 2 else e for e in history]


def _inputs(inputs: Optional[Mapping[str, Any]], fields: dict[str, Any]) -> Any:
    """One assess request: the mapping given, then the keywords given (not ``None``)."""
    if inputs is not None and not isinstance(inputs, Mapping):
        return inputs  # core names the wrong type
    request = dict(inputs or {})
    request.update(_request(**fields))
    if "history" in request:
        request["history"] = _history(request["history"])
    return request


def _assess_mapping(plan: Plan, indicator: str, inputs: Optional[Mapping[str, Any]], fields: dict[str, Any]) -> Assessment:
    """:meth:`Plan.assess` given a mapping, a history or peers (``fields``: every keyword, in
    order, ``None`` where not given): one request for core's mapping decoding."""
    return Assessment(**plan._native.assess(indicator, _inputs(inputs, fields)))


class _Result:
    """A result record: the report's dict for it, with its keys as attributes."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        # Core leaves `measures` out of the JSON when there are none; a result always has them.
        self.__dict__.update({"measures": {}, **data})

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
    target_op: Optional[str]
    national: Optional[float]
    peers: Optional[dict[str, Any]]
    percentile: Optional[float]
    municipal_mean: Optional[float]
    compared_with: list[str]
    previous: Optional[float]
    history: list[dict[str, Any]]
    women: Optional[float]
    men: Optional[float]
    source: Optional[str]
    measures: dict[str, float]
    """The figures the rule handed on with its verdict, by name (``{}`` when none)."""

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
    measures: dict[str, float]
    """The figures the aggregation handed on, by name (``{}`` when none)."""
    rule: str
    indicators: list[dict[str, Any]]
    key_figures: list[str]
    children: list[str]
    assignments: list[dict[str, Any]]
    error: Optional[dict[str, Any]]
    basis: dict[str, Any]

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


def _polars() -> Any:
    try:
        return importlib.import_module("polars")
    except ImportError as e:
        raise ImportError("to_polars() needs polars, which is not installed: pip install polars") from e


def _pyarrow_table(table: Any) -> Any:
    """An Arrow stream as a pyarrow Table when pyarrow is installed (polars reads one), else as it is."""
    try:
        return importlib.import_module("pyarrow").table(table)
    except ImportError:
        return table


# Read-only, so the default shared by every Assessment cannot be changed through one of them.
_NO_MEASURES: Mapping[str, float] = MappingProxyType({})


class Assessment(NamedTuple):
    """What an indicator's rule says of one row of inputs (:meth:`Plan.assess`), and the inputs
    it rests on after core filled in what was not given."""

    status: str
    """Status id on the plan's scale (``attained``, ``partly``, ``not_attained``, …), or ``no_data``."""
    label: str
    """The status's label on the scale, in the plan's language."""
    reason: str
    """Why, in the plan's language."""
    score: Optional[float] = None
    """The level's score on the plan's scale (1 best), as a report gives it; ``None`` for no_data."""
    period: str = ""
    """The period judged: given, or the plan's."""
    target: Optional[float] = None
    """The target used: given, or the indicator's own for the period."""
    previous: Optional[float] = None
    """The previous value used: given, or the last of the history."""
    target_op: Optional[str] = None
    """How the value was judged against the target: ``>=``, ``>``, ``<=``, ``<``, ``=``,
    ``increase`` or ``decrease`` (the comparator as the plan or ``target`` writes it)."""
    measures: Mapping[str, float] = _NO_MEASURES
    """The figures the rule handed on with its verdict (``sdg_progress``'s ``progress_value``
    and ``score``), by name; empty when none."""


_FIELDS = Assessment._fields


class Assessments:
    """What an indicator's rule says of many rows (:meth:`Plan.assess_many`): one list per field
    of :class:`Assessment`, all of the same length, in row order. Indexing and iterating give
    :class:`Assessment` records."""

    __slots__ = _FIELDS

    status: list[str]
    label: list[str]
    reason: list[str]
    score: list[Optional[float]]
    period: list[str]
    target: list[Optional[float]]
    previous: list[Optional[float]]
    target_op: list[Optional[str]]
    measures: list[Mapping[str, float]]

    def __init__(
        self,
        status: list[str],
        label: list[str],
        reason: list[str],
        score: Optional[list[Optional[float]]] = None,
        period: Optional[list[str]] = None,
        target: Optional[list[Optional[float]]] = None,
        previous: Optional[list[Optional[float]]] = None,
        target_op: Optional[list[Optional[str]]] = None,
        measures: Optional[list[Mapping[str, float]]] = None,
    ) -> None:
        n = len(status)
        self.status = status
        self.label = label
        self.reason = reason
        self.score = [None] * n if score is None else score
        self.period = [""] * n if period is None else period
        self.target = [None] * n if target is None else target
        self.previous = [None] * n if previous is None else previous
        self.target_op = [None] * n if target_op is None else target_op
        self.measures = [_NO_MEASURES] * n if measures is None else measures

    def _columns(self) -> tuple[list[Any], ...]:
        return tuple(getattr(self, f) for f in _FIELDS)

    def __len__(self) -> int:
        return len(self.status)

    @overload
    def __getitem__(self, i: int) -> Assessment: ...
    @overload
    def __getitem__(self, i: slice) -> Assessments: ...
    def __getitem__(self, i: Union[int, slice]) -> Union[Assessment, Assessments]:
        if isinstance(i, slice):
            return Assessments(*(c[i] for c in self._columns()))
        return Assessment(*(c[i] for c in self._columns()))

    def __iter__(self) -> Iterator[Assessment]:
        return map(Assessment, *self._columns())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Assessments) and self._columns() == other._columns()

    __hash__ = None  # type: ignore[assignment]

    def to_frame(self, index: Any = None) -> Any:
        """A pandas DataFrame with one column per field (status, label, reason, score, period,
        target, previous, target_op, measures: a dict per row); ``index`` (e.g. the index of the
        Series given) labels the rows.

        Raises:
            ImportError: pandas is not installed.
        """
        pandas = _pandas()
        return pandas.DataFrame(dict(zip(_FIELDS, self._columns())), index=index)

    def to_arrow(self) -> Any:
        """An Arrow table (``__arrow_c_stream__``; ``pyarrow.table(a.to_arrow())``) with one column
        per field: texts, numbers as float64 (nulls for none), ``measures`` as ``name=value;…``."""
        return _native._assessments_arrow(*self._columns())

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a polars DataFrame.

        Raises:
            ImportError: polars is not installed.
        """
        return _polars().from_arrow(_pyarrow_table(self.to_arrow()))

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for s in self.status:
            counts[s] = counts.get(s, 0) + 1
        shown = ", ".join(f"{s}={n}" for s, n in counts.items())
        return f"<attain.Assessments {len(self)} rows: {shown}>"


def _column(x: Any, name: str, numbers: bool = True) -> Any:
    """An argument ``name`` of ``assess_many`` as the native module reads it. With ``numbers``, a
    one-dimensional numpy array or pandas Series of floats or integers is packed as native floats
    (no Python object per number), and so is an Arrow array (a pyarrow Array or ChunkedArray, a
    polars Series: the Arrow PyCapsule interface; a null is ``None``). Other arrays and Series
    become lists in one pass (``pd.NA`` of nullable dtypes becomes ``None``); lists, tuples and
    single values are passed as they are."""
    if x is None or isinstance(x, (list, tuple, str, int, float, dict)):
        return x
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(x, (pandas.Series, pandas.Index)):
        if isinstance(x.dtype, pandas.api.extensions.ExtensionDtype):
            return x.to_numpy(dtype=object, na_value=None).tolist()
        x = x.to_numpy()
    if _is_arrow(x):
        if numbers:
            return _native._Floats.from_arrow(x, name)
        for to_list in ("to_pylist", "to_list"):  # pyarrow, polars
            if callable(getattr(x, to_list, None)):
                return getattr(x, to_list)()
    numpy = sys.modules.get("numpy")
    if numbers and numpy is not None and isinstance(x, numpy.ndarray) and x.ndim == 1 and x.dtype.kind in "fiu":
        return _native._Floats(numpy.ascontiguousarray(x, dtype=numpy.float64).tobytes())
    tolist = getattr(x, "tolist", None)  # other numpy arrays, numpy scalars
    return tolist() if callable(tolist) else x


class Report:
    """The result of evaluating a plan for one entity and period.

    ``goals`` and ``indicators`` are light records; :meth:`to_dict` and :meth:`to_json` give
    core's stable report shape unchanged; :meth:`to_html` is core's self-contained page; Jupyter
    shows core's compact fragment (``render("html-fragment")``), its styles scoped to its own root.
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

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """What a reader should know of, as core gives it: data rows for ids the plan does not
        know (``indicator``, ``rows``, ``nearest``), an entity or period without data, rules that
        failed (``indicator`` or ``goal``, ``file``, ``line``, ``column``); each with its stable
        ``code`` and a ``message`` in the plan's language."""
        return [dict(w) for w in self._dict()["warnings"]]

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
        """Renders with one of core's renderers: html, html-fragment, markdown, csv, table or json."""
        return self._native.render(format)

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per indicator result, the report's fields as columns.

        Raises:
            ImportError: pandas is not installed.
        """
        pandas = _pandas()
        # Every row has its `measures` (a dict, empty when the rule handed on none).
        records = [{**r, "measures": r.get("measures", {})} for r in self._dict()["indicators"]]
        if not records:
            return pandas.DataFrame(columns=list(IndicatorResult.__annotations__))
        return pandas.DataFrame.from_records(records)

    def to_arrow(self) -> Any:
        """The indicator results as an Arrow table (``__arrow_c_stream__``:
        ``pyarrow.table(report.to_arrow())``, ``polars.from_arrow``): the columns of
        :meth:`to_csv`, numbers as float64 with nulls for none, the rest text."""
        return self._native.to_arrow()

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a polars DataFrame.

        Raises:
            ImportError: polars is not installed.
        """
        return _polars().from_arrow(_pyarrow_table(self.to_arrow()))

    def __reduce__(self) -> Any:
        return (Report.from_json, (self.to_json(),))

    def _repr_html_(self) -> str:
        """Core's HTML fragment: one root element, every style scoped to it, indicators folded."""
        return self._native.render("html-fragment")

    def __repr__(self) -> str:
        statuses = ", ".join(f"{g.id}={g.status}" for g in self.goals)
        return f"<attain.Report {self._dict()['plan']['id']} {self.entity} {self.period}: {statuses}>"


class Plan(_native._PlanBase):
    """A loaded, validated plan. Immutable; one plan may be evaluated from many threads at once."""

    # `assess` is the native base's (`_native._PlanBase`): a call by call is one native call.
    __slots__ = ("_native",)

    def __init__(self, native: _native.Plan) -> None:
        self._native = native

    def __reduce__(self) -> Any:
        # By its files (and the rows of data core does not read, such as a workbook's): a pool
        # worker, a Dask or Spark executor rebuilds the same plan.
        return (Plan, (self._native,))

    @classmethod
    def load(cls, path: PathLike) -> Plan:
        """Loads a plan folder: plan.toml, its scripts, data and tests.

        The data is what ``data/`` holds: CSV, JSON and ``.xlsx`` workbooks (a folder with a
        workbook has its data read here, as the CLI reads it; without, on first use).

        Raises:
            PlanError: an invalid plan.toml, with ``.file``, ``.line`` and ``.column``.
            RuleError: a rule script that does not compile, with its file and line.
            DataError: a bad row or cell of a workbook under ``data/``, at its file, line and column.
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
        """The observations in the plan's own ``data/`` folder (read once, kept with the plan)."""
        return self._native.data()

    def outline(self) -> dict[str, Any]:
        """The plan's structure as core gives it: ``id``, ``title``, ``description``, ``entity``,
        ``period``, ``language``, ``entities``, ``goals`` (id, title, parent, indicators,
        key_figures, rule), ``indicators`` (id, title, unit, direction, gender, rule, targets)
        and ``assignments`` (id, goal, text, boards)."""
        return self._native.outline()

    def evaluate(
        self,
        data: Data = None,
        entity: Optional[str] = None,
        period: Optional[Period] = None,
        genders: Union[None, str, Sequence[str]] = None,
        timeout: Optional[float] = None,
    ) -> Report:
        """Evaluates the plan for one entity and period.

        ``data`` defaults to the plan's own ``data/`` folder (see :data:`Data`); ``entity`` to
        the plan's; ``period`` (a string or an integer year) to the plan's or the latest with
        data; ``genders`` (T, K, M) to all three for gendered indicators. ``timeout`` (seconds)
        stops the call; so does Ctrl-C (``KeyboardInterrupt``).

        Raises:
            DataError: bad data, with ``.row`` (and ``.file``, ``.line``).
            QueryError: no entity, an entity the data does not name, a malformed period, a
                string as data.
            ArgumentError: an argument of the wrong type, named in the message (also a
                ``TypeError``).
            AttainInterruptedError: the timeout was reached.
        """
        request = _request(entity=entity, period=period, genders=genders)
        return Report(self._native.evaluate(_native_data(data), request, timeout))

    def evaluate_many(
        self, data: Data, entities: Sequence[str], periods: Sequence[Period], timeout: Optional[float] = None
    ) -> list[Report]:
        """Evaluates every pair of entity and period (totals only), in parallel.

        ``timeout`` (seconds) stops the whole batch, as Ctrl-C does; the error is
        ``AttainInterruptedError`` (``KeyboardInterrupt`` for Ctrl-C), never a partial list.
        """
        request = {"entities": _ids(entities, "entities"), "periods": _ids(periods, "periods")}
        natives = self._native.evaluate_many(_native_data(data), request, timeout)
        return [Report(n) for n in natives]

    def explain(
        self,
        indicator: str,
        *,
        data: Data = None,
        entity: Optional[str] = None,
        period: Optional[Period] = None,
        gender: str = "T",
    ) -> dict[str, Any]:
        """Every input of one indicator, its result, the rule's source and params, and the goals
        it feeds. ``data``, ``entity`` and ``period`` default as in :meth:`evaluate`.

        Raises:
            QueryError: no such indicator, an entity the data does not name, a malformed period.
        """
        request = _request(indicator=indicator, entity=entity, period=period, gender=gender)
        return self._native.explain(_native_data(data), request)

    def required(
        self,
        indicator: str,
        *,
        data: Data = None,
        entity: Optional[str] = None,
        period: Optional[Period] = None,
        gender: str = "T",
    ) -> dict[str, Any]:
        """The nearest value, in the indicator's own precision, that would move the indicator to
        the next better level. Arguments as in :meth:`explain`."""
        request = _request(indicator=indicator, entity=entity, period=period, gender=gender)
        return self._native.required(_native_data(data), request)

    def assess_many(
        self,
        indicator: str,
        rows: Optional[Iterable[Mapping[str, Any]]] = None,
        /,
        *,
        value: NumberColumn = None,
        period: Union[None, Period, Iterable[Period]] = None,
        target: NumberColumn = None,
        previous: NumberColumn = None,
        history: Optional[Iterable[Optional[History]]] = None,
        national: NumberColumn = None,
        peers: Union[None, Peers, Iterable[Optional[Peers]]] = None,
        percentile: NumberColumn = None,
        women: NumberColumn = None,
        men: NumberColumn = None,
        municipal_mean: NumberColumn = None,
    ) -> Assessments:
        """:meth:`assess` over many rows, in one call with the GIL released: ``rows``, a list of
        input mappings, or columns given as keywords.

        Each keyword is either one value for every row or a sequence (list, tuple, numpy
        array, pandas Series) with one value per row; the sequences must have the same length.
        ``history`` is ``None`` or a sequence with one history per row; ``peers`` one dict for
        every row or a sequence of dicts. ``None`` is the missing value; NaN is an error, as
        in :meth:`assess` (``pd.NA`` of pandas' nullable dtypes counts as ``None``).

        Raises:
            QueryError: no such indicator, sequences of different lengths, or a refused input;
                ``.row`` is its 1-based row and the message names the input.
            ArgumentError: an input of the wrong type, with its ``.row`` (also a ``TypeError``).
            RuleError: the rule failed on a row; ``.row`` names the first such row.
        """
        if rows is not None:
            requests = [_inputs(r, {}) for r in rows] if isinstance(rows, Iterable) and not isinstance(rows, (str, Mapping)) else rows
            return Assessments(**self._native.assess_rows(indicator, requests))
        per_row = _column(history, "history", numbers=False)
        histories = [[] if h is None else _history(h) for h in per_row] if isinstance(per_row, (list, tuple)) else per_row
        columns = self._native.assess_many(
            indicator,
            _column(value, "value"),
            _column(period, "period", numbers=False),
            _column(target, "target"),
            _column(previous, "previous"),
            histories,
            _column(national, "national"),
            _column(peers, "peers", numbers=False),
            _column(percentile, "percentile"),
            _column(women, "women"),
            _column(men, "men"),
            _column(municipal_mean, "municipal_mean"),
        )
        return Assessments(**columns)

    def target_for(self, indicator: str, period: Period) -> Optional[float]:
        """The indicator's own target for a period: explicit in the plan, else on the straight
        line between the two nearest targets; ``None`` outside them or without targets. The
        target :meth:`assess` uses when none is given.

        Raises:
            QueryError: the plan has no such indicator, or a malformed period.
        """
        return self._native.target_for(indicator, period)

    def check(self, cases: int = 200, seed: int = 2023, timeout: Optional[float] = None) -> dict[str, Any]:
        """Property checks of every indicator rule on generated inputs; see :func:`check`."""
        return check(self, cases, seed, timeout)

    def __repr__(self) -> str:
        return repr(self._native)


def load_plan(path: PathLike) -> Plan:
    """Loads a plan folder; see :meth:`Plan.load`."""
    return Plan.load(path)


def run_rule_tests(
    path: Union[PathLike, Mapping[str, str]], coverage: bool = False, mutants: bool = False
) -> dict[str, Any]:
    """Runs every ``*.test.toml`` under a path (file or folder), or in a dict of path to text.

    Returns core's test report: ``cases`` (each with file, line, name, rule, passed, expected,
    got, reason), ``unreached`` (per rule, the levels no case reached), ``passed``, ``failed``;
    with ``coverage=True`` also ``coverage``: per script (``scripts``) its ``file``, the
    ``lines`` with statements, their ``hits``, the lines ``run`` and those ``missed`` (each
    ``line`` and ``text``), and the totals ``lines`` and ``run``; with ``mutants=True`` also
    ``mutants``: every mutant of the scripts under test (``mutants``, each with ``file``,
    ``line``, ``column``, ``original``, ``mutated``, ``status`` — killed, survived, unviable or
    equivalent — and ``killed_by`` or ``reason``), the counts ``killed``, ``survived``,
    ``unviable``, ``equivalent`` and the ``score`` (as ``attain test PATH --mutants``).

    Raises:
        RuleTestError: a malformed test file, with ``.file``, ``.line``, ``.column``.
    """
    options = {"coverage": coverage, "mutants": mutants}
    if isinstance(path, Mapping):
        return _native.run_rule_tests_in(dict(path), options)
    return _native.run_rule_tests(path, options)


def check(plan: Plan, cases: int = 200, seed: int = 2023, timeout: Optional[float] = None) -> dict[str, Any]:
    """Property checks of every indicator rule of ``plan`` on generated inputs: a better value
    never gives a worse status, a missing value gives no_data, no input raises an error, the
    same input gives the same output.

    Returns core's check report: ``indicators``, ``evaluations``, ``failures`` (each with
    indicator, rule, property, message) and ``not_checked`` (indicator, property, reason: a
    target written ``= 100`` is not monotone by design). ``timeout`` (seconds) stops it, as Ctrl-C does.
    """
    return _native.check(plan._native, {"cases": cases, "seed": seed}, timeout)
