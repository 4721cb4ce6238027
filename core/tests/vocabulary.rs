//! One vocabulary for observations and follow-ups (issue 11): the same fields and aliases in
//! every reader (CSV, JSON rows, `{"observations": …}`, host rows, serde), and whatever core
//! writes (rows, CSV, JSON) read back by every reader to equal observations.

use attain_core::{
    AssignmentStatus, AssignmentUpdate, ErrorKind, Gender, OBSERVATION_FIELDS, Observation, Observations, observation_field,
};
use serde_json::{Value, json};

fn obs(indicator: &str, entity: &str, period: &str, gender: Gender, value: Option<f64>) -> Observation {
    Observation {
        indicator: indicator.into(),
        entity: entity.into(),
        period: period.into(),
        gender,
        value,
        missing: None,
        count: None,
        source: None,
    }
}

/// A JSON row as text: `"field": value` pairs, in order.
fn json_row(fields: &[(&str, Value)]) -> Value {
    Value::Object(fields.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect())
}

/// CSV text of one header and one row of cells.
fn csv_text(fields: &[(&str, &str)]) -> String {
    let (names, cells): (Vec<&str>, Vec<&str>) = fields.iter().copied().unzip();
    format!("{}\n{}\n", names.join(","), cells.join(","))
}

/// The rows every reader gives for one row, by name: CSV, a JSON array, the JSON object
/// shape, host rows (`from_values`) and serde (`Observation: Deserialize`).
fn every_reader(fields: &[(&str, &str)]) -> Vec<(&'static str, Vec<Observation>)> {
    let row = json_row(&fields.iter().map(|(k, v)| (*k, Value::String((*v).into()))).collect::<Vec<_>>());
    let array = Value::Array(vec![row.clone()]);
    let object = json!({ "observations": [row.clone()] });
    vec![
        ("csv", Observations::from_csv(&csv_text(fields), "d.csv").unwrap().rows().collect::<Vec<_>>()),
        ("json rows", Observations::from_json(&array.to_string(), "d.json").unwrap().rows().collect::<Vec<_>>()),
        ("json object", Observations::from_json(&object.to_string(), "d.json").unwrap().rows().collect::<Vec<_>>()),
        ("host rows", Observations::from_values(std::slice::from_ref(&row)).unwrap().rows().collect::<Vec<_>>()),
        ("serde", vec![serde_json::from_value::<Observation>(row).unwrap()]),
    ]
}

// ---------------------------------------------------------------- the vocabulary

#[test]
fn the_vocabulary_is_one_table_of_fields_and_aliases() {
    let aliases: Vec<(&str, &str)> = OBSERVATION_FIELDS.iter().flat_map(|(n, a)| a.iter().map(|a| (*n, *a))).collect();
    assert_eq!(
        aliases,
        [
            ("indicator", "kpi"),
            ("indicator", "kpi_id"),
            ("indicator", "kpi-id"),
            ("indicator", "nyckeltals-id"),
            ("entity", "municipality"),
            ("entity", "kommun-id"),
            ("entity", "kommunkod"),
            ("entity", "område-id"),
            ("period", "year"),
            ("period", "år"),
            ("gender", "kön"),
            ("value", "värde"),
            ("missing", "status"),
            ("missing", "saknas"),
        ]
    );
    for (name, others) in OBSERVATION_FIELDS {
        assert_eq!(observation_field(name), Some(name));
        for a in others {
            assert_eq!(observation_field(a), Some(name));
        }
    }
    assert_eq!(observation_field("colour"), None);
    // Names are matched trimmed and in any case, Swedish letters included.
    for (given, field) in [("KPI", "indicator"), (" Kommun-ID ", "entity"), ("ÅR", "period"), ("Kön", "gender"), ("VÄRDE", "value")] {
        assert_eq!(observation_field(given), Some(field), "{given}");
    }
}

#[test]
fn each_alias_is_accepted_by_every_reader() {
    let want = obs("N1", "2380", "2022", Gender::K, Some(7.5));
    let canonical = [("indicator", "N1"), ("entity", "2380"), ("period", "2022"), ("gender", "K"), ("value", "7.5")];
    for (i, alias) in ["kpi", "municipality", "year"].into_iter().enumerate() {
        let mut fields = canonical;
        fields[i].0 = alias;
        for (reader, rows) in every_reader(&fields) {
            assert_eq!(rows, std::slice::from_ref(&want), "{reader} with `{alias}`");
        }
    }
    let all = [("kpi", "N1"), ("municipality", "2380"), ("year", "2022"), ("gender", "K"), ("value", "7.5")];
    for (reader, rows) in every_reader(&all) {
        assert_eq!(rows, std::slice::from_ref(&want), "{reader} with every alias");
    }
}

