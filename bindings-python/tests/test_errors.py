"""Every error type, with the attributes a user relies on: kind, message, file, line, column, row."""

from __future__ import annotations

from pathlib import Path

import pytest

import attain
from conftest import plan_files

PLAN_HEAD = '[plan]\nid = "e"\ntitle = "E"\nentity = "1"\n'


def fields(e: attain.AttainError) -> tuple[object, ...]:
    return (e.kind, e.file, e.line, e.column, e.row)


def test_the_exception_tree() -> None:
    for cls in (attain.PlanError, attain.RuleError, attain.DataError, attain.QueryError, attain.RuleTestError, attain.AttainIOError):
        assert issubclass(cls, attain.AttainError)
        assert cls.__module__ == "attain"
    assert issubclass(attain.AttainError, Exception)
    # Raised from Python, the attributes exist and are None.
    e = attain.DataError("by hand")
    assert (e.kind, e.message, e.file, e.line, e.column, e.row) == (None,) * 6


def test_unknown_key_in_plan_toml_is_a_plan_error_at_its_line_and_column() -> None:
    with pytest.raises(attain.PlanError) as info:
        attain.Plan.from_files({"plan.toml": PLAN_HEAD + 'colour = "red"\n'})
    e = info.value
    assert fields(e) == ("plan", "plan.toml", 5, 1, None)
    assert e.message is not None and e.message.startswith("unknown field `colour`")
    assert str(e).startswith("plan.toml:5:1: plan error: unknown field `colour`")


def test_a_reference_to_a_missing_indicator_points_at_it() -> None:
    text = PLAN_HEAD + '[[goal]]\nid = "1"\ntitle = "A"\nindicators = ["I", "N99999"]\n[[indicator]]\nid = "I"\ntitle = "I"\n'
    with pytest.raises(attain.PlanError) as info:
        attain.Plan.from_files({"plan.toml": text})
    assert fields(info.value) == ("plan", "plan.toml", 8, 20, None)
    assert info.value.message == "goal `1` links indicator `N99999`, which is not defined"


def test_a_plan_folder_with_an_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "plan.toml").write_text(PLAN_HEAD + "\n[scale]\nlevels = []\nextra = 1\n", encoding="utf-8")
    with pytest.raises(attain.PlanError) as info:
        attain.load_plan(tmp_path)
    assert info.value.file == "plan.toml"
    assert info.value.line is not None and info.value.line >= 6


def test_a_rule_script_with_a_syntax_error_is_a_rule_error_with_its_line() -> None:
    files = {
        "plan.toml": PLAN_HEAD + '[[indicator]]\nid = "I"\ntitle = "I"\nrule = "rules/bad.rhai"\n',
        "rules/bad.rhai": "// fine so far\nlet x = ;\nattained()\n",
    }
    with pytest.raises(attain.RuleError) as info:
        attain.Plan.from_files(files)
    e = info.value
    assert (e.kind, e.file, e.line, e.row) == ("rule", "rules/bad.rhai", 2, None)
    assert e.column == 9
    assert e.message is not None and "does not compile" in e.message


def test_a_rule_failing_at_run_time_does_not_raise_but_marks_the_indicator() -> None:
    files = {
        "plan.toml": PLAN_HEAD + '[[indicator]]\nid = "I"\ntitle = "I"\nrule = "rules/boom.rhai"\n',
        "rules/boom.rhai": 'throw "boom";\n',
    }
    plan = attain.Plan.from_files(files)
    report = plan.evaluate([{"indicator": "I", "entity": "1", "period": "2023", "value": 1}])
    result = report.indicator("I")
    assert result is not None and result.status == "error"
    assert result.error is not None and result.error["type"] == "rule" and "boom" in result.error["message"]


def test_bad_csv_is_a_data_error_with_file_line_column_and_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("indicator,entity,period,gender,value\nI,1,2022,T,5\nI,1,2023,T,many\n", encoding="utf-8")
    with pytest.raises(attain.DataError) as info:
        attain.Observations.load(path)
    e = info.value
    assert fields(e) == ("data", str(path), 3, 5, 2)
    assert e.message == "value `many` is not a number (nor empty, `-`, `..` or `.`)"


def test_bad_csv_text_names_the_file_given() -> None:
    with pytest.raises(attain.DataError) as info:
        attain.Observations.from_csv("indicator,entity,period,value\nI,1,2022,5,6\n", file="upload.csv")
    assert (info.value.file, info.value.line) == ("upload.csv", 2)
    assert info.value.message == "the row has 5 fields but the header has 4"


def test_bad_data_in_the_plan_folder_names_its_relative_path() -> None:
    files = plan_files()
    files["data/values.csv"] += "WAIT,2380,2024,X,1\n"
    plan = attain.Plan.from_files(files)
    with pytest.raises(attain.DataError) as info:
        plan.evaluate()
    e = info.value
    assert (e.file, e.row, e.column) == ("data/values.csv", 15, 4)
    assert e.message == "gender `X` is not T, K or M"


