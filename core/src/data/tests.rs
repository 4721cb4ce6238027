//! Unit tests of the data readers.

use super::*;
use crate::error::Code;

#[test]
fn kolada_markers_are_gaps_with_reasons() {
    let d = Observations::from_csv("kpi,municipality,period,gender,value\nX,1,2020,T,..\nX,1,2021,T,-\nX,1,2022,T,3.5\n", "k.csv").unwrap();
    assert_eq!(d.row(0).unwrap().value, None);
    assert_eq!(d.row(0).unwrap().missing.as_deref(), Some("sekretess"));
    assert_eq!(d.row(1).unwrap().missing.as_deref(), Some("bortfall"));
    assert_eq!(d.row(2).unwrap().value, Some(3.5));
}

#[test]
fn nan_and_infinity_are_refused_with_their_row() {
    for bad in ["NaN", "inf", "-infinity"] {
        let e = Observations::from_csv(&format!("indicator,entity,period,gender,value\nX,1,2020,T,1\nX,1,2021,T,{bad}\n"), "d.csv")
            .unwrap_err();
        assert_eq!(e.row(), Some(2), "{bad}");
        assert_eq!(e.line(), Some(3));
        assert_eq!(e.column(), Some(5));
        assert!(e.message().contains("not a finite number") || e.message().contains("not a number"), "{e}");
    }
}

#[test]
fn kolada_v2_and_v3_shapes_read() {
    let v2 = r#"{"count":1,"values":[{"kpi":"N15428","municipality":"0138","period":2023,"values":[{"count":1,"gender":"T","status":"","value":74.1},{"count":1,"gender":"K","status":"","value":77.0}]}]}"#;
    let d = Observations::from_json(v2, "k.json").unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d.row(1).unwrap().gender, Gender::K);
    assert_eq!(d.row(0).unwrap().period, "2023");
    let v3 = r#"{"values":[{"kpi":"N1","municipality":"0000","period":"2022","isdeleted":false,"values":[{"gender":"T","value":null,"status":"Missing"}]}]}"#;
    let d = Observations::from_json(v3, "k.json").unwrap();
    assert_eq!(d.row(0).unwrap().missing.as_deref(), Some("Missing"));
}

#[test]
fn a_csv_header_in_any_order_and_by_aliases_reads_every_field() {
    let text = "source,count,status,value,gender,year,municipality,kpi,note\n\
                Kolada,3,,12.5,K,2022,2380,N1,a comment\n\
                ,,bortfall,..,M,2023, 2380 ,N1,\n";
    let d = Observations::from_csv(text, "any-order.csv").unwrap();
    let row = |period: &str, gender, value, missing: Option<&str>, count, source: Option<&str>| Observation {
        indicator: "N1".into(),
        entity: "2380".into(),
        period: period.into(),
        gender,
        value,
        missing: missing.map(str::to_string),
        count,
        source: source.map(str::to_string),
    };
    assert_eq!(
        d.rows().collect::<Vec<_>>(),
        [
            row("2022", Gender::K, Some(12.5), None, Some(3), Some("Kolada")),
            // A reason given wins over Kolada's marker (`..`, sekretess) in the value.
            row("2023", Gender::M, None, Some("bortfall"), None, None),
        ]
    );
}

#[test]
fn csv_header_errors_come_unknown_first_then_repeated_then_missing_at_their_column() {
    let cases = [
        ("indicator,colour,indicator\n", Code::DataUnknownColumn, 2, "unknown column `colour`"),
        ("indicator,kpi,period\n", Code::DataDuplicateColumn, 2, "column `kpi` repeats column 1 (`indicator`); give each column once"),
        ("value,period\n", Code::DataMissingColumn, 1, "the header has no `indicator` column"),
        ("indicator,period,value\n", Code::DataMissingColumn, 1, "the header has no `entity` column"),
        ("indicator,entity,value\n", Code::DataMissingColumn, 1, "the header has no `period` column"),
        ("indicator,entity,period\n", Code::DataMissingColumn, 1, "the header has no `value` column"),
    ];
    for (text, code, column, message) in cases {
        let e = Observations::from_csv(text, "h.csv").unwrap_err();
        assert_eq!((e.code(), e.file(), e.line(), e.column(), e.row()), (code, Some("h.csv"), Some(1), Some(column), None), "{text}");
        assert!(e.message().starts_with(message), "{text}: {e}");
    }
}