#[test]
fn status_and_missing_both_give_the_reason_in_every_reader() {
    let mut want = obs("N1", "2380", "2022", Gender::T, None);
    want.missing = Some("sekretess".into());
    for name in ["missing", "status"] {
        let fields = [("indicator", "N1"), ("entity", "2380"), ("period", "2022"), ("value", ""), (name, "sekretess")];
        for (reader, rows) in every_reader(&fields) {
            assert_eq!(rows, std::slice::from_ref(&want), "{reader} with `{name}`");
        }
    }
}

#[test]
fn a_reason_given_wins_over_kolada_markers_and_is_not_kept_beside_a_value() {
    let fields = [("indicator", "N1"), ("entity", "1"), ("period", "2022"), ("value", ".."), ("missing", "withheld")];
    for (reader, rows) in every_reader(&fields) {
        assert_eq!(rows[0].missing.as_deref(), Some("withheld"), "{reader}");
        assert_eq!(rows[0].value, None, "{reader}");
    }
    let fields = [("indicator", "N1"), ("entity", "1"), ("period", "2022"), ("value", "3"), ("status", "preliminary")];
    for (reader, rows) in every_reader(&fields) {
        assert_eq!(rows, [obs("N1", "1", "2022", Gender::T, Some(3.0))], "{reader}");
    }
    let mut given = obs("N1", "1", "2022", Gender::T, Some(3.0));
    given.missing = Some("preliminary".into());
    assert_eq!(Observations::from_rows(vec![given]).unwrap().rows().collect::<Vec<_>>(), [obs("N1", "1", "2022", Gender::T, Some(3.0))]);
}

#[test]
fn ids_may_be_whole_numbers_and_are_trimmed_in_every_reader() {
    let data = Observations::from_values(&[json!({"kpi": " N1 ", "municipality": 2380, "year": 2022.0, "value": 1})]).unwrap();
    assert_eq!(data.rows().collect::<Vec<_>>(), [obs("N1", "2380", "2022", Gender::T, Some(1.0))]);
    let data = Observations::from_rows(vec![obs(" N1", "2380 ", "2022", Gender::T, Some(1.0))]).unwrap();
    assert_eq!(data.rows().collect::<Vec<_>>(), [obs("N1", "2380", "2022", Gender::T, Some(1.0))]);
}

#[test]
fn a_note_is_accepted_and_not_kept() {
    let fields = [("indicator", "N1"), ("entity", "1"), ("period", "2022"), ("value", "2"), ("note", "checked by hand")];
    for (reader, rows) in every_reader(&fields) {
        assert_eq!(rows, [obs("N1", "1", "2022", Gender::T, Some(2.0))], "{reader}");
    }
    let e = Observations::from_values(&[json!({"indicator": "N1", "entity": "1", "period": "2022", "note": 3})]).unwrap_err();
    assert_eq!((e.kind(), e.row(), e.message()), (ErrorKind::Data, Some(1), "`note` must be a string, got 3"));
}

// ---------------------------------------------------------------- errors name the row

#[test]
fn a_field_given_by_both_names_is_an_error_naming_the_row() {
    for (name, alias) in OBSERVATION_FIELDS.iter().flat_map(|(n, a)| a.iter().map(|a| (*n, *a))) {
        let mut second = json!({"indicator": "N1", "entity": "1", "period": "2023", "value": 2});
        second[name] = json!("x");
        second[alias] = json!("y");
        let rows = [json!({"indicator": "N1", "entity": "1", "period": "2022", "value": 1}), second];
        let want = format!("the row has both `{name}` and `{alias}`; give one");
        let e = Observations::from_values(&rows).unwrap_err();
        assert_eq!((e.kind(), e.file(), e.row(), e.message()), (ErrorKind::Data, None, Some(2), want.as_str()), "host rows");
        let e = Observations::from_json(&Value::Array(rows.to_vec()).to_string(), "d.json").unwrap_err();
        assert_eq!((e.file(), e.row(), e.message()), (Some("d.json"), Some(2), want.as_str()), "json rows");
        let e = serde_json::from_value::<Observation>(rows[1].clone()).unwrap_err();
        assert_eq!(e.to_string(), want, "serde");
    }
}

