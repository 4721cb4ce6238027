//! Unit tests of the data readers.

use super::*;

#[test]
fn kolada_markers_are_gaps_with_reasons() {
    let d = Observations::from_csv("kpi,municipality,period,gender,value\nX,1,2020,T,..\nX,1,2021,T,-\nX,1,2022,T,3.5\n", "k.csv").unwrap();
    assert_eq!(d.rows()[0].value, None);
    assert_eq!(d.rows()[0].missing.as_deref(), Some("sekretess"));
    assert_eq!(d.rows()[1].missing.as_deref(), Some("bortfall"));
    assert_eq!(d.rows()[2].value, Some(3.5));
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
    assert_eq!(d.rows().len(), 2);
    assert_eq!(d.rows()[1].gender, Gender::K);
    assert_eq!(d.rows()[0].period, "2023");
    let v3 = r#"{"values":[{"kpi":"N1","municipality":"0000","period":"2022","isdeleted":false,"values":[{"gender":"T","value":null,"status":"Missing"}]}]}"#;
    let d = Observations::from_json(v3, "k.json").unwrap();
    assert_eq!(d.rows()[0].missing.as_deref(), Some("Missing"));
}
