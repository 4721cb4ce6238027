"""The Python API: loading, evaluating with every kind of data, the report and its renderings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import attain
from conftest import ASSIGNMENTS, DATA, PLAN_DIR, plan_files

EXPECTED_GOALS = {"1": "partly", "2": "attained"}
EXPECTED_INDICATORS = {
    ("FULLTIME", "T"): "partly",
    ("FULLTIME", "K"): "not_attained",
    ("FULLTIME", "M"): "attained",
    ("WAIT", "T"): "attained",
    ("SICK", "T"): "not_attained",
    ("CO2", "T"): "attained",
}


def statuses(report: attain.Report) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    return (
        {g.id: g.status for g in report.goals},
        {(i.id, i.gender): i.status for i in report.indicators},
    )


def test_load_plan_attributes(plan: attain.Plan) -> None:
    assert plan.id == "py-test"
    assert plan.title == "Python test plan"
    assert plan.language == "en"
    assert plan.entity == "2380"
    assert plan.period is None
    assert plan.goals == ["1", "2"]
    assert plan.indicators == ["FULLTIME", "WAIT", "SICK", "CO2"]
    assert "py-test" in repr(plan)


def test_load_plan_accepts_str_and_pathlike() -> None:
    assert attain.load_plan(str(PLAN_DIR)).id == attain.Plan.load(PLAN_DIR).id


def test_from_files_equals_load(plan: attain.Plan) -> None:
    from_files = attain.Plan.from_files(plan_files())
    assert from_files.goals == plan.goals
    assert from_files.evaluate().to_dict() == plan.evaluate().to_dict()


def test_evaluate_with_the_plans_own_data(plan: attain.Plan) -> None:
    report = plan.evaluate()
    assert statuses(report) == (EXPECTED_GOALS, EXPECTED_INDICATORS)
    assert report.entity == "2380"
    assert report.entity_name == "Östersund"
    assert report.period == "2023"
    assert report.schema == attain.REPORT_SCHEMA
    assert report.plan == {"id": "py-test", "title": "Python test plan", "language": "en"}


def test_result_records_carry_inputs_and_reasons(plan: attain.Plan) -> None:
    report = plan.evaluate()
    women = report.indicator("FULLTIME", "K")
    assert women is not None
    assert (women.value, women.status, women.label, women.period) == (60.0, "not_attained", "Not attained", "2023")
    assert women.reason == "60 % is worse than the peer average (75 %)"
    assert women.peers is not None and women.peers["mean"] == 75.0
    total = report.indicator("FULLTIME")
    assert total is not None and (total.women, total.men) == (60.0, 85.0)
    wait = report.indicator("WAIT")
    assert wait is not None and wait.target == 20.0 and wait.direction == "lower"
    sick = report.indicator("SICK")
    assert sick is not None and sick.role == "key_figure" and sick.national == 7.0
    co2 = report.indicator("CO2")
    assert co2 is not None and co2.previous == 5.0 and co2.history == [{"period": "2022", "value": 5.0}]
    assert co2.rule == "rules/halved.rhai"
    goal = report.goal("1")
    assert goal is not None
    assert goal.reason == "1 of 2 assessed is attained (50 %)"
    assert goal.indicators == [{"id": "FULLTIME", "weight": 1.0}, {"id": "WAIT", "weight": 1.0}]
    assert goal.key_figures == ["SICK"]
    goal2 = report.goal("2")
    assert goal2 is not None
    assert goal2.assignments[0]["status"] == "on_track"
    assert report.goal("nope") is None
    assert report.indicator("WAIT", "K") is None
    assert women.to_dict()["reason"] == women.reason
    assert "FULLTIME/K" in repr(women)


def test_every_record_attribute_is_in_the_report_dict(plan: attain.Plan) -> None:
    report = plan.evaluate()
    data = report.to_dict()
    # `measures` is left out of the JSON when a result has none (the record gives `{}`).
    assert set(data["indicators"][0]) == set(attain.IndicatorResult.__annotations__) - {"measures"}
    assert set(data["goals"][0]) == set(attain.GoalResult.__annotations__) - {"measures"}
    assert report.indicators[0].measures == {} and report.goals[0].measures == {}


def test_evaluate_with_host_rows(plan: attain.Plan, rows: list[dict[str, object]]) -> None:
    report = plan.evaluate({"observations": rows, "assignments": ASSIGNMENTS})
    assert report.to_dict() == plan.evaluate().to_dict()
    # Without follow-ups the assignment is not followed up; the statuses are the same.
    plain = plan.evaluate(rows)
    goal2 = plain.goal("2")
    assert goal2 is not None and goal2.assignments[0]["status"] is None
    assert statuses(plain) == (EXPECTED_GOALS, EXPECTED_INDICATORS)


def test_host_rows_default_gender_and_gaps(plan: attain.Plan) -> None:
    rows = [
        {"indicator": "SICK", "entity": 2380, "period": 2023, "value": 6},  # ints as ids, no gender
        {"indicator": "SICK", "entity": "0000", "period": "2023", "gender": "T", "value": 7.0},
        {"indicator": "WAIT", "entity": "2380", "period": "2023", "value": None, "missing": ".."},
    ]
    report = plan.evaluate(rows, period="2023")
    sick = report.indicator("SICK")
    assert sick is not None and sick.status == "attained" and sick.value == 6.0
    wait = report.indicator("WAIT")
    assert wait is not None and wait.status == "no_data" and ".." in wait.reason


def test_files_are_read_by_observations_load_never_from_a_string(plan: attain.Plan) -> None:
    csv = PLAN_DIR / "data" / "values.csv"
    assert statuses(plan.evaluate(attain.Observations.load(csv)))[1] == EXPECTED_INDICATORS
    # A string or a path as data is core's error, the same in every host (issue 11).
    for given in (str(csv), csv, "indicator,entity,period,value\n"):
        with pytest.raises(attain.QueryError) as info:
            plan.evaluate(given)
        assert info.value.message == (
            "`data` is a string, which is never read as a path or as CSV: "
            "make observations from a file, from CSV or JSON text, or from rows"
        )
    with pytest.raises(attain.QueryError, match="never read as a path"):
        plan.explain("FULLTIME", data=str(csv))
    with pytest.raises(attain.ArgumentError) as refused:
        attain.observations(str(csv))
    assert isinstance(refused.value, TypeError) and refused.value.kind == "query"
    assert refused.value.message is not None and "use Observations.load(path) for a file" in refused.value.message
    kolada = plan.evaluate(attain.Observations.load(os.fspath(DATA / "kolada.json")))
    ind = kolada.indicator("FULLTIME", "K")
    assert ind is not None and ind.status == "attained" and ind.peers is not None and ind.peers["published"] is True
    wait = kolada.indicator("WAIT")
    assert wait is not None and wait.status == "no_data" and wait.reason == "the value for 2023 is missing (..)"


def test_observations_convert_once_and_merge(plan: attain.Plan, rows: list[dict[str, object]]) -> None:
    obs = attain.observations(rows)
    assert len(obs) == len(rows)
    assert obs.rows()[0] == {
        "indicator": "FULLTIME",
        "entity": "2380",
        "period": "2023",
        "gender": "T",
        "value": 73.0,
    }
    with_follow_ups = attain.observations(obs, ASSIGNMENTS)
    assert with_follow_ups.assignments() == [{"assignment": "A1", "period": "2023", "status": "on_track", "comment": "adopted in May"}]
    assert plan.evaluate(with_follow_ups).to_dict() == plan.evaluate().to_dict()
    assert len(plan.data()) == len(rows)
    csv = attain.Observations.from_csv("indicator,entity,period,value\nX,1,2020,5\n")
    assert len(obs.merge(csv)) == len(rows) + 1
    js = attain.Observations.from_json('[{"indicator": "X", "entity": "1", "period": "2020", "value": 5}]')
    assert js.rows() == csv.rows()
    assert "rows" in repr(obs)


def test_query_arguments(plan: attain.Plan, rows: list[dict[str, object]]) -> None:
    rows.append({"indicator": "CO2", "entity": "2380", "period": "2024", "value": 9})
    latest = plan.evaluate(rows)
    assert latest.period == "2024"
    co2 = latest.indicator("CO2")
    assert co2 is not None and co2.status == "not_attained" and co2.reason == "9.0 is not below 8.0"
    earlier = plan.evaluate(rows, period="2023")
    assert earlier.period == "2023"
    peer = plan.evaluate(rows, entity="0001", period="2023")
    assert peer.entity == "0001"
    only_total = plan.evaluate(rows, period="2023", genders=["T"])
    assert {i.gender for i in only_total.indicators} == {"T"}
    with_women = plan.evaluate(rows, period="2023", genders="K")
    assert {i.gender for i in with_women.indicators} == {"T", "K"}


def test_evaluate_many(plan: attain.Plan) -> None:
    reports = plan.evaluate_many(None, ["2380", "0001"], ["2022", "2023"])
    assert [(r.entity, r.period) for r in reports] == [("2380", "2022"), ("2380", "2023"), ("0001", "2022"), ("0001", "2023")]
    assert statuses(reports[1])[0] == EXPECTED_GOALS
    single = plan.evaluate(period="2023", genders=["T"])
    assert reports[1].to_dict() == single.to_dict()
    with pytest.raises(attain.QueryError, match=r"`periods\[0\]`: period `soon` is not a year"):
        plan.evaluate_many(None, ["2380"], ["soon"])


def test_explain(plan: attain.Plan) -> None:
    out = plan.explain("FULLTIME", gender="K")
    assert out["result"]["status"] == "not_attained"
    assert out["result"]["gender"] == "K"
    assert out["params"] == {"against": "peers", "tolerance": 0.05}
    assert "shortfall" in out["rule_source"]
    assert [g["id"] for g in out["goals"]] == ["1"]


def test_required(plan: attain.Plan) -> None:
    out = plan.required("FULLTIME", gender="K")
    assert out["status"] == "not_attained"
    assert out["next_status"] == "partly"
    assert out["required"] == pytest.approx(71.25, abs=1e-6)
    assert out["message"].startswith("Full-time employees must reach 71.25 %")


def test_report_renderings(plan: attain.Plan) -> None:
    report = plan.evaluate()
    assert json.loads(report.to_json()) == report.to_dict()
    # Same shape, same key order as core's JSON.
    assert list(report.to_dict()) == list(json.loads(report.to_json()))
    assert list(report.to_dict()["indicators"][0]) == list(json.loads(report.to_json())["indicators"][0])
    html = report.to_html()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Full-time employees" in html and "Östersund" in html
    assert report.render("html") == html
    md = report.to_markdown()
    assert "| Full-time employees |" in md
    assert report.render("md") == md
    assert report.to_csv().splitlines()[0].startswith("indicator") or "," in report.to_csv().splitlines()[0]
    with pytest.raises(attain.QueryError, match="format `pdf`"):
        report.render("pdf")
    assert "1=partly" in repr(report)


def test_report_from_json_round_trip(plan: attain.Plan) -> None:
    report = plan.evaluate()
    again = attain.Report.from_json(report.to_json())
    assert again.to_dict() == report.to_dict()
    assert statuses(again) == statuses(report)


def test_report_to_dict_is_a_fresh_copy(plan: attain.Plan) -> None:
    report = plan.evaluate()
    d = report.to_dict()
    d["goals"].clear()
    assert len(report.goals) == 2 and len(report.to_dict()["goals"]) == 2


def test_run_rule_tests_and_check(tmp_path: Path, plan: attain.Plan) -> None:
    test_file = tmp_path / "ref.test.toml"
    test_file.write_text(
        '[[case]]\nname = "equal to peers"\nrule = "reference"\n'
        'params = { against = "peers" }\nvalue = 81\npeers = { mean = 81 }\nexpect = "attained"\n'
        '\n[[case]]\nname = "wrong on purpose"\nrule = "reference"\n'
        'params = { against = "peers" }\nvalue = 70\npeers = { mean = 81 }\nexpect = "attained"\n',
        encoding="utf-8",
    )
    report = attain.run_rule_tests(test_file)
    assert (report["passed"], report["failed"]) == (1, 1)
    failed = report["cases"][1]
    assert failed["name"] == "wrong on purpose" and failed["passed"] is False
    assert "attained" in failed["expected"] and "not_attained" in failed["got"]
    assert failed["line"] == 9
    in_memory = attain.run_rule_tests({"ref.test.toml": test_file.read_text(encoding="utf-8")})
    assert (in_memory["passed"], in_memory["failed"]) == (1, 1)
    assert "coverage" not in report
    # Coverage: the std script's own lines, those the two cases never ran among them.
    covered = attain.run_rule_tests(test_file, coverage=True)
    [script] = covered["coverage"]["scripts"]
    assert script["file"] == "std/reference.rhai"
    assert 0 < len(script["run"]) < len(script["lines"]) == len(script["hits"])
    assert all(m["line"] in script["lines"] and m["line"] not in script["run"] for m in script["missed"])
    assert covered["cases"] == report["cases"]
    # Mutants of the std script the cases name: the same report as `attain test --mutants`.
    assert "mutants" not in report
    mutated = attain.run_rule_tests(test_file, mutants=True)["mutants"]
    assert mutated["mutants"] and {m["file"] for m in mutated["mutants"]} == {"std/reference.rhai"}
    assert mutated["killed"] + mutated["survived"] + mutated["unviable"] + mutated["equivalent"] == len(mutated["mutants"])
    assert mutated["score"] == mutated["killed"] / (mutated["killed"] + mutated["survived"])
    assert {m["status"] for m in mutated["mutants"]} == {"killed", "survived"}
    checked = attain.check(plan, cases=20, seed=7)
    assert checked["indicators"] == 4 and checked["failures"] == []
    assert plan.check(cases=20, seed=7) == checked


def test_bad_data_kinds_are_type_errors(plan: attain.Plan) -> None:
    with pytest.raises(TypeError, match="cannot read observations from int"):
        plan.evaluate(5)
    with pytest.raises(TypeError, match="observations and assignments"):
        plan.evaluate({"rows": []})
    with pytest.raises(TypeError):
        attain.observations(None)