#[test]
fn a_csv_header_with_both_names_is_an_error_at_the_second() {
    for (header, column, message) in [
        ("indicator,entity,period,value,kpi", 5, "column `kpi` repeats column 1 (`indicator`); give each column once"),
        ("indicator,entity,period,value,missing,status", 6, "column `status` repeats column 5 (`missing`); give each column once"),
        ("indicator,municipality,period,value,entity", 5, "column `entity` repeats column 2 (`municipality`); give each column once"),
        ("indicator,entity,year,period,value", 4, "column `period` repeats column 3 (`year`); give each column once"),
    ] {
        let e = Observations::from_csv(&format!("{header}\n"), "d.csv").unwrap_err();
        assert_eq!((e.file(), e.line(), e.column(), e.message()), (Some("d.csv"), Some(1), Some(column), message), "{header}");
    }
}

#[test]
fn an_unknown_field_names_the_vocabulary() {
    let want = "unknown field `colour` (expected indicator (or kpi, kpi_id, kpi-id, nyckeltals-id), entity (or municipality, \
                kommun-id, kommunkod, område-id), period (or year, år), gender (or kön), value (or värde), missing (or status, saknas), \
                count, source, note)";
    let rows = [json!({"indicator": "N1", "entity": "1", "period": "2022"}), json!({"indicator": "N1", "colour": "red"})];
    let e = Observations::from_values(&rows).unwrap_err();
    assert_eq!((e.row(), e.message()), (Some(2), want));
    let e = Observations::from_csv("indicator,entity,period,value,colour\n", "d.csv").unwrap_err();
    let want = want.replace("field", "column").replace("note)", "note, or periods such as `2023` for a column per period)");
    assert_eq!((e.column(), e.message()), (Some(5), want.as_str()));
}

#[test]
fn host_row_errors_name_the_row_and_no_file() {
    let ok = json!({"indicator": "N1", "entity": "1", "period": "2022", "value": 1});
    for (bad, message) in [
        (json!({"entity": "1", "period": "2022"}), "the row has no `indicator`"),
        (json!({"kpi": "N1", "entity": "1", "period": "2022", "value": "x"}), "value `x` is not a number (nor empty, `-`, `..` or `.`)"),
        (json!({"kpi": "N1", "entity": "1", "period": "2022", "gender": "Q"}), "gender `Q` is not T, K or M"),
        (json!({"kpi": "N1", "entity": "1", "period": "2022", "status": 3}), "`status` must be a string, got 3"),
        (json!({"kpi": "N1", "entity": "1", "period": "2022", "count": -1}), "count `-1` is not a whole number from 0 to 4294967295"),
        (json!({"kpi": "N1", "entity": " ", "period": "2022"}), "indicator, entity and period must not be empty"),
        (json!("N1"), "a row must be an object, got a string"),
    ] {
        let e = Observations::from_values(&[ok.clone(), bad.clone()]).unwrap_err();
        assert_eq!((e.kind(), e.file(), e.row(), e.message()), (ErrorKind::Data, None, Some(2), message), "{bad}");
    }
    let e = Observations::from_values(&[ok.clone(), json!({"kpi": "N1", "municipality": 1, "year": 2022, "value": 2})]).unwrap_err();
    assert_eq!((e.row(), e.message()), (Some(2), "duplicate value for `N1`, entity `1`, period `2022`, gender T (first at row 1)"));
}

