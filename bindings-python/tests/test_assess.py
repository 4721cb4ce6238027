"""Plan.assess, Plan.assess_many and Plan.target_for: an indicator's rule on inputs given
directly, with core's defaults (the plan's period, the indicator's own target, previous from the
history). They agree with evaluate() on the inputs evaluate gathered; every refused input is
core's error naming the input and the row."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import attain
from conftest import REPO, ticks_while

OSTERSUND = REPO / "rules" / "ostersund-2023"

PLAN = """
[plan]
id = "assess"
title = "Assess"
language = "en"

[[indicator]]
id = "REF"
title = "Full-time employees"
unit = "%"
rule = "reference"
params = { against = "national", tolerance = 0.05 }

[[indicator]]
id = "PEERS"
title = "Compared with the peers"
rule = "reference"
params = { against = "peers" }

[[indicator]]
id = "TREND"
title = "Sick leave"
direction = "lower"
rule = "trend"

[[indicator]]
id = "TARGET"
title = "Waiting days"
direction = "lower"
rule = "target"
targets = { 2020 = 30.0, 2024 = 20.0 }

[[indicator]]
id = "SCRIPT"
title = "Everything a script sees"
rule = "rules/all.rhai"

[[indicator]]
id = "BOOM"
title = "Fails above 10"
rule = "rules/boom.rhai"
"""

# A script that writes every input into its reason, so that a test sees each one arrive.
ALL_RHAI = """
let h = history.map(|x| `${x.period}=${x.value}`);
let p = if peers == () { "none" } else { `${peers.mean}/${peers.median}/${peers.count}` };
attained(`v=${value} t=${target} prev=${previous} h=${h} nat=${national} peers=${p} pct=${percentile} w=${women} m=${men} period=${period}`)
"""

BOOM_RHAI = """
if value > 10.0 { throw `too big: ${value}`; }
attained("fine")
"""


@pytest.fixture(scope="module")
def plan() -> attain.Plan:
    return attain.Plan.from_files({"plan.toml": PLAN, "rules/all.rhai": ALL_RHAI, "rules/boom.rhai": BOOM_RHAI})


# --- assess ----------------------------------------------------------------------------------


def test_assess_gives_status_label_and_reason(plan: attain.Plan) -> None:
    a = plan.assess("REF", value=72.3, national=69.8, period="2023")
    assert a == attain.Assessment(
        "attained", "Attained", "72.3 % is at least as good as the national value (69.8 %)", 1.0, "2023", None, None
    )
    assert (a.status, a.label, a.reason, a.score, a.period, a.target, a.previous, a.target_op, a.measures) == tuple(a)
    assert a.measures == {}
    # Built natively through tuple's tp_new: a full Assessment, compared as a tuple.
    assert type(a) is attain.Assessment and len(a) == 9 and a == tuple(a) and a[:2] == ("attained", "Attained")
    assert a._replace(reason="x") == ("attained", "Attained", "x", *a[3:])
    assert plan.assess("REF", value=68, national=70, period=2023).status == "partly"
    b = plan.assess("REF", value=60, national=70, period="2023")
    assert b[:3] == ("not_attained", "Not attained", "60 % is worse than the national value (70 %)")
    # The same inputs as one mapping, as JSON and JavaScript give them; keywords win.
    assert plan.assess("REF", {"value": 72.3, "national": 69.8, "period": "2023"}) == a
    assert plan.assess("REF", {"value": 1, "national": 69.8, "period": "2023"}, value=72.3) == a


def test_a_missing_value_is_no_data_without_running_the_rule(plan: attain.Plan) -> None:
    assert plan.assess("BOOM", value=None, period="2023")[:3] == ("no_data", "Not assessed", "no value")
    assert plan.assess("BOOM", period="2023").status == "no_data"


def test_a_target_written_as_a_plan_writes_one_is_read_by_core(plan: attain.Plan) -> None:
    # TARGET is lower-is-better: the own target 2022 is 25 on the line, judged `<=`.
    own = plan.assess("TARGET", value=25, period="2022")
    assert (own.status, own.target, own.target_op) == ("attained", 25.0, "<=")
    strict = plan.assess("TARGET", value=25, period="2022", target="< 25", previous=26)
    assert (strict.status, strict.target, strict.target_op) == ("partly", 25.0, "<")
    assert strict.reason == "25 is within 5 % of the target < 25"
    down = plan.assess("TARGET", value=24, period="2022", target="ska minska", previous=26)
    assert (down.status, down.target, down.target_op, down.reason) == ("attained", None, "decrease", "24 has decreased from 26")
    with pytest.raises(attain.QueryError, match="target `minst 25` for `2022` means higher is better"):
        plan.assess("TARGET", value=25, period="2022", target="minst 25")
    many = plan.assess_many("TARGET", [{"value": 25, "period": "2022", "target": "< 25"}, {"value": 25, "period": "2022"}])
    assert many.target_op == ["<", "<="]


def test_a_missing_reference_is_the_rules_no_data(plan: attain.Plan) -> None:
    a = plan.assess("REF", value=70, period="2023")
    assert (a.status, a.reason) == ("no_data", "no value for the national value in 2023")


def test_every_input_reaches_the_rule(plan: attain.Plan) -> None:
    a = plan.assess(
        "SCRIPT",
        value=5,
        period=2023,
        target=6.5,
        previous=4,
        history=[("2021", 3), {"period": 2022, "value": 4.0}],
        national=7,
        peers={"values": [1, 2, 6]},
        percentile=0.25,
        women=4.5,
        men=5.5,
    )
    assert a.reason == (
        "v=5.0 t=6.5 prev=4.0 h=[\"2021=3.0\", \"2022=4.0\"] nat=7.0 peers=3.0/2.0/3 pct=0.25 w=4.5 m=5.5 period=2023"
    )
    # Not given: previous is the last of the history; no target (the indicator has none).
    a = plan.assess("SCRIPT", value=5, period="2023", history=[(2022, 4)])
    assert "t= prev=4.0 " in a.reason and "peers=none" in a.reason
    assert (a.previous, a.target, a.period) == (4.0, None, "2023")


def test_core_fills_in_the_target_and_previous_not_given(plan: attain.Plan) -> None:
    a = plan.assess("TARGET", value=24, period=2022, history=[{"period": "2021", "value": 26}])
    assert (a.status, a.target, a.previous, a.period) == ("attained", 25.0, 26.0, "2022")
    given = plan.assess("TARGET", value=24, period="2022", target=23, previous=30, history=[("2021", 26)])
    assert (given.status, given.target, given.previous) == ("partly", 23.0, 30.0)  # short of 23, better than 30


def test_the_period_is_required_when_the_plan_sets_none(plan: attain.Plan) -> None:
    with pytest.raises(attain.QueryError) as info:
        plan.assess("REF", value=1)
    assert info.value.message == "`period` is not given and the plan sets none ([plan] period)"


def test_peer_statistics_given_override_those_derived_from_values(plan: attain.Plan) -> None:
    assert plan.assess("PEERS", value=3, period="2023", peers={"values": [2, 4]}).status == "attained"
    assert plan.assess("PEERS", value=3, period="2023", peers={"values": [2, 4], "mean": 3.5}).status == "not_attained"
    a = plan.assess("PEERS", value=3, period="2023", peers={"mean": 3, "count": 12, "published": True})
    assert a.reason == "3 is at least as good as the peer average (3)"
    assert plan.assess("PEERS", value=3, period="2023", peers=None).status == "no_data"


def test_trend_reads_the_history_in_order(plan: attain.Plan) -> None:
    history = [{"period": "2021", "value": 6.0}, {"period": "2022", "value": 5.0}]
    a = plan.assess("TREND", value=4.0, period="2023", history=history)
    assert a[:3] == ("attained", "Attained", "4 has improved since 2022 (5)")
    assert plan.assess("TREND", value=4.0, period="2023").status == "no_data"


def test_target_for_is_the_indicators_own_target(plan: attain.Plan) -> None:
    assert plan.target_for("TARGET", "2020") == 30.0
    assert plan.target_for("TARGET", 2022) == 25.0  # on the line between 2020 and 2024
    assert plan.target_for("TARGET", "2022-T2") == 25.0
    assert plan.target_for("TARGET", "2019") is None
    assert plan.target_for("REF", "2023") is None
    target = plan.target_for("TARGET", 2023)
    assert plan.assess("TARGET", value=22, period="2023", target=target).status == "attained"
    with pytest.raises(attain.QueryError, match="the plan has no indicator `NOPE`"):
        plan.target_for("NOPE", "2023")
    with pytest.raises(attain.QueryError, match="period `2023-13` is not a year"):
        plan.target_for("TARGET", "2023-13")


def test_a_rule_failing_in_assess_is_a_rule_error(plan: attain.Plan) -> None:
    with pytest.raises(attain.RuleError) as info:
        plan.assess("BOOM", value=11, period="2023")
    assert "too big: 11" in str(info.value)
    assert info.value.row is None


# --- agreement with evaluate ---------------------------------------------------------------


def _inputs(r: attain.IndicatorResult) -> dict[str, Any]:
    """What evaluate gathered for a result, as assess takes it."""
    return {
        "value": r.value,
        "period": r.period,
        "target": r.target,
        "previous": r.previous,
        "history": r.history,
        "national": r.national,
        "peers": r.peers,
        "percentile": r.percentile,
        "women": r.women,
        "men": r.men,
        "municipal_mean": r.municipal_mean,
    }


def _judged(plan: attain.Plan, reports: list[attain.Report]) -> list[attain.IndicatorResult]:
    results = [r for report in reports for r in report.indicators if r.value is not None]
    assert results, "nothing to compare"
    return results


def _check_agreement(plan: attain.Plan, results: list[attain.IndicatorResult]) -> None:
    # One by one.
    for r in results:
        if r.status == "error":
            with pytest.raises(attain.RuleError):
                plan.assess(r.id, **_inputs(r))
            continue
        assert plan.assess(r.id, **_inputs(r))[:3] == (r.status, r.label, r.reason), (r.id, r.gender, r.period)
    # As columns, one call per indicator.
    by_indicator: dict[str, list[attain.IndicatorResult]] = defaultdict(list)
    for r in results:
        if r.status != "error":
            by_indicator[r.id].append(r)
    for id, rows in by_indicator.items():
        columns = {k: [_inputs(r)[k] for r in rows] for k in _inputs(rows[0])}
        got = plan.assess_many(id, **columns)
        assert got.status == [r.status for r in rows]
        assert got.label == [r.label for r in rows]
        assert got.reason == [r.reason for r in rows]


def test_assess_agrees_with_evaluate_on_the_ostersund_plan() -> None:
    plan = attain.load_plan(OSTERSUND)
    reports = [plan.evaluate(period=p) for p in ("2019", "2020", "2021", "2022", "2023")]
    results = _judged(plan, reports)
    assert len(results) >= 100
    assert {r.status for r in results} >= {"attained", "partly", "not_attained", "no_data"}
    _check_agreement(plan, results)


def test_assess_agrees_with_evaluate_on_the_test_plan() -> None:
    from conftest import PLAN_DIR

    plan = attain.load_plan(PLAN_DIR)
    results = _judged(plan, [plan.evaluate()])
    assert {r.gender for r in results} == {"T", "K", "M"}
    _check_agreement(plan, results)


# --- assess_many -------------------------------------------------------------------------------


def test_assess_many_takes_sequences_and_broadcasts_single_values(plan: attain.Plan) -> None:
    got = plan.assess_many("REF", value=[72.3, 68, 60, None], national=(69.8, 70, 70, 70), period="2023")
    assert isinstance(got, attain.Assessments)
    assert got.status == ["attained", "partly", "not_attained", "no_data"]
    assert got.label == ["Attained", "Partly attained", "Not attained", "Not assessed"]
    assert got.reason[0] == "72.3 % is at least as good as the national value (69.8 %)"
    one_by_one = [plan.assess("REF", value=v, national=n, period="2023") for v, n in zip([72.3, 68, 60, None], [69.8, 70, 70, 70])]
    assert list(got) == one_by_one
    assert plan.assess_many("REF", value=[1, 2], national=[2, 1], period=["2022", 2023]).status == ["not_attained", "attained"]
    # Every argument a single value: one row. Empty sequences: no rows.
    assert plan.assess_many("REF", value=1, national=1, period="2023").status == ["attained"]
    assert len(plan.assess_many("REF", value=[], national=70, period="2023")) == 0
    # Any iterable.
    assert plan.assess_many("REF", value=(x for x in [1, 2]), national=2, period="2023").status == ["not_attained", "attained"]


def test_assess_many_passes_every_column_to_the_rule(plan: attain.Plan) -> None:
    got = plan.assess_many(
        "SCRIPT",
        value=[1, 2],
        period=["2022", "2023"],
        target=[3, None],
        previous=None,
        history=[None, [(2021, 1.5)]],
        national=7,
        peers=[{"mean": 1, "count": 2}, None],
        percentile=[0.5, 1],
        women=[None, 4],
        men=5,
    )
    assert got.reason == [
        "v=1.0 t=3.0 prev= h=[] nat=7.0 peers=1.0//2 pct=0.5 w= m=5.0 period=2022",
        'v=2.0 t= prev=1.5 h=["2021=1.5"] nat=7.0 peers=none pct=1.0 w=4.0 m=5.0 period=2023',
    ]
    # One peers dict for every row.
    assert plan.assess_many("PEERS", value=[1, 3], peers={"mean": 2}, period="2023").status == ["not_attained", "attained"]


def test_the_assessments_object(plan: attain.Plan) -> None:
    got = plan.assess_many("REF", value=[72, 60, 68], national=70, period="2023")
    assert len(got) == 3
    assert got[1][:3] == ("not_attained", "Not attained", "60 % is worse than the national value (70 %)")
    assert (got.period, got.target, got.previous) == (["2023"] * 3, [None] * 3, [None] * 3)
    # The score is the level's, as in a report: 1 attained, 0.5 partly, 0 not attained.
    assert (got.status, got.score) == (["attained", "not_attained", "partly"], [1.0, 0.0, 0.5])
    # Rows given as input mappings: one core call, the same assessments.
    rows = [{"value": v, "national": 70, "period": "2023"} for v in (72, 60, 68)]
    assert plan.assess_many("REF", rows) == got
    assert got[-1].status == "partly"
    assert got[1:].status == ["not_attained", "partly"]
    assert got == plan.assess_many("REF", value=[72, 60, 68], national=[70, 70, 70], period="2023")
    assert got != got[:2]
    assert repr(got) == "<attain.Assessments 3 rows: attained=1, not_attained=1, partly=1>"


def test_assess_many_takes_numpy_arrays() -> None:
    numpy = pytest.importorskip("numpy")
    plan = attain.Plan.from_files({"plan.toml": PLAN, "rules/all.rhai": ALL_RHAI, "rules/boom.rhai": BOOM_RHAI})
    got = plan.assess_many("REF", value=numpy.array([72.0, 60.0]), national=numpy.float64(70), period=numpy.int64(2023))
    assert got.status == ["attained", "not_attained"]
    ints = plan.assess_many("REF", value=numpy.array([72, 60], dtype=numpy.int32), national=70, period=numpy.array([2022, 2023]))
    assert ints.status == got.status
    floats32 = plan.assess_many("REF", value=numpy.array([72, 60], dtype=numpy.float32), national=numpy.array([70, 70]), period=2023)
    assert floats32.status == got.status
    # Arrays of numbers are packed, not converted number by number; core names each bad cell.
    with pytest.raises(attain.QueryError) as info:
        plan.assess_many("REF", value=numpy.array([72.0, numpy.nan]), national=70, period="2023")
    assert (info.value.row, info.value.message) == (2, "`value` is NaN, not a finite number")
    with pytest.raises(attain.QueryError) as info:
        plan.assess_many("REF", value=[1, 2, 3], national=numpy.array([1.0, 2.0, -numpy.inf]), period="2023")
    assert (info.value.row, info.value.message) == (3, "`national` is -inf, not a finite number")
    with pytest.raises(attain.QueryError) as info:
        plan.assess_many("REF", value=numpy.array([1.0, 2.0]), national=numpy.array([1.0, 2.0, 3.0]), period="2023")
    assert info.value.message == "the sequences have different lengths: `value` has 2, `national` has 3"
    # Other arrays go through lists: rows of two are a wrong type, naming the row.
    with pytest.raises(attain.ArgumentError) as wrong:
        plan.assess_many("REF", value=numpy.ones((2, 2)), national=70, period="2023")
    assert wrong.value.row == 1 and wrong.value.message == "`value`: TypeError: must be real number, not list"
    with pytest.raises(attain.DataError, match="multiple of 8 bytes"):
        attain._native._Floats(b"1234")


def test_assess_many_takes_pandas_series_and_gives_a_frame() -> None:
    pandas = pytest.importorskip("pandas")
    plan = attain.Plan.from_files({"plan.toml": PLAN, "rules/all.rhai": ALL_RHAI, "rules/boom.rhai": BOOM_RHAI})
    df = pandas.DataFrame(
        {"value": [72.3, 60.0, 68.0], "national": [69.8, 70, 70], "year": [2022, 2023, 2023]}, index=["a", "b", "c"]
    )
    got = plan.assess_many("REF", value=df["value"], national=df["national"], period=df["year"])
    frame = got.to_frame(index=df.index)
    assert list(frame.columns) == ["status", "label", "reason", "score", "period", "target", "previous", "target_op", "measures"]
    assert frame.loc["a", "period"] == "2022"
    assert frame.loc["b", "status"] == "not_attained"
    assert list(got.to_frame().index) == [0, 1, 2]
    ints = plan.assess_many("REF", value=pandas.Series([72, 60], dtype="int64"), national=pandas.Index([70.0, 70.0]), period="2023")
    assert ints.status == ["attained", "not_attained"]
    # Nullable dtypes: pd.NA is the missing value.
    nullable = pandas.Series([72.3, None], dtype="Float64")
    assert plan.assess_many("REF", value=nullable, national=70, period="2023").status == ["attained", "no_data"]
    # A float column with NaN is an error naming the row, as NaN is everywhere.
    with pytest.raises(attain.QueryError) as info:
        plan.assess_many("REF", value=pandas.Series([72.3, float("nan")]), national=70, period="2023")
    assert info.value.row == 2


# --- errors ------------------------------------------------------------------------------------


def _error(plan: attain.Plan, cls: type[attain.AttainError], many: bool = True, **kwargs: Any) -> attain.AttainError:
    args: dict[str, Any] = {"value": 1, "period": "2023", "national": 1}
    args.update(kwargs)
    with pytest.raises(cls) as info:
        if many:
            plan.assess_many("REF", **args)
        else:
            plan.assess("REF", **args)
    return info.value


def test_an_unknown_indicator_is_a_query_error(plan: attain.Plan) -> None:
    for call in (plan.assess, plan.assess_many):
        with pytest.raises(attain.QueryError) as info:
            call("N99999", value=1, period="2023")
        assert info.value.message == "the plan has no indicator `N99999`"
        assert info.value.kind == "query"


def test_sequences_of_different_lengths_name_each_length(plan: attain.Plan) -> None:
    e = _error(plan, attain.QueryError, value=[1, 2, 3], national=[1, 2], period=["2023"] * 3)
    assert e.message == "the sequences have different lengths: `value` has 3, `period` has 3, `national` has 2"
    assert e.row is None


@pytest.mark.parametrize(
    ("bad", "shown"),
    [(float("nan"), "is NaN"), (math.inf, "is inf"), (-math.inf, "is -inf")],
)
def test_nan_and_infinities_are_core_errors_naming_input_and_row(plan: attain.Plan, bad: float, shown: str) -> None:
    e = _error(plan, attain.QueryError, national=[1.0, 2.0, bad])
    assert (e.kind, e.row) == ("query", 3)
    assert e.message == f"`national` {shown}, not a finite number"
    assert str(e) == f"row 3: query error: `national` {shown}, not a finite number"
    assert not isinstance(e, TypeError)
    # The same in assess (no row), and as a value for every row (each row is refused: the first).
    assert _error(plan, attain.QueryError, many=False, target=bad).message == f"`target` {shown}, not a finite number"
    assert _error(plan, attain.QueryError, national=bad).row == 1


def test_non_numeric_entries_are_type_errors_naming_input_and_row(plan: attain.Plan) -> None:
    e = _error(plan, attain.ArgumentError, value=[1, "72,3"], national=1)
    assert (e.row, e.message) == (2, "`value`: TypeError: must be real number, not str")
    assert isinstance(e, TypeError) and isinstance(e, attain.QueryError)
    assert _error(plan, attain.ArgumentError, percentile=[0.5, [1]]).row == 2
    e = _error(plan, attain.ArgumentError, value="72")
    assert (e.row, e.message) == (None, "`value`: TypeError: must be real number, not str")
    assert _error(plan, attain.ArgumentError, women={"a": 1}).message == "`women`: TypeError: must be real number, not dict"
    assert _error(plan, attain.ArgumentError, many=False, men="5").message == "`men`: TypeError: must be real number, not str"
    with pytest.raises(attain.ArgumentError) as info:
        plan.assess("REF", {"valeu": 1, "period": "2023"})
    assert str(info.value).startswith("query error: `valeu`: unknown field `valeu`, expected one of `value`")


def test_a_malformed_period_is_an_error_naming_the_row(plan: attain.Plan) -> None:
    e = _error(plan, attain.QueryError, value=[1, 2, 3], period=["2023", "2023", None])
    assert (e.row, e.message) == (3, "`period` is not given and the plan sets none ([plan] period)")
    e = _error(plan, attain.QueryError, value=[1, 2], period=["2023", "2023-13"])
    assert e.row == 2 and e.message is not None and e.message.startswith("`period`: period `2023-13` is not a year (`2023`)")
    assert not isinstance(e, TypeError)
    assert _error(plan, attain.QueryError, many=False, period=" ").message.startswith("`period`: period ` ` is not a year")
    # A whole number is a year, given as an int or a float (JavaScript has only doubles).
    assert plan.assess_many("REF", value=[1, 2], national=1, period=[2023, 2024.0]).period == ["2023", "2024"]
    e = _error(plan, attain.ArgumentError, many=False, period=["2023"])
    assert e.message is not None and e.message.startswith("`period`: invalid type: sequence")


def test_a_malformed_history_is_an_error_naming_the_entry(plan: attain.Plan) -> None:
    e = _error(plan, attain.ArgumentError, many=False, history=[(2021, 1), (2022,)])
    assert e.message == "`history[1]`: unexpected type: 'tuple' object is not an instance of 'Mapping'"
    e = _error(plan, attain.ArgumentError, many=False, history=[(2021, None)])
    assert e.message == "`history[0].value`: TypeError: must be real number, not NoneType"
    e = _error(plan, attain.QueryError, many=False, history=[{"period": "2021", "value": float("nan")}])
    assert e.message == "`history[0].value` is NaN, not a finite number"
    e = _error(plan, attain.ArgumentError, many=False, history=[{"year": "2021", "value": 1}])
    assert e.message == "`history[0].year`: unknown field `year`, expected `period` or `value`"
    assert _error(plan, attain.ArgumentError, many=False, history=[{"value": 1}]).message == "`history[0]`: missing field `period`"
    e = _error(plan, attain.QueryError, many=False, history=[("2022", 1), ("2021", 2)])
    assert e.message == "`history`: period `2021` comes after a later one: history is oldest first"
    e = _error(plan, attain.QueryError, many=False, history=[("2022", 1), ("2022", 2)])
    assert e.message == "`history`: period `2022` comes twice"
    # In assess_many, one history per row: a single history is read as rows, and fails clearly.
    e = _error(plan, attain.ArgumentError, value=[1, 2], history=[(2021, 1), (2022, 2)])
    assert e.row == 1 and e.message is not None and "'int' object is not an instance of 'Mapping'" in e.message
    e = _error(plan, attain.ArgumentError, value=[1, 2], history=[[(2021, 1)], "2022"])
    assert e.row == 2 and e.message is not None and "'str' object is not an instance of 'Mapping'" in e.message


def test_malformed_peers_are_errors(plan: attain.Plan) -> None:
    e = _error(plan, attain.ArgumentError, many=False, peers={"avg": 1})
    assert e.message == "`peers.avg`: unknown field `avg`, expected one of `values`, `mean`, `median`, `min`, `max`, `count`, `published`"
    e = _error(plan, attain.QueryError, value=[1, 2], peers=[None, {"mean": math.nan}])
    assert (e.row, e.message) == (2, "`peers.mean` is NaN, not a finite number")
    e = _error(plan, attain.ArgumentError, many=False, peers={"values": [1, None]})
    assert e.message == "`peers.values[1]`: TypeError: must be real number, not NoneType"
    assert _error(plan, attain.QueryError, many=False, peers={"count": -1}).message.startswith("`peers.count`: OverflowError")
    assert _error(plan, attain.ArgumentError, many=False, peers=[1, 2]).message.startswith("`peers`: unexpected type: 'list'")


def test_a_percentile_outside_0_to_1_is_refused(plan: attain.Plan) -> None:
    e = _error(plan, attain.QueryError, many=False, percentile=1.5)
    assert e.message == "`percentile` is 1.5: it is a position from 0 (worst) to 1 (best)"
    assert _error(plan, attain.QueryError, value=[1, 2], percentile=[0.5, -0.1]).row == 2


def test_a_rule_failing_in_assess_many_names_the_first_failing_row(plan: attain.Plan) -> None:
    with pytest.raises(attain.RuleError) as info:
        plan.assess_many("BOOM", value=[1, 5, 11, 12], period="2023")
    e = info.value
    assert (e.kind, e.row) == ("rule", 3)
    assert str(e).startswith("rules/boom.rhai:2:19 row 3: rule error: ")
    assert e.message is not None and "too big: 11" in e.message


def test_no_input_crosses_the_binding_as_anything_but_a_typed_error(plan: attain.Plan) -> None:
    """Random junk in every argument: a result, an AttainError or a TypeError, never a panic."""
    rng = random.Random(7)
    junk: list[Any] = [
        None, 0, -1, 1e308, -1e308, 5e-324, 2**80, True, "", "2023", "x" * 1000, b"2023", [], [None], [1, "a"],
        (1, 2), {}, {"mean": 1}, {"values": []}, {"values": [math.inf]}, [(2022, 1)], [{"period": None}],
        [[("2021", 1)]], math.nan, object(), range(3), [2**70], [{"count": 2**70}],
    ]  # fmt: skip
    names = ["value", "period", "target", "previous", "history", "national", "peers", "percentile", "women", "men", "municipal_mean"]
    outcomes: defaultdict[str, int] = defaultdict(int)
    statuses = {"attained", "partly", "not_attained", "no_data"}
    for i in range(1500):
        # Much junk at once (mostly errors), or a little (mostly judged).
        share = 0.6 if i % 2 else 0.15
        kwargs = {name: rng.choice(junk) for name in names if rng.random() < share}
        kwargs.setdefault("value", 1)
        kwargs.setdefault("period", "2023")
        for indicator in ("REF", "PEERS", "TREND", "TARGET", "SCRIPT"):
            try:
                one = plan.assess(indicator, **kwargs)
                many = plan.assess_many(indicator, **kwargs)
            except (attain.QueryError, attain.RuleError, TypeError) as e:
                outcomes[type(e).__name__] += 1
            else:
                outcomes["result"] += 1
                assert one.status in statuses, one
                assert set(many.status) <= statuses, many.status
    # The junk reached both ends: judged inputs and named errors.
    assert outcomes["result"] > 100 and outcomes["QueryError"] > 100 and outcomes["ArgumentError"] > 100, dict(outcomes)


def test_keywords_and_the_mapping_give_the_same_result_and_the_same_error(plan: attain.Plan) -> None:
    """Keywords without a history or peers are read directly (the call-by-call path); the same
    inputs as a mapping go through core's decoding: both give the same assessment, or the same
    error with the same message, whatever the inputs."""

    class Float(float):
        pass

    rng = random.Random(16)
    junk: list[Any] = [
        None, 0, 1, -3, 72.3, 69.8, 0.5, 2**63, 2**80, -(2**63), True, False, math.nan, math.inf, -math.inf, Float(60.5),
        "", "2023", "2023-T2", "2023-Q5", "2023-13", "≥ 30", "öka", "x", b"2023", 2023, 2023.0, [], {}, object(),
    ]  # fmt: skip
    names = ["value", "period", "target", "previous", "national", "percentile", "women", "men", "municipal_mean"]
    seen: defaultdict[str, int] = defaultdict(int)

    def outcome(f: Any) -> Any:
        try:
            return f()
        except (attain.AttainError, TypeError) as e:
            return (type(e).__name__, str(e), getattr(e, "code", None))

    for i in range(3000):
        kwargs = {name: rng.choice(junk) for name in names if rng.random() < (0.5 if i % 2 else 0.12)}
        kwargs.setdefault("period", "2023")
        mapping = {k: v for k, v in kwargs.items() if v is not None}
        for indicator in ("REF", "TARGET", "SCRIPT", "NOPE"):
            quick = outcome(lambda: plan.assess(indicator, **kwargs))
            assert quick == outcome(lambda: plan.assess(indicator, mapping)), (indicator, kwargs)
            seen["result" if isinstance(quick, attain.Assessment) else quick[0]] += 1
            if isinstance(quick, attain.Assessment):
                assert type(quick) is attain.Assessment and quick.measures == {}
    assert seen["result"] > 1000 and seen["QueryError"] > 1000 and seen["ArgumentError"] > 100, dict(seen)


def test_the_gil_is_released_while_assess_many_works(plan: attain.Plan) -> None:
    values = [float(i % 100) for i in range(300_000)]
    assert ticks_while(lambda: plan.assess_many("REF", value=values, national=50.0, period="2023")) > 10_000


def test_threads_assessing_at_once_get_the_same_results(plan: attain.Plan) -> None:
    values = [float(i % 90) for i in range(5000)]
    expected = plan.assess_many("REF", value=values, national=45.0, period="2023")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: plan.assess_many("REF", value=values, national=45.0, period="2023"), range(8)))
    assert all(r == expected for r in results)


def test_assess_call_by_call_gives_every_period_and_status_past_the_plans_string_cache(plan: attain.Plan) -> None:
    """The call-by-call path reuses the Python strings of statuses, labels and periods per plan
    (at most 64): past that, and from many threads at once, every text is still its own."""
    periods = [str(year) for year in range(1901, 2101)]

    def row(i: int) -> tuple[str, str, str]:
        a = plan.assess("REF", value=float(i % 90), national=45.0, period=periods[i % len(periods)])
        return (a.period, a.status, a.label)

    def expected(i: int) -> tuple[str, str, str]:
        a = plan.assess("REF", {"value": float(i % 90), "national": 45.0, "period": periods[i % len(periods)]})
        return (a.period, a.status, a.label)

    want = [expected(i) for i in range(1000)]
    assert [row(i) for i in range(1000)] == want and {p for p, _, _ in want} == set(periods)
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(row, range(1000))) == want
