"""Arrow in (polars, pyarrow, DuckDB: the Arrow PyCapsule interface) and out (to_arrow, to_polars)."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pytest

import attain
from conftest import ROWS

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

REQUEST = {"entity": "2380", "period": "2023"}


def table() -> Any:
    return pa.Table.from_pylist(ROWS)


def test_polars_pyarrow_and_duckdb_give_the_same_report_as_rows(plan: attain.Plan) -> None:
    expected = plan.evaluate(ROWS, **REQUEST).to_dict()
    arrow = table()
    relation = duckdb.from_arrow(arrow)
    for data in (arrow, pl.DataFrame(ROWS), relation, arrow.to_batches()[0]):
        assert plan.evaluate(data, **REQUEST).to_dict() == expected, type(data).__name__
    many = plan.evaluate_many(pl.DataFrame(ROWS), entities=["2380", "0001"], periods=["2023"])
    assert [r.to_dict() for r in many] == [r.to_dict() for r in plan.evaluate_many(ROWS, entities=["2380", "0001"], periods=["2023"])]
    assert attain.observations(arrow).rows() == attain.observations(ROWS).rows()


def test_every_string_and_number_type_and_nulls_read_alike() -> None:
    n = len(ROWS)
    columns = {
        # Dictionary-encoded, large and view strings; ids as narrow integers (codes read from a
        # file), values as float32-exact numbers and a null as a gap.
        "kpi": pa.array([r["indicator"] for r in ROWS]).dictionary_encode(),
        "municipality": pa.array([r["entity"] for r in ROWS], pa.large_string()),
        "year": pa.array([int(r["period"]) for r in ROWS], pa.int16()),
        "gender": pa.array([r["gender"] for r in ROWS], pa.string_view()),
        "value": pa.array([None if r["indicator"] == "WAIT" else float(r["value"]) for r in ROWS], pa.float32()),
    }
    obs = attain.observations(pa.table(columns))
    rows = [dict(r) for r in ROWS]
    for r in rows:
        if r["indicator"] == "WAIT":
            r["value"] = None
    assert len(obs) == n and obs.rows() == attain.observations(rows).rows()


def error_of(data: Any) -> tuple[str, str, Any]:
    with pytest.raises(attain.DataError) as info:
        attain.observations(data)
    return info.value.code, info.value.message, info.value.row


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("value", "many"),  # text in a number column
        ("entity", None),  # a null id
        ("entity", True),  # a boolean id
        ("period", 2023.5),  # a fractional id
        ("value", math.inf),  # not finite
        ("value", math.nan),  # NaN is not a gap in rows (a null is)
    ],
)
def test_a_bad_cell_is_the_same_error_at_the_same_row_as_in_dicts(field: str, bad: Any) -> None:
    rows = [dict(r) for r in ROWS]
    rows[3][field] = bad
    expected = error_of(rows)
    assert expected[2] == 4
    # A column of one type holding the bad cell (the others as they would be read: a column of
    # text with a null, of booleans, of floats).
    column = [r[field] for r in rows]
    if isinstance(bad, bool):
        column = [bad] * len(rows)
        rows_all = [{**r, field: bad} for r in rows]
        expected = error_of(rows_all)
    elif isinstance(bad, float):
        column = [float(x) for x in column] if field == "value" else [float(x) for x in column[:3]] + [bad] + [float(x) for x in column[4:]]
        if field == "period":
            rows_float = [{**r, "period": float(r["period"])} for r in rows]
            expected = error_of(rows_float)
    elif isinstance(bad, str):
        column = [str(x) for x in column]
        expected = error_of([{**r, field: str(r[field])} for r in rows])
    arrow = pa.table({**{k: [r[k] for r in ROWS] for k in ROWS[0] if k != field}, field: pa.array(column, from_pandas=False)})
    assert error_of(arrow) == expected
    assert error_of(pl.from_arrow(arrow)) == expected


def test_columns_are_named_as_in_every_other_kind() -> None:
    arrow = table().append_column("colour", pa.array(["red"] * len(ROWS)))
    code, message, _ = error_of(arrow)
    assert code == "data.unknown_column" and message.startswith("unknown column `colour` (expected indicator (or kpi")
    pandas = pytest.importorskip("pandas")
    assert error_of(arrow) == error_of(pandas.DataFrame(arrow.to_pylist()))
    code, message, _ = error_of(table().drop_columns(["period"]))
    assert (code, message) == ("data.missing_column", "the header has no `period` column")
    dates = table().set_column(2, "period", pa.array([None] * len(ROWS), pa.date32()))
    code, message, _ = error_of(dates)
    assert code == "data.invalid_type" and message.startswith("column `period` holds Arrow Date32")


def csv_rows(report: attain.Report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report.to_csv())))


def test_report_to_arrow_has_the_csv_columns_and_values(plan: attain.Plan) -> None:
    report = plan.evaluate(ROWS, **REQUEST)
    out = pa.table(report.to_arrow())
    expected = csv_rows(report)
    assert out.column_names == list(expected[0])
    assert out.num_rows == len(expected)
    assert out.schema.field("value").type == pa.float64() and out.schema.field("status").type == pa.string()
    for got, want in zip(out.to_pylist(), expected):
        for name, cell in got.items():
            if isinstance(cell, float):
                assert cell == float(want[name]), name
            else:
                assert (cell or "") == want[name], name
    frame = report.to_polars()
    assert frame.shape == (out.num_rows, out.num_columns) and frame["indicator"].to_list() == out.column("indicator").to_pylist()
    # pandas keeps working, and from Arrow too.
    assert list(out.to_pandas()["indicator"]) == list(report.to_frame()["id"])


def test_assessments_to_arrow(plan: attain.Plan) -> None:
    a = plan.assess_many("SICK", value=[7.5, 6.0, None], period="2023", national=7.0)
    out = pa.table(a.to_arrow())
    assert out.column_names == list(attain.Assessment._fields)
    assert out.column("status").to_pylist() == a.status
    assert out.column("score").to_pylist() == a.score
    assert out.column("measures").to_pylist() == [";".join(f"{k}={v}" for k, v in sorted(m.items())) for m in a.measures]
    assert a.to_polars()["status"].to_list() == a.status


def test_assess_many_takes_arrow_columns(plan: attain.Plan) -> None:
    values = [7.5, 6.0, None, 8.0]
    expected = plan.assess_many("SICK", value=values, period=["2023"] * 4, national=[7.0, 7.0, 7.0, None])
    for value, period, national in (
        (pa.array(values), pa.array(["2023"] * 4), pa.chunked_array([[7.0, 7.0], [7.0, None]])),
        (pl.Series(values), pl.Series(["2023"] * 4), pl.Series([7.0, 7.0, 7.0, None])),
        (pa.array([7.5, 6.0, None, 8.0], pa.float32()), "2023", pa.array([7, 7, 7, None], pa.int8())),
    ):
        assert plan.assess_many("SICK", value=value, period=period, national=national) == expected
    with pytest.raises(attain.DataError, match="`national` holds Arrow Utf8, not numbers"):
        plan.assess_many("SICK", value=pa.array(values), national=pa.array(["7"] * 4))


def test_rows_are_counted_over_the_batches_of_a_stream() -> None:
    rows = [dict(r) for r in ROWS]
    rows[10]["entity"] = " "
    expected = error_of(rows)
    batches = pa.Table.from_pylist(rows).to_batches(max_chunksize=4)
    assert len(batches) == 4
    reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
    assert error_of(reader) == expected and expected[2] == 11


def test_parquet_files_and_a_plans_parquet_data(tmp_path: Any, plan: attain.Plan) -> None:
    import shutil

    import pyarrow.parquet as pq

    from conftest import PLAN_DIR

    path = tmp_path / "rows.parquet"
    pq.write_table(table(), path, compression="zstd")
    assert attain.Observations.load(path).rows() == attain.observations(ROWS).rows()
    bad = [dict(r) for r in ROWS]
    bad[5]["value"] = math.inf
    pq.write_table(pa.Table.from_pylist(bad), path)
    with pytest.raises(attain.DataError) as info:
        attain.Observations.load(path)
    assert (info.value.code, info.value.row, info.value.file) == ("data.not_finite", 6, str(path))
    # A plan whose data/ is Parquet reads it as it reads CSV.
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    (folder / "data" / "values.csv").unlink()
    pq.write_table(table(), folder / "data" / "values.parquet")
    from_parquet = attain.load_plan(folder)
    assert from_parquet.evaluate(**REQUEST).to_dict() == plan.evaluate(**REQUEST).to_dict()