#[test]
fn a_bad_csv_cell_is_placed_at_its_file_line_column_and_row() {
    let head = "indicator,entity,period,value,gender,count\nI,1,2021,1,T,\n";
    let cases = [
        ("I,1,2022,x,T,\n", Code::DataInvalidValue, 4, "value `x` is not a number (nor empty, `-`, `..` or `.`)"),
        ("I,1,2022,1,X,\n", Code::DataInvalidGender, 5, "gender `X` is not T, K or M"),
        ("I,1,2022,1,T,-1\n", Code::DataInvalidCount, 6, "count `-1` is not a whole number from 0 to 4294967295"),
        // An error of the row as a whole (an empty id) is placed at its first column.
        ("I, ,2022,1,T,\n", Code::DataEmptyId, 1, "indicator, entity and period must not be empty"),
    ];
    for (row, code, column, message) in cases {
        let e = Observations::from_csv(&format!("{head}{row}"), "c.csv").unwrap_err();
        assert_eq!((e.code(), e.file(), e.line(), e.column(), e.row()), (code, Some("c.csv"), Some(3), Some(column), Some(2)), "{row}");
        assert_eq!(e.message(), message);
    }
}

/// A Kolada response read as the text streams, and read whole into a `Value` first (the path
/// of `from_json_value`, and of `from_json` before it streamed): the same rows, or the same
/// error (code, message, file, line, column and row), in the same order of precedence.
#[test]
fn a_streamed_kolada_response_reads_as_the_parsed_value_does() {
    let whole = |text: &str| -> Result<Vec<Observation>> {
        let v: strict::Strict = serde_json::from_str(text)
            .map_err(|e| Error::new(Code::DataMalformedJson, format!("malformed JSON: {e}")).in_file("k.json").at(e.line(), e.column()))?;
        Ok(Observations::from_json_value(&v.0, "k.json")?.rows().collect())
    };
    let item = r#"{"kpi":"N1","municipality":"0001","period":2023,"values":[{"gender":"T","value":1.5,"count":2},{"gender":"K","value":"..","status":""}]}"#;
    let cases = [
        format!(r#"{{"count":1,"values":[{item}]}}"#),
        format!(r#"{{"values":[{item}],"next_page":null}}"#),
        r#"{"values":[{"kpi":"N\u00e91","municipality":"0001","period":"2023","values":[{"gender":"M","value":"85,5"}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"isdeleted":true}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"is_deleted":1,"values":null}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":2,"isdeleted":true},{"gender":"K","value":3}]}]}"#
            .to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":null,"status":"Missing","count":"7"}]}]}"#
            .to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023.0,"values":[{"value":1e2,"count":3.0}]}]}"#.to_string(),
        // Errors: an item, a field, a value and a deletion mark of the wrong kind.
        r#"{"values":[[1]]}"#.to_string(),
        r#"{"values":[{"municipality":"1","period":2023,"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":["N1"],"municipality":"1","period":2023,"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023.5,"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[1]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"gender":"X","value":1}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"gender":{"a":[1]},"value":1}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":true}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":"abc"}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":1,"count":-1}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":1,"status":5}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"isdeleted":"yes","values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":" ","municipality":"1","period":2023,"values":[{"value":1}]}]}"#.to_string(),
        // A duplicate row, and a bad item before malformed JSON or a key given twice (the JSON wins).
        format!(r#"{{"values":[{item},{item}]}}"#),
        format!(r#"{{"values":[[1],{item}"#),
        r#"{"values":[[1],{"kpi":"N1","kpi":"N2"}]}"#.to_string(),
        format!(r#"{{"values":[{item}],"values":[]}}"#),
        format!(r#"{{"values":[{item}]}} x"#),
        // Keys the reader does not use (checked as JSON all the same), escaped keys, and keys
        // given twice among the known ones, the unknown ones and inside an unknown one.
        r#"{"values":[{"kpi":"N1","id":{"a":[1,{"b":2}]},"municipality":"1","period":2023,"values":[{"gender":"K","value":1,"x":[null]}]}]}"#
            .to_string(),
        r#"{"values":[{"kp\u0069":"N1","municipality":"1","period":2023,"values":[{"v\u0061lue":2,"status":null,"count":null}]}]}"#
            .to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":1,"value":2}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","x":1,"municipality":"1","x":2,"period":2023,"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","x":{"a":1,"a":2},"municipality":"1","period":2023,"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[],"values":[]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":{"gender":"T"}}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"values":[{"value":1,"is_deleted":2}]}]}"#.to_string(),
        r#"{"values":[{"kpi":"N1","municipality":"1","period":2023,"isdeleted":false,"is_deleted":0,"values":[{"value":1,"isdeleted":null}]}]}"#
            .to_string(),
        format!(
            r#"{{"values":[{{"kpi":"N1","municipality":"1","period":2023,{}"values":[{{"value":1}}],"k3":0}}]}}"#,
            (0..20).map(|i| format!(r#""k{i}":{i},"#)).collect::<String>()
        ),
        // Not a Kolada response: read as a value, as before.
        r#"{"values":{"kpi":"N1"}}"#.to_string(),
        r#"{"observations":[],"other":1}"#.to_string(),
        r#"[{"indicator":"N1","entity":"1","period":"2023","value":1}]"#.to_string(),
        r#""text""#.to_string(),
    ];
    for text in &cases {
        let streamed = Observations::from_json(text, "k.json").map(|d| d.rows().collect::<Vec<_>>());
        assert_eq!(streamed, whole(text), "{text}");
    }
    // The cases do reach both outcomes.
    assert!(cases.iter().filter(|t| whole(t).is_ok()).count() >= 8);
    assert!(cases.iter().filter(|t| whole(t).is_err()).count() >= 15);
}

#[test]
fn rows_in_key_order_keep_no_permutation_and_others_are_sorted() {
    let csv = "indicator,entity,period,gender,value,missing,source\nA,1,2020,T,1,,\nA,1,2021,T,,why,\nA,2,2020,T,2,,s\n";
    let d = Observations::from_csv(csv, "d.csv").unwrap();
    assert!(matches!(*d.sorted(), store::Order::AsRead(3)));
    let shuffled = "indicator,entity,period,gender,value\nA,2,2020,T,2\nA,1,2021,T,3\nA,1,2020,T,1\n";
    let e = Observations::from_csv(shuffled, "e.csv").unwrap();
    let order = e.sorted();
    assert!(matches!(*order, store::Order::Rows(_)));
    assert_eq!((0..order.len()).map(|i| order.at(i)).collect::<Vec<_>>(), [0, 2, 1], "by entity id (first met), then period");
    let index = e.index();
    let series: Vec<_> = index.series("A", "1", Gender::T).unwrap().iter().map(|p| (p.period, p.value)).collect();
    assert_eq!(series, [("2020", Some(1.0)), ("2021", Some(3.0))]);
    assert_eq!(index.value_at("A", "2", Gender::T, "2020"), Some(2.0));
    assert_eq!(index.value_at("A", "1", Gender::T, "2022"), None);
    assert_eq!(index.ranked_at("A", "2020", Gender::T), Some(&[1.0, 2.0][..]));
    assert!(index.series("A", "3", Gender::T).is_none() && index.series("B", "1", Gender::T).is_none());
    // Reasons and sources kept up to the last row with one, across a merge either way round.
    let (a, b) = (d.row(1).unwrap(), d.row(2).unwrap());
    assert_eq!((a.missing.as_deref(), a.source.as_deref(), b.source.as_deref()), (Some("why"), None, Some("s")));
    let mut m = e.clone();
    m.merge(Observations::from_csv(&csv.replace("A,", "B,"), "f.csv").unwrap());
    let rows: Vec<_> = m.rows().map(|r| (r.missing, r.source)).collect();
    assert_eq!(rows[3..], [(None, None), (Some("why".into()), None), (None, Some("s".into()))]);
    assert!(rows[..3].iter().all(|r| *r == (None, None)));
    let mut n = d.clone();
    n.merge(e.clone());
    n.set_value("A", "1", "2021", Gender::T, Some(4.0)).unwrap();
    assert_eq!(n.row(1).unwrap().missing, None);
    assert!(n.rows().skip(3).all(|r| r.missing.is_none() && r.source.is_none()));
}
