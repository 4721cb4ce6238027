"""Picklable plans and observations, and the scale-out recipe: the national dataset judged per
municipality in worker processes (multiprocessing, Dask's local cluster, Spark's local mode with
mapInArrow) gives exactly the single-process results.

The data is real: Kolada's values of N01982 and N07906 for the municipalities in 2022
(rules/ostersund-2023/data/national-*.csv, see its SOURCES.md), judged by the Östersund plan.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import sys
from typing import Any, Iterator

import pytest

import attain
from conftest import DATA, PLAN_DIR, REPO, ROWS

PLAN = REPO / "rules" / "ostersund-2023"
PERIOD = "2022"


def test_a_pickled_plan_and_observations_evaluate_identically(plan: attain.Plan) -> None:
    again = pickle.loads(pickle.dumps(plan))
    assert isinstance(again, attain.Plan) and again.id == plan.id
    assert again.evaluate().to_dict() == plan.evaluate().to_dict()
    data = attain.observations(ROWS, [{"assignment": "A1", "period": "2023", "status": "on_track", "comment": "adopted in May"}])
    copy = pickle.loads(pickle.dumps(data))
    assert copy.rows() == data.rows() and copy.assignments() == data.assignments()
    assert again.evaluate(copy).to_dict() == plan.evaluate(data).to_dict()
    report = plan.evaluate(data)
    assert pickle.loads(pickle.dumps(report)).to_dict() == report.to_dict()


def test_a_pickled_plan_keeps_the_data_core_does_not_read(tmp_path: Any) -> None:
    # A workbook in data/ is read by attain-excel, not from the plan's files: it is shipped as rows.
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    shutil.copy(DATA / "kolada-wide.xlsx", folder / "data" / "kolada-wide.xlsx")
    plan = attain.load_plan(folder)
    again = pickle.loads(pickle.dumps(plan))
    assert again.data().rows() == plan.data().rows()
    assert any(r["indicator"] == "N01982" for r in again.data().rows())


def national() -> tuple[attain.Plan, attain.Observations, list[str]]:
    plan = attain.load_plan(PLAN)
    data = plan.data()
    entities = sorted({r["entity"] for r in data.rows() if r["indicator"] == "N01982" and r["period"] == PERIOD and r["entity"] != "0000"})
    assert len(entities) >= 289
    return plan, data, entities


def judge(plan: attain.Plan, data: attain.Observations, entities: list[str]) -> list[dict[str, Any]]:
    """One partition of municipalities judged: every indicator result, as the CSV's rows."""
    out: list[dict[str, Any]] = []
    for e in entities:
        out.extend(_rows(plan.evaluate(data, entity=e, period=PERIOD)))
    return out


def _rows(report: attain.Report) -> list[dict[str, Any]]:
    pa = pytest.importorskip("pyarrow")
    return pa.table(report.to_arrow()).to_pylist()


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["entity"], row["indicator"], row["gender"])


def partitions(entities: list[str], n: int) -> list[list[str]]:
    return [entities[i::n] for i in range(n)]


def _judge_args(args: tuple[attain.Plan, attain.Observations, list[str]]) -> list[dict[str, Any]]:
    return judge(*args)


def test_a_multiprocessing_pool_judges_as_one_process() -> None:
    pytest.importorskip("pyarrow")
    plan, data, entities = national()
    expected = sorted(judge(plan, data, entities), key=_key)
    # spawn: each worker starts afresh and receives the plan and data by pickle.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        parts = pool.map(_judge_args, [(plan, data, p) for p in partitions(entities, 4)])
    got = sorted((r for p in parts for r in p), key=_key)
    assert got == expected
    assert {r["status"] for r in got if r["indicator"] == "N01982"} - {"no_data"}, "N01982 is judged, not only no_data"


def test_a_dask_local_cluster_judges_as_one_process() -> None:
    pytest.importorskip("pyarrow")
    distributed = pytest.importorskip("dask.distributed")
    plan, data, entities = national()
    expected = sorted(judge(plan, data, entities), key=_key)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            # The plan and the data are scattered once (pickled), each partition judged on a worker.
            plan_f, data_f = client.scatter([plan, data], broadcast=True)
            futures = client.map(judge, [plan_f] * 4, [data_f] * 4, partitions(entities, 4))
            parts = client.gather(futures)
    assert sorted((r for p in parts for r in p), key=_key) == expected


def test_spark_local_mode_judges_with_map_in_arrow_as_one_process() -> None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java, and this machine has none (install a JDK 17+: apt-get install openjdk-17-jre-headless)")
    pytest.importorskip("pyspark", reason="pyspark is installed by run-tests.sh only where Java is (pip install pyspark)")
    pa = pytest.importorskip("pyarrow")
    from pyspark.sql import SparkSession
    from pyspark.sql.pandas.types import from_arrow_schema

    plan, data, entities = national()
    expected = sorted(judge(plan, data, entities), key=_key)
    schema = pa.table(plan.evaluate(data, entity=entities[0], period=PERIOD).to_arrow()).schema
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("attain-scale-out")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        frame = spark.createDataFrame([(e,) for e in entities], "entity string").repartition(4)

        # The recipe: each partition's municipalities judged on an executor, the plan and the
        # data shipped with the function (pickled), the results as Arrow batches.
        def judge_batches(batches: Iterator[Any]) -> Iterator[Any]:
            for batch in batches:
                for e in batch.column(0).to_pylist():
                    yield from pa.table(plan.evaluate(data, entity=e, period=PERIOD).to_arrow()).to_batches()

        got = frame.mapInArrow(judge_batches, from_arrow_schema(schema)).toArrow().to_pylist()
    finally:
        spark.stop()
    assert sorted(got, key=_key) == expected
