"""Long calls can be stopped: a `timeout` argument, and Ctrl-C (KeyboardInterrupt) while the
engine works with the GIL released. Both go through core's `Stop`; a stopped call raises, it
never returns a partial report. And the hostile rules of issue 10 stay errors of their own
indicators when run from Python, repeatedly and from many threads."""

from __future__ import annotations

import _thread
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import attain

PLAN = """
[plan]
id = "slow"
title = "Slow"
[[indicator]]
id = "I"
title = "I"
rule = "r.rhai"
"""
# Close to the operation limit, so that each evaluation takes milliseconds; 400 take seconds.
SLOW_RULE = "let n = 0;\nwhile n < 30000 { n += 1; }\nattained()"
ENTITIES = [f"{i:04}" for i in range(400)]
ROWS = [{"indicator": "I", "entity": e, "period": "2022", "value": 1.0} for e in ENTITIES]


@pytest.fixture(scope="module")
def slow() -> attain.Plan:
    return attain.Plan.from_files({"plan.toml": PLAN, "r.rhai": SLOW_RULE})


def test_a_timeout_stops_a_batch_with_an_interrupted_error(slow: attain.Plan) -> None:
    with pytest.raises(attain.AttainInterruptedError) as info:
        slow.evaluate_many(ROWS, ENTITIES, ["2022"], timeout=0.05)
    assert info.value.kind == "interrupted"
    assert "timeout of 0.05 s" in info.value.message


def test_a_timeout_that_is_not_reached_changes_nothing(slow: attain.Plan) -> None:
    report = slow.evaluate(ROWS, entity="0001", period="2022", timeout=60)
    assert report.indicators[0].status == "attained"


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_a_bad_timeout_is_a_query_error(slow: attain.Plan, bad: float) -> None:
    with pytest.raises(attain.QueryError) as info:
        slow.evaluate(ROWS, entity="0001", period="2022", timeout=bad)
    assert "must be a finite number of seconds" in info.value.message


def test_check_takes_a_timeout_too(slow: attain.Plan) -> None:
    with pytest.raises(attain.AttainInterruptedError):
        attain.check(slow, cases=100_000, timeout=0.05)


def test_ctrl_c_stops_a_batch_and_raises_keyboard_interrupt(slow: attain.Plan) -> None:
    # interrupt_main is what the terminal's Ctrl-C does: a SIGINT for the main thread.
    timer = threading.Timer(0.1, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            slow.evaluate_many(ROWS, ENTITIES, ["2022"])
    finally:
        timer.cancel()
    # The plan is usable afterwards.
    assert slow.evaluate(ROWS, entity="0001", period="2022").indicators[0].status == "attained"
    assert time.monotonic() - started >= 0.1


HOSTILE_PLAN = """
[plan]
id = "h"
title = "H"
[[goal]]
id = "1"
title = "G"
indicators = ["A", "MAP", "INDEX", "WRITE", "B"]
[[indicator]]
id = "A"
title = "A"
rule = "reference"
params = { against = 5 }
[[indicator]]
id = "MAP"
title = "M"
rule = "map.rhai"
[[indicator]]
id = "INDEX"
title = "X"
rule = "index.rhai"
[[indicator]]
id = "WRITE"
title = "W"
rule = "write.rhai"
params = { a = 1 }
targets = { 2022 = 1 }
[[indicator]]
id = "B"
title = "B"
rule = "reference"
params = { against = 5 }
"""
HOSTILE_FILES = {
    "plan.toml": HOSTILE_PLAN,
    "map.rhai": "let a = []; a.pad(1000, 0); let c = a; let b = a.map(|y| c.map(|x| { let j = 0; while j < 30000 { j += 1; } x })); attained()",
    "index.rhai": "let a = []; a.pad(9999, 1.5); let m = #{}; for i in 0..9000 { m[`k${i}`] = a; } attained()",
    "write.rhai": "let found = params.a + targets.len() + indicator.len(); try { params.a = 99; } catch (e) {} "
    "try { targets.clear(); } catch (e) {} try { indicator.clear(); } catch (e) {} "
    "if found == 5 { attained(`${found}`) } else { not_attained(`${found}`) }",
}
HOSTILE_ROWS = [{"indicator": i, "entity": "1", "period": "2022", "value": v} for i, v in
                [("A", 10.0), ("MAP", 1.0), ("INDEX", 1.0), ("WRITE", 1.0), ("B", 1.0)]]


def test_hostile_rules_fail_alone_and_identically_from_sixteen_threads() -> None:
    plan = attain.Plan.from_files(HOSTILE_FILES)
    first = plan.evaluate(HOSTILE_ROWS, entity="1", period="2022")
    by_id = {r.id: r for r in first.indicators}
    assert (by_id["A"].status, by_id["B"].status) == ("attained", "not_attained")
    assert by_id["MAP"].status == "error" and "operations" in by_id["MAP"].reason
    assert by_id["INDEX"].status == "error" and "MiB of memory" in by_id["INDEX"].reason
    # Writes to an input change a copy: every later evaluation sees the same.
    assert (by_id["WRITE"].status, by_id["WRITE"].reason) == ("attained", "5.0")
    expected = first.to_json()

    def work(_: int) -> list[str]:
        return [plan.evaluate(HOSTILE_ROWS, entity="1", period="2022").to_json() for _ in range(3)]

    with ThreadPoolExecutor(16) as pool:
        results = [r for chunk in pool.map(work, range(16)) for r in chunk]
    assert len(results) == 48
    assert all(r == expected for r in results)
