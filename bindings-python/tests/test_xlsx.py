"""Workbooks and Swedish sheets from Python: read by the same attain-excel calls as the CLI's.

The workbook tests/data/kolada-wide.xlsx is written by attain-excel's own tests from
kolada-wide.csv (excel/tests/kolada_sheets.rs): a Kolada-style wide sheet with Swedish column
names, Östersund's and riket's values from the reference data, two cells empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import attain
from conftest import DATA, PLAN_DIR


def key(row: dict) -> tuple:
    return (row["indicator"], row["entity"], row["period"], row["gender"])


def sorted_rows(obs: attain.Observations) -> list[dict]:
    return sorted(obs.rows(), key=key)


def test_a_workbook_reads_as_the_same_rows_from_csv() -> None:
    book = attain.Observations.load(DATA / "kolada-wide.xlsx")
    wide_csv = attain.Observations.load(DATA / "kolada-wide.csv")
    tidy = attain.Observations.load(DATA / "kolada-tidy.csv")
    assert len(book) == 12
    assert sorted_rows(book) == sorted_rows(tidy) == sorted_rows(wide_csv)
    gaps = [key(r) for r in book.rows() if r["value"] is None]
    assert sorted(gaps) == [("N01982", "2380", "2024", "T"), ("N07906", "2380", "2024", "T")]


def test_the_names_column_is_listed_not_read() -> None:
    book = attain.Observations.load(DATA / "kolada-wide.xlsx")
    [ignored] = book.ignored_columns()
    assert (ignored["column"], ignored["name"]) == (2, "Kommun")
    assert ignored["text"].endswith("column 2 `Kommun` is not read: the entity is read from column 1 (`Kommun-id`)")


def test_the_csv_separator_can_be_named() -> None:
    obs = attain.Observations.load(DATA / "kolada-wide.csv", delimiter=";")
    assert len(obs) == 12
    with pytest.raises(attain.DataError) as info:
        attain.Observations.load(DATA / "kolada-wide.csv", delimiter=",")
    assert info.value.code == "data.unknown_column"


def test_a_plan_folder_reads_its_workbooks(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    shutil.copy(DATA / "kolada-wide.xlsx", folder / "data" / "kolada.xlsx")
    without = attain.Plan.load(PLAN_DIR).data()
    plan = attain.Plan.load(folder)
    assert len(plan.data()) == len(without) + 12
    # Every call without data runs on them: the report warns of the ids the plan does not know.
    report = plan.evaluate(period="2023")
    unknown = {w["indicator"] for w in report.warnings if w["code"] == "data.unknown_indicator"}
    assert {"N01982", "N07906"} <= unknown


def test_a_bad_cell_in_a_workbook_names_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    (folder / "data" / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(attain.DataError) as info:
        attain.Plan.load(folder)
    assert info.value.code == "data.malformed_workbook"
    assert info.value.file.endswith("bad.xlsx")