def test_malformed_json_is_a_data_error_with_line_and_column() -> None:
    with pytest.raises(attain.DataError) as info:
        attain.Observations.from_json('{"values": [\n  {"kpi": }\n]}', file="kolada.json")
    assert (info.value.file, info.value.line, info.value.column) == ("kolada.json", 2, 11)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"indicator": "I", "entity": "1", "period": "2023", "value": float("inf")}, "`inf` is not a finite number"),
        ({"indicator": "I", "entity": "1", "period": "2023", "value": float("nan")}, "`NaN` is not a finite number"),
        ({"indicator": "I", "entity": "1", "period": "2023", "value": True}, "value must be a number or null, got true"),
        ({"indicator": "I", "entity": "1", "period": "2023", "colour": "red"}, "unknown field `colour`"),
        ({"indicator": "I", "entity": "1", "value": 1}, "the row has no `period`"),
        ({"indicator": "I", "entity": 1.5, "period": "2023"}, "`entity` `1.5` is not a whole number; write it as a string"),
        ({"indicator": "I", "entity": "1", "period": "2023", "gender": "X"}, "gender `X` is not T, K or M"),
        ({"indicator": "", "entity": "1", "period": "2023"}, "indicator, entity and period must not be empty"),
    ],
)
def test_a_bad_host_row_is_a_data_error_naming_the_row(row: dict[str, object], message: str) -> None:
    good = {"indicator": "I", "entity": "1", "period": "2022", "value": 1}
    with pytest.raises(attain.DataError) as info:
        attain.observations([good, row])
    e = info.value
    assert (e.kind, e.file, e.row) == ("data", None, 2)
    assert e.message is not None and e.message.startswith(message)
    assert str(e).startswith("row 2: data error: ")


def test_a_duplicate_host_row_is_a_data_error() -> None:
    row = {"indicator": "I", "entity": "1", "period": "2022", "value": 1}
    with pytest.raises(attain.DataError) as info:
        attain.observations([row, {"indicator": "J", "entity": "1", "period": "2022"}, row])
    assert info.value.row == 3
    assert info.value.message == "duplicate value for `I`, entity `1`, period `2022`, gender T (first at row 1)"


def test_a_value_given_as_text_is_read_as_a_csv_cell_is() -> None:
    # One vocabulary for every reader: JSON rows and CSV read "5" as 5, and so do host rows.
    data = attain.observations([{"indicator": "I", "entity": "1", "period": "2023", "value": "5"}])
    assert data.rows()[0]["value"] == 5.0


def test_a_row_that_is_not_a_dict() -> None:
    with pytest.raises(attain.DataError) as info:
        attain.observations([("I", "1", "2022", 1)])
    assert info.value.row == 1 and info.value.message == "a row must be an object, got an array"


def test_a_bad_assignment_follow_up() -> None:
    with pytest.raises(attain.DataError) as info:
        attain.observations([], [{"assignment": "A1", "period": "2023", "status": "finished"}])
    assert info.value.row == 1
    assert info.value.message is not None and "finished" in info.value.message


def test_query_errors(plan: attain.Plan) -> None:
    nowhere = attain.Plan.from_files({"plan.toml": '[plan]\nid = "q"\ntitle = "Q"\n'})
    with pytest.raises(attain.QueryError) as info:
        nowhere.evaluate([])
    assert info.value.kind == "query" and info.value.message is not None and "no entity given" in info.value.message
    with pytest.raises(attain.QueryError, match="entity `9999` does not appear in the data"):
        plan.evaluate(entity="9999")
    with pytest.raises(attain.QueryError, match="period `T1` is not a year"):
        plan.evaluate(period="T1")
    with pytest.raises(attain.QueryError, match="gender `X` is not T, K or M"):
        plan.evaluate(genders=["X"])
    with pytest.raises(attain.QueryError, match="no indicator `NOPE`"):
        plan.explain("NOPE")


def test_a_malformed_rule_test_file_is_a_rule_test_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.test.toml"
    path.write_text('[[case]]\nname = "x"\nrule = "reference"\nexpect = "attained"\nvalu = 3\n', encoding="utf-8")
    with pytest.raises(attain.RuleTestError) as info:
        attain.run_rule_tests(path)
    e = info.value
    assert e.kind == "test"
    assert e.file is not None and e.file.endswith("bad.test.toml")
    assert (e.line, e.column) == (5, 1)
    assert e.message is not None and "valu" in e.message


def test_io_errors(tmp_path: Path) -> None:
    with pytest.raises(attain.AttainIOError) as info:
        attain.load_plan(tmp_path / "missing")
    assert info.value.kind == "io" and "is not a folder" in str(info.value)
    assert isinstance(info.value, OSError) and isinstance(info.value, attain.AttainError)
    with pytest.raises(attain.AttainIOError):
        attain.Observations.load(tmp_path / "missing.csv")
    with pytest.raises(attain.AttainIOError):
        attain.run_rule_tests(tmp_path / "missing")


def test_a_wrong_argument_type_is_a_type_error_naming_the_argument(plan: attain.Plan) -> None:
    assert issubclass(attain.ArgumentError, attain.QueryError) and issubclass(attain.ArgumentError, TypeError)
    with pytest.raises(attain.ArgumentError) as info:
        plan.evaluate(period=["2023"])  # type: ignore[arg-type]
    e = info.value
    assert isinstance(e, TypeError) and e.kind == "query"
    assert e.message is not None and e.message.startswith("`period`: invalid type: sequence"), e.message
    with pytest.raises(TypeError, match="^query error: `genders`: "):
        plan.evaluate(genders=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^query error: `value`: "):
        plan.assess("FULLTIME", value="72")  # type: ignore[arg-type]
    # A malformed value of the right type is a query error, and not a TypeError.
    with pytest.raises(attain.QueryError) as bad:
        plan.evaluate(period="2024-13")
    assert not isinstance(bad.value, TypeError), bad.value
    assert bad.value.message is not None and bad.value.message.startswith("`period`: period `2024-13` is not a year"), bad.value.message


def test_plan_files_must_be_text() -> None:
    with pytest.raises(attain.PlanError, match="must be a string"):
        attain.Plan.from_files({"plan.toml": b"[plan]"})  # type: ignore[dict-item]
