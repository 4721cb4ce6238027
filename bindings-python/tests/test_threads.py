"""One plan, many threads: the engine is Send + Sync and releases the GIL while it works."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import attain
from conftest import PLAN_DIR, ROWS, ticks_while

THREADS = 8


def test_eight_threads_evaluating_one_plan_get_identical_reports(plan: attain.Plan) -> None:
    data = attain.observations(ROWS)
    sources = (data, ROWS, None)
    expected = [plan.evaluate(source).to_json() for source in sources]
    barrier = threading.Barrier(THREADS)

    def work(i: int) -> list[bool]:
        barrier.wait()
        out = []
        for n in range(25):
            # The shared converted data, fresh rows and the plan's own data, in turn.
            k = (i + n) % 3
            out.append(plan.evaluate(sources[k]).to_json() == expected[k])
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for chunk in pool.map(work, range(THREADS)) for r in chunk]
    assert len(results) == THREADS * 25
    assert all(results)


def test_threads_loading_and_checking_at_once(plan: attain.Plan) -> None:
    def work(_: int) -> tuple[list[str], int]:
        p = attain.Plan.load(PLAN_DIR)
        return p.goals, attain.check(plan, cases=10)["indicators"]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    assert results == [(["1", "2"], 4)] * THREADS


def test_the_gil_is_released_while_the_engine_works(plan: attain.Plan) -> None:
    assert ticks_while(lambda: attain.check(plan, cases=4000)) > 10_000  # long enough to count on
