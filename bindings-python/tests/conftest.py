"""Shared fixtures. Test data is found from this file's location, never from the working directory."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import pytest

import attain

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PLAN_DIR = DATA / "plan"
REPO = HERE.parents[1]

pytest_plugins = ["pytester"]

# The tidy rows of tests/data/plan/data/values.csv, as a host would give them.
ROWS = [
    {"indicator": "FULLTIME", "entity": "2380", "period": "2023", "gender": "T", "value": 73},
    {"indicator": "FULLTIME", "entity": "2380", "period": "2023", "gender": "K", "value": 60},
    {"indicator": "FULLTIME", "entity": "2380", "period": "2023", "gender": "M", "value": 85},
    {"indicator": "FULLTIME", "entity": "0001", "period": "2023", "gender": "T", "value": 70},
    {"indicator": "FULLTIME", "entity": "0002", "period": "2023", "gender": "T", "value": 80},
    {"indicator": "FULLTIME", "entity": "0001", "period": "2023", "gender": "K", "value": 70},
    {"indicator": "FULLTIME", "entity": "0002", "period": "2023", "gender": "K", "value": 80},
    {"indicator": "FULLTIME", "entity": "0001", "period": "2023", "gender": "M", "value": 70},
    {"indicator": "FULLTIME", "entity": "0002", "period": "2023", "gender": "M", "value": 80},
    {"indicator": "WAIT", "entity": "2380", "period": "2023", "gender": "T", "value": 18},
    {"indicator": "SICK", "entity": "2380", "period": "2023", "gender": "T", "value": 7.5},
    {"indicator": "SICK", "entity": "0000", "period": "2023", "gender": "T", "value": 7.0},
    {"indicator": "CO2", "entity": "2380", "period": "2022", "gender": "T", "value": 5.0},
    {"indicator": "CO2", "entity": "2380", "period": "2023", "gender": "T", "value": 3.5},
]

ASSIGNMENTS = [{"assignment": "A1", "period": "2023", "status": "on_track", "comment": "adopted in May"}]


def ticks_while(work: Callable[[], object]) -> int:
    """How often this thread counted while `work` ran in another one. Were the GIL held for
    the whole native call, this thread could not count meanwhile."""
    started = threading.Event()
    done = threading.Event()

    def run() -> None:
        started.set()
        work()
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    started.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
    worker.join()
    return ticks


def plan_files() -> dict[str, str]:
    """The test plan as a dict of relative path to text."""
    return {
        p.relative_to(PLAN_DIR).as_posix(): p.read_text(encoding="utf-8")
        for p in PLAN_DIR.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="session")
def plan() -> attain.Plan:
    return attain.load_plan(PLAN_DIR)


@pytest.fixture
def rows() -> list[dict[str, object]]:
    return [dict(r) for r in ROWS]
