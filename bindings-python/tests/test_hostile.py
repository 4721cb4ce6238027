"""Hostile arguments: a `len()` that lies, absurd sizes, junk of every type. Each is a named
error (a DataError naming the argument, and the row where there is one) or a result, never a
reservation of the size claimed, an abort or a PanicException."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

import attain
from conftest import ROWS

LIMIT = 268435456  # the bindings' most items in one sequence argument (2^28)


class Lying:
    """An iterable whose len() claims `n` items and which yields `items`."""

    def __init__(self, items: list[Any], n: int = 10**10) -> None:
        self.items, self.n = items, n

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


def too_many(arg: str, n: int = 10**10) -> str:
    return f"`{arg}` has {n} items (its len()), more than the limit of {LIMIT}"


def test_rows_whose_len_is_ten_billion_are_a_data_error_not_an_abort(plan: attain.Plan) -> None:
    with pytest.raises(attain.DataError) as info:
        attain.observations(Lying([dict(r) for r in ROWS]))
    assert info.value.message == too_many("rows")
    assert (info.value.kind, info.value.file, info.value.row) == ("data", None, None)
    with pytest.raises(attain.DataError) as info:
        plan.evaluate(Lying([]), entity="2380", period="2023")
    assert info.value.message == too_many("rows")


def test_a_len_that_lies_within_the_limit_reserves_only_what_comes() -> None:
    # 200 million claimed, two given: read as two rows (the reservation is capped, then grows).
    obs = attain.observations(Lying([dict(r) for r in ROWS[:2]], n=200_000_000))
    assert len(obs) == 2
    obs = attain.observations(Lying([dict(r) for r in ROWS], n=0))
    assert len(obs) == len(ROWS)


def test_every_sequence_argument_checks_its_len(plan: attain.Plan) -> None:
    native = plan._native  # the binding itself, without the facade's list() copies
    cases: list[tuple[Any, str]] = [
        (lambda: attain.Observations.from_rows([], Lying([])), "assignments"),
        (lambda: attain.Observations.from_columns({"indicator": Lying([]), "entity": [], "period": [], "value": []}), "indicator"),
        (lambda: attain.Observations.from_columns({"indicator": [], "entity": [], "period": [], "value": Lying([])}), "value"),
        (lambda: plan.assess_many("FULLTIME", value=Lying([1.0]), period="2023"), "value"),
        (lambda: plan.assess_many("FULLTIME", value=[1.0], period=Lying(["2023"])), "period"),
        (lambda: native.assess_many("FULLTIME", [1.0], "2023", None, None, Lying([[]])), "history"),
    ]
    for call, arg in cases:
        with pytest.raises(attain.DataError) as info:
            call()
        assert info.value.message == too_many(arg), arg
        assert info.value.kind == "data"
    # Requests read by core (through pythonize) take only real sequences, whose len() is true.
    requests: list[tuple[Any, str]] = [
        (lambda: plan.assess("FULLTIME", value=1, period="2023", peers={"values": Lying([1.0])}), "peers.values"),
        (lambda: native.evaluate_many(None, {"entities": Lying(["2380"]), "periods": ["2023"]}), "entities"),
        (lambda: native.evaluate_many(None, {"entities": ["2380"], "periods": Lying(["2023"])}), "periods"),
    ]
    for call, arg in requests:
        with pytest.raises(attain.ArgumentError) as refused:
            call()
        assert refused.value.message == f"`{arg}`: unexpected type: 'Lying' object is not an instance of 'Sequence'", arg
    with pytest.raises(attain.ArgumentError, match="^query error: `genders`: unsupported type Lying$"):
        native.evaluate(None, {"entity": "2380", "period": "2023", "genders": Lying(["T"])})
    # The facade copies a history into a list, so a lying len() is never asked.
    assert plan.assess("FULLTIME", value=1, period="2023", history=Lying([("2022", 1.0)])).previous == 1.0


def test_ids_and_genders_are_checked_by_core(plan: attain.Plan) -> None:
    native = plan._native
    with pytest.raises(attain.ArgumentError) as info:
        plan.evaluate_many(None, "2380", ["2023"])
    assert isinstance(info.value, TypeError)
    assert info.value.message == "`entities`: expected a list of ids, got a string"
    assert info.value.code == "query.invalid_type"
    with pytest.raises(attain.ArgumentError) as info:
        native.evaluate_many(None, {"entities": ["2380", 2380], "periods": ["2023"]})
    assert info.value.message == "`entities[1]`: unexpected type: 'int' object is not an instance of 'str'"
    with pytest.raises(attain.ArgumentError) as info:
        native.evaluate(None, {"entity": "2380", "period": "2023", "genders": 5})
    assert info.value.message == "`genders`: data did not match any variant of untagged enum OneOrMany"
    with pytest.raises(attain.QueryError) as refused:
        plan.evaluate(None, entity="2380", period="2023", genders=["T", "X"])
    assert refused.value.message == "`genders`: gender `X` is not T, K or M"
    # A valid list still works, through the facade and natively.
    assert len(native.evaluate_many(None, {"entities": ("2380",), "periods": ["2023"]})) == 1
    assert plan.evaluate(None, entity="2380", period="2023", genders=("T", "K")).period == "2023"
    assert plan.evaluate(None, entity="2380", period="2023", genders="K").period == "2023"


def test_check_refuses_an_absurd_number_of_cases(plan: attain.Plan) -> None:
    with pytest.raises(attain.QueryError) as info:
        attain.check(plan, cases=10**9)
    assert info.value.message == "`cases` must be at most 100000, got 1000000000"


def test_a_bad_row_inside_a_lying_iterable_names_its_row() -> None:
    rows: list[Any] = [dict(r) for r in ROWS[:3]] + ["not a row"]
    with pytest.raises(attain.DataError) as info:
        attain.observations(Lying(rows, n=5))
    assert info.value.row == 4
    assert info.value.message == "a row must be an object, got a string"


def test_junk_in_every_conversion_gives_a_result_or_a_named_error(plan: attain.Plan) -> None:
    """Random values of random types in rows, columns, follow-ups, ids and genders, with a
    fixed seed: each call gives a result or an AttainError/TypeError, never a panic, and both
    outcomes occur."""
    rng = random.Random(20231)
    scalars: list[Any] = [
        None, 0, -1, 1.5, 2023, 2**32, 2**80, -(2**70), 1e308, math.nan, math.inf, True, "", " ", "2380", "2023", "T",
        "K", "FULLTIME", "x" * 300, b"2023", "\x00", object(), range(3), Lying([], 10**10), Lying([], 3),
    ]  # fmt: skip
    fields = ["indicator", "entity", "period", "gender", "value", "missing", "count", "source", "assignment", "status", "comment", 5]

    def junk(depth: int = 0) -> Any:
        r = rng.random()
        if r < 0.45 or depth > 2:
            return rng.choice(scalars)
        if r < 0.7:
            return [junk(depth + 1) for _ in range(rng.randrange(4))]
        d: dict[Any, Any] = {rng.choice(fields): junk(depth + 1) for _ in range(rng.randrange(5))}
        if rng.random() < 0.5:
            d.update(indicator="FULLTIME", entity="2380", period="2023", value=rng.random() * 100)
        return d

    def row() -> dict[str, Any]:
        r = dict(rng.choice(ROWS))
        if rng.random() < 0.5:
            r[rng.choice(["gender", "value", "count", "missing", "source", "period"])] = junk(2)
        return r

    native = plan._native
    calls = [
        lambda: attain.Observations.from_rows(junk(), junk()),
        lambda: attain.Observations.from_rows([row() for _ in range(rng.randrange(1, 4))]),
        lambda: attain.Observations.from_rows([], [{"assignment": "A1", "period": junk(2), "status": rng.choice(["done", junk(2)])}]),
        lambda: attain.Observations.from_columns({k: [junk(2)] for k in ("indicator", "entity", "period", "value")}),
        lambda: attain.Observations.from_columns({"indicator": ["FULLTIME"], "entity": ["2380"], "period": ["2023"], "value": [junk(2)]}),
        lambda: native.evaluate(None, {"entity": "2380", "period": "2023", "genders": junk()}),
        lambda: native.evaluate_many(None, {"entities": junk(), "periods": rng.choice([["2023"], junk()])}),
        lambda: native.target_for(rng.choice(["CO2", junk(2)]), junk(2)),
        lambda: native.explain(None, {"indicator": rng.choice(["FULLTIME", junk(2)]), "period": junk(2), "gender": rng.choice(["T", junk(2)])}),
        lambda: plan.evaluate([row() for _ in range(rng.randrange(1, 3))], entity="2380", period="2023"),
        lambda: attain._native.Plan.from_files(junk()),
    ]
    outcomes: defaultdict[str, int] = defaultdict(int)
    for i in range(3000):
        call = rng.choice(calls)
        try:
            call()
        except attain.AttainError as e:
            assert e.kind in {"plan", "rule", "data", "query", "test", "io"}, (i, e.kind, str(e))
            assert e.message and not e.message.endswith("."), (i, e.message)
            outcomes[type(e).__name__] += 1
        except TypeError:  # pyo3's own, for a parameter typed `str` given something else
            outcomes["TypeError"] += 1
        except BaseException as e:  # a PanicException derives from BaseException
            pytest.fail(f"call {i}: {type(e).__name__}: {e}")
        else:
            outcomes["result"] += 1
    assert outcomes["result"] > 200 and outcomes["DataError"] > 200, dict(outcomes)
    assert outcomes["QueryError"] > 0, dict(outcomes)