#[test]
fn serde_refuses_a_key_given_twice() {
    let e = serde_json::from_str::<Observation>(r#"{"indicator": "A", "indicator": "B", "entity": "1", "period": "2022"}"#).unwrap_err();
    assert!(e.to_string().starts_with("the key `indicator` appears twice in one object"), "{e}");
}

// ---------------------------------------------------------------- round trips

/// Rows with everything a row can hold: values, gaps with and without a reason, counts,
/// genders, sources, awkward floats and ids a CSV cell must quote.
fn rich_rows() -> Vec<Observation> {
    let mut rows = vec![
        obs("N1", "2380", "2021", Gender::T, Some(0.1 + 0.2)),
        obs("N1", "2380", "2021", Gender::K, Some(-1e-7)),
        obs("N1", "2380", "2021", Gender::M, Some(1e300)),
        obs("N1", "2380", "2022", Gender::T, None),
        obs("N1", "2380", "2023", Gender::T, None),
        obs("N1", "G123", "2022", Gender::T, Some(123_456_789.123_456_79)),
        obs("N\"2\"", "a,b", "2023-T1", Gender::K, Some(-0.5)),
        obs("N3", "0000", "2022", Gender::T, Some(0.0)),
    ];
    rows[3].missing = Some("sekretess".into());
    rows[5].count = Some(12);
    rows[5].source = Some("Kolada".into());
    rows[6].source = Some("two\nlines, \"quoted\"".into());
    rows[7].missing = None;
    rows[7].count = Some(0);
    rows
}

fn follow_ups() -> Vec<AssignmentUpdate> {
    vec![
        AssignmentUpdate::new("A1", "2023-T1", AssignmentStatus::AtRisk),
        AssignmentUpdate::new("A1", "2023-T2", AssignmentStatus::Done).with_comment("klart, \"i tid\"\nrad två"),
        AssignmentUpdate::new("A2", "2023", AssignmentStatus::NotStarted),
    ]
}

/// Every way core writes `data` and every reader that reads it back.
fn written_and_read_back(data: &Observations) -> Vec<(&'static str, Observations)> {
    let host: Vec<Value> = data.rows().map(|r| serde_json::to_value(r).unwrap()).collect();
    let typed: Vec<Observation> = serde_json::from_value(Value::Array(host.clone())).unwrap();
    vec![
        ("to_csv → from_csv", Observations::from_csv(&data.to_csv().unwrap(), "w.csv").unwrap()),
        ("to_json → from_json", Observations::from_json(&data.to_json(), "w.json").unwrap()),
        ("to_json → parse", Observations::parse(&data.to_json(), "W.JSON").unwrap()),
        ("rows → from_values", Observations::from_values(&host).unwrap()),
        ("rows → JSON array → from_json", Observations::from_json(&Value::Array(host.clone()).to_string(), "r.json").unwrap()),
        ("rows → serde → from_rows", Observations::from_rows(typed).unwrap()),
    ]
}

#[test]
fn rows_written_by_core_read_back_equal_in_every_reader() {
    let original = Observations::from_rows(rich_rows()).unwrap();
    assert_eq!(original.rows().collect::<Vec<_>>(), rich_rows(), "the rows are kept as given");
    for (how, back) in written_and_read_back(&original) {
        assert_eq!(back.rows().collect::<Vec<_>>(), original.rows().collect::<Vec<_>>(), "{how}");
    }
}

#[test]
fn every_reader_then_every_writer_gives_equal_rows() {
    let csv = "kpi,municipality,year,gender,value,status,count,source\n\
               N1,2380,2021,T,\"72,5\",,,SCB\nN1,2380,2022,T,..,,,\nN1,2380,2022,K,,bortfall,3,\nN1,G1,2022,M,4,,7,\n";
    let rows = json!([
        {"kpi": "N1", "municipality": 2380, "year": 2021, "value": 72.5, "source": "SCB"},
        {"indicator": "N1", "entity": "2380", "period": "2022", "value": ".."},
        {"indicator": "N1", "entity": "2380", "period": "2022", "gender": "K", "status": "bortfall", "count": 3},
        {"indicator": "N1", "entity": "G1", "period": "2022", "gender": "M", "value": 4, "count": 7},
    ]);
    let kolada = json!({"values": [
        {"kpi": "N1", "municipality": "2380", "period": 2021, "values": [{"gender": "T", "value": 72.5, "status": ""}]},
        {"kpi": "N1", "municipality": "2380", "period": 2022, "values": [
            {"gender": "T", "value": null, "status": "sekretess"},
            {"gender": "K", "value": null, "status": "bortfall", "count": 3}]},
        {"kpi": "N1", "municipality": "G1", "period": 2022, "isdeleted": true},
    ]});
    let readers = [
        ("csv", Observations::from_csv(csv, "d.csv").unwrap()),
        ("json rows", Observations::from_json(&rows.to_string(), "d.json").unwrap()),
        ("host rows", Observations::from_values(rows.as_array().unwrap()).unwrap()),
        ("kolada", Observations::from_json(&kolada.to_string(), "k.json").unwrap()),
    ];
    let mut gap = obs("N1", "2380", "2022", Gender::T, None);
    gap.missing = Some("sekretess".into());
    let mut women = obs("N1", "2380", "2022", Gender::K, None);
    women.missing = Some("bortfall".into());
    women.count = Some(3);
    let mut first = obs("N1", "2380", "2021", Gender::T, Some(72.5));
    first.source = Some("SCB".into());
    let mut group = obs("N1", "G1", "2022", Gender::M, Some(4.0));
    group.count = Some(7);
    let tidy = vec![first.clone(), gap.clone(), women.clone(), group];
    for (reader, data) in &readers {
        if *reader == "kolada" {
            let kolada_rows: Vec<Observation> = [first.clone(), gap.clone(), women.clone()]
                .into_iter()
                .map(|o| Observation { source: Some("Kolada".into()), ..o })
                .chain([Observation {
                    missing: Some("deleted".into()),
                    source: Some("Kolada".into()),
                    ..obs("N1", "G1", "2022", Gender::T, None)
                }])
                .collect();
            assert_eq!(data.rows().collect::<Vec<_>>(), kolada_rows, "{reader}");
        } else {
            assert_eq!(data.rows().collect::<Vec<_>>(), tidy, "{reader}");
        }
        for (how, back) in written_and_read_back(data) {
            assert_eq!(back.rows().collect::<Vec<_>>(), data.rows().collect::<Vec<_>>(), "{reader}, {how}");
        }
    }
}

#[test]
fn an_id_with_a_line_break_is_written_as_json_but_not_as_csv() {
    let data = Observations::from_rows(vec![obs("N1", "1", "2022", Gender::T, Some(1.0)), obs("N1", "a\nb", "2022", Gender::T, Some(2.0))])
        .unwrap();
    let e = data.to_csv().unwrap_err();
    assert_eq!(
        (e.kind(), e.row(), e.message()),
        (ErrorKind::Data, Some(2), "the `entity` `a\\nb` holds a line break, which a CSV id cell cannot hold; write JSON")
    );
    assert_eq!(Observations::from_json(&data.to_json(), "w.json").unwrap().rows().collect::<Vec<_>>(), data.rows().collect::<Vec<_>>());
}

#[test]
fn an_empty_set_writes_and_reads_back_empty() {
    let empty = Observations::default();
    assert_eq!(empty.to_csv().unwrap(), "indicator,entity,period,gender,value,missing,count,source\n");
    assert_eq!(empty.to_json(), r#"{"observations":[],"assignments":[]}"#);
    assert_eq!(empty.assignments_to_csv(), "assignment,period,status,comment\n");
    for (how, back) in written_and_read_back(&empty) {
        assert!(back.is_empty() && back.assignment_updates().is_empty(), "{how}");
    }
}

// ---------------------------------------------------------------- follow-ups

#[test]
fn typed_follow_ups_equal_what_every_reader_reads() {
    let typed = Observations::default().with_assignments(follow_ups()).unwrap();
    assert_eq!(typed.assignment_updates(), follow_ups());
    let host: Vec<Value> = follow_ups().iter().map(|u| serde_json::to_value(u).unwrap()).collect();
    let csv = typed.assignments_to_csv();
    assert_eq!(
        csv,
        "assignment,period,status,comment\nA1,2023-T1,at_risk,\nA1,2023-T2,done,\"klart, \"\"i tid\"\"\nrad två\"\nA2,2023,not_started,\n"
    );
    let back = [
        ("assignments_to_csv → from_csv", Observations::from_csv(&csv, "a.csv").unwrap()),
        ("to_json → from_json", Observations::from_json(&typed.to_json(), "a.json").unwrap()),
        ("host rows → from_assignment_values", Observations::from_assignment_values(&host).unwrap()),
        (
            "serde → with_assignments",
            Observations::default().with_assignments(serde_json::from_value(Value::Array(host.clone())).unwrap()).unwrap(),
        ),
    ];
    for (how, data) in back {
        assert_eq!(data.assignment_updates(), follow_ups(), "{how}");
    }
}

#[test]
fn rows_and_follow_ups_together_round_trip_through_json() {
    let data = Observations::from_rows(rich_rows()).unwrap().with_assignments(follow_ups()).unwrap();
    let back = Observations::from_json(&data.to_json(), "w.json").unwrap();
    assert_eq!((back.rows().collect::<Vec<_>>(), back.assignment_updates()), (data.rows().collect::<Vec<_>>(), data.assignment_updates()));
}

#[test]
fn follow_ups_from_text_and_their_errors() {
    let u = AssignmentUpdate::from_text("A1", "2023-T2", "on_track", "ok").unwrap();
    assert_eq!(u, AssignmentUpdate::new("A1", "2023-T2", AssignmentStatus::OnTrack).with_comment("ok"));
    let e = AssignmentUpdate::from_text("A1", "2023", "late", "").unwrap_err();
    assert_eq!((e.kind(), e.message()), (ErrorKind::Data, "status `late` is not one of done, on_track, at_risk, not_done, not_started"));

    let mut data = Observations::default();
    let e = data.add_assignment(AssignmentUpdate::new("A1", " ", AssignmentStatus::Done)).unwrap_err();
    assert_eq!((e.kind(), e.message()), (ErrorKind::Data, "assignment and period must not be empty"));
    assert!(data.assignment_updates().is_empty(), "a refused follow-up is not added");
    let e = Observations::default()
        .with_assignments(vec![
            AssignmentUpdate::new("A1", "2023", AssignmentStatus::Done),
            AssignmentUpdate::new("", "2023", AssignmentStatus::Done),
        ])
        .unwrap_err();
    assert_eq!((e.row(), e.message()), (Some(2), "assignment and period must not be empty"));
    data.add_assignment(AssignmentUpdate::new(" A1 ", "2023", AssignmentStatus::Done).with_comment(" c ")).unwrap();
    assert_eq!(data.assignment_updates(), [AssignmentUpdate::new("A1", "2023", AssignmentStatus::Done).with_comment("c")]);

    let ok = json!({"assignment": "A1", "period": 2023, "status": "done"});
    for (bad, message) in [
        (
            json!({"assignment": "A1", "period": "2023", "status": "done", "coment": "x"}),
            "unknown field `coment` in an assignment follow-up (expected assignment, period, status, comment)",
        ),
        (json!({"assignment": "A1", "period": "2023"}), "the follow-up has no `status`"),
        (json!({"assignment": "A1", "status": "done"}), "the follow-up has no `period`"),
        (
            json!({"assignment": "A1", "period": "2023", "status": "late"}),
            "status `late` is not one of done, on_track, at_risk, not_done, not_started",
        ),
        (json!([1]), "a follow-up must be an object, got an array"),
    ] {
        let e = Observations::from_assignment_values(&[ok.clone(), bad.clone()]).unwrap_err();
        assert_eq!((e.kind(), e.file(), e.row(), e.message()), (ErrorKind::Data, None, Some(2), message), "{bad}");
        let e = Observations::from_json(&json!({"assignments": [ok.clone(), bad.clone()]}).to_string(), "a.json").unwrap_err();
        assert_eq!((e.file(), e.row(), e.message()), (Some("a.json"), Some(2), message), "{bad} in JSON");
    }
    assert_eq!(Observations::from_assignment_values(&[ok]).unwrap().assignment_updates()[0].period, "2023");
}

// ---------------------------------------------------------------- rule test files

/// A plan whose indicator `A` is attained at 1 or more in 2022, and a plan case with `rows`
/// expecting `expect` with a reason containing `reason`.
fn plan_case_files(rows: &str, expect: &str, reason: &str) -> attain_core::PlanFiles {
    let plan = "[plan]\nid = \"p\"\ntitle = \"P\"\n[[indicator]]\nid = \"A\"\ntitle = \"A\"\nrule = \"target\"\ntargets = { 2022 = 1 }\n";
    let case = format!(
        "[[plan_case]]\nname = \"p\"\nentity = \"1\"\nperiod = \"2022\"\nobservations = [{rows}]\nexpect_indicators = {{ A = \"{expect}\" }}\n\
         expect_reasons_contain = {{ A = \"{reason}\" }}\n"
    );
    attain_core::PlanFiles::from([("plan.toml".to_string(), plan.to_string()), ("tests/a.test.toml".to_string(), case)])
}

#[test]
fn a_plan_case_reads_rows_in_the_same_vocabulary() {
    let files = plan_case_files("{ kpi = \"A\", municipality = \"1\", year = \"2022\", value = 5, note = \"n\" }", "attained", "5");
    let report = attain_core::run_rule_tests_in(&files).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0), "{:?}", report.cases);
    let files = plan_case_files(
        "{ indicator = \"A\", entity = \"1\", period = \"2022\", status = \"sekretess\" }",
        "no_data",
        "missing (sekretess)",
    );
    let report = attain_core::run_rule_tests_in(&files).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0), "{:?}", report.cases);
    let files = plan_case_files("{ indicator = \"A\", kpi = \"A\", entity = \"1\", period = \"2022\", value = 5 }", "attained", "5");
    let e = attain_core::run_rule_tests_in(&files).unwrap_err();
    assert_eq!((e.kind(), e.file()), (ErrorKind::Test, Some("tests/a.test.toml")), "{e}");
    assert!(e.message().contains("duplicate field `indicator`"), "{e}");
}

