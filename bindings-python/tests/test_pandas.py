"""pandas in (a DataFrame as data) and out (Report.to_frame)."""

from __future__ import annotations

import sys

import pytest

import attain
from conftest import ROWS
from test_api import EXPECTED_INDICATORS, statuses

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")


def test_a_dataframe_gives_the_same_report_as_rows(plan: attain.Plan) -> None:
    frame = pd.DataFrame(ROWS)
    assert plan.evaluate(frame).to_dict() == plan.evaluate(ROWS).to_dict()


def test_pandas_dtypes_ids_as_ints_nan_gaps_and_no_gender_column(plan: attain.Plan) -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["SICK", "SICK", "WAIT", "CO2"],
            "entity": [2380, 0, 2380, 2380],  # read from a file, codes become ints
            "period": [2023, 2023, 2023, 2023],
            "value": [6.0, 7.0, np.nan, 6.0],
        }
    )
    frame.loc[1, "entity"] = 0
    frame["entity"] = frame["entity"].map(lambda e: "0000" if e == 0 else e)
    report = plan.evaluate(frame)
    sick = report.indicator("SICK")
    assert sick is not None and (sick.status, sick.value, sick.national) == ("attained", 6.0, 7.0)
    wait = report.indicator("WAIT")
    assert wait is not None and wait.status == "no_data" and wait.value is None
    co2 = report.indicator("CO2")
    assert co2 is not None and co2.status == "partly"


def test_nullable_and_categorical_columns(plan: attain.Plan) -> None:
    frame = pd.DataFrame(ROWS)
    frame["value"] = frame["value"].astype("Float64")
    frame.loc[frame["indicator"] == "WAIT", "value"] = pd.NA
    frame["gender"] = frame["gender"].astype("category")
    report = plan.evaluate(frame)
    wait = report.indicator("WAIT")
    assert wait is not None and wait.status == "no_data"
    assert statuses(report)[1][("FULLTIME", "K")] == EXPECTED_INDICATORS[("FULLTIME", "K")]


def test_a_bad_frame_is_a_data_error_naming_the_row() -> None:
    frame = pd.DataFrame(ROWS)
    frame["value"] = frame["value"].astype(object)
    frame.loc[3, "value"] = "many"
    with pytest.raises(attain.DataError) as info:
        attain.observations(frame)
    assert info.value.row == 4 and info.value.message == "value `many` is not a number (nor empty, `-`, `..` or `.`)"
    with pytest.raises(attain.DataError, match="unknown column `colour`"):
        attain.observations(pd.DataFrame(ROWS).assign(colour="red"))
    with pytest.raises(attain.DataError, match="no `value` column"):
        attain.observations(pd.DataFrame(ROWS).drop(columns=["value"]))
    infinite = pd.DataFrame(ROWS)
    infinite.loc[2, "value"] = np.inf
    with pytest.raises(attain.DataError) as info:
        attain.observations(infinite)
    assert info.value.row == 3 and info.value.message == "`inf` is not a finite number"


def test_to_frame_has_one_row_per_indicator_result(plan: attain.Plan) -> None:
    report = plan.evaluate()
    frame = report.to_frame()
    assert len(frame) == len(report.indicators) == 6
    assert list(frame.columns) == list(attain.IndicatorResult.__annotations__)
    assert list(zip(frame["id"], frame["gender"], frame["status"])) == [
        (i.id, i.gender, i.status) for i in report.indicators
    ]
    women = frame[(frame["id"] == "FULLTIME") & (frame["gender"] == "K")].iloc[0]
    assert women["value"] == 60.0 and women["reason"] == "60 % is worse than the peer average (75 %)"
    assert frame["value"].dtype == np.float64


def test_to_frame_without_pandas_says_how_to_install_it(plan: attain.Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    report = plan.evaluate()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        report.to_frame()


def test_to_frame_of_a_report_without_indicators() -> None:
    plan = attain.Plan.from_files({"plan.toml": '[plan]\nid = "e"\ntitle = "E"\nentity = "1"\n'})
    frame = plan.evaluate([{"indicator": "X", "entity": "1", "period": "2023", "value": 1}]).to_frame()
    assert len(frame) == 0 and list(frame.columns) == list(attain.IndicatorResult.__annotations__)