// ---------------------------------------------------------------- host columns (a data frame's)

fn column(name: &str, cells: &[serde_json::Value]) -> (String, Vec<serde_json::Value>) {
    (name.to_string(), cells.to_vec())
}

#[test]
fn host_columns_read_in_the_one_vocabulary() {
    use serde_json::json;
    let columns = vec![
        column("kpi", &[json!("N1"), json!("N1")]),
        column("municipality", &[json!(2380), json!("2380")]),
        column("year", &[json!(2022), json!("2023")]),
        column("value", &[json!(72.5), json!(null)]),
        column("status", &[json!(null), json!("bortfall")]),
    ];
    let data = attain_core::Observations::from_host_columns(columns).unwrap();
    let rows: Vec<_> = data.rows().collect();
    assert_eq!((rows[0].entity.as_str(), rows[0].period.as_str(), rows[0].value), ("2380", "2022", Some(72.5)));
    assert_eq!((rows[1].value, rows[1].missing.as_deref()), (None, Some("bortfall")));
}

#[test]
fn host_columns_refuse_what_a_csv_header_refuses_and_name_the_row() {
    use serde_json::json;
    let base = || vec![column("indicator", &[json!("I")]), column("entity", &[json!("1")]), column("period", &[json!("2022")])];
    let err = |columns: Vec<(String, Vec<serde_json::Value>)>| attain_core::Observations::from_host_columns(columns).unwrap_err();
    let e = err(base());
    assert_eq!((e.code(), e.message()), (attain_core::Code::DataMissingColumn, "the header has no `value` column"));
    let mut unknown = base();
    unknown.push(column("colour", &[json!("red")]));
    assert_eq!(err(unknown).code(), attain_core::Code::DataUnknownColumn);
    let mut twice = base();
    twice.push(column("value", &[json!(1)]));
    twice.push(column("kpi", &[json!("J")]));
    assert_eq!(err(twice).message(), "the columns `indicator` and `kpi` are the same field; give one");
    let mut short = base();
    short.push(column("value", &[json!(1), json!(2)]));
    assert!(err(short).message().starts_with("the columns have different lengths"));
    let mut bad = base();
    bad.push(column("value", &[json!("many")]));
    let e = err(bad);
    assert_eq!((e.row(), e.message()), (Some(1), "value `many` is not a number (nor empty, `-`, `..` or `.`)"));
}

#[test]
fn nan_in_a_host_columns_value_is_a_gap_as_a_data_frame_means_it() {
    use serde::de::value::{Error as E, F64Deserializer};
    let cells = |xs: &[f64]| xs.iter().map(|&x| F64Deserializer::<E>::new(x)).collect::<Vec<_>>();
    let columns = vec![
        ("indicator".to_string(), cells(&[1.0, 1.0])),
        ("entity".to_string(), cells(&[2380.0, 2380.0])),
        ("period".to_string(), cells(&[2022.0, 2023.0])),
        ("value".to_string(), cells(&[f64::NAN, 5.0])),
    ];
    let data = attain_core::Observations::from_host_columns(columns).unwrap();
    assert_eq!(data.rows().map(|r| r.value).collect::<Vec<_>>(), [None, Some(5.0)]);
    let columns = vec![
        ("indicator".to_string(), cells(&[1.0])),
        ("entity".to_string(), cells(&[f64::NAN])),
        ("period".to_string(), cells(&[2022.0])),
        ("value".to_string(), cells(&[1.0])),
    ];
    let e = attain_core::Observations::from_host_columns(columns).unwrap_err();
    assert_eq!((e.row(), e.code()), (Some(1), attain_core::Code::DataNotFinite), "{e}");
}
