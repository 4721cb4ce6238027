//! The Kolada API response reader (v2 and v3): each item's values, withdrawn values as gaps.

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use serde_json::Value;

use super::Observations;
use super::read_json::{json_count, json_id, json_text, json_value};
use super::row::gender_error;
use super::store::RowParts;

impl Observations {
    pub(super) fn read_kolada(&mut self, values: &[Value], file: &str) -> Result<()> {
        let mut items = Vec::with_capacity(values.len());
        for (i, item) in values.iter().enumerate() {
            let row = i + 1;
            items.push(self.store.len());
            let err = |e: Error| e.prefixed(&format!("item {row}: ")).in_file(file).at_row(row);
            let Value::Object(m) = item else { return Err(err(Error::new(Code::DataInvalidType, "a Kolada value must be an object"))) };
            let text = |k: &str| -> Result<String> {
                json_id(m.get(k), k)
                    .map_err(err)?
                    .ok_or_else(|| err(Error::new(Code::DataMissingField, format!("the Kolada value has no `{k}`"))))
            };
            let (kpi, mun, period) = (text("kpi")?, text("municipality")?, text("period")?);
            let item_deleted = deleted(m).map_err(err)?;
            let vals = match m.get("values") {
                Some(Value::Array(vals)) => vals.as_slice(),
                // A withdrawn item may come without its values: one gap with the reason.
                None | Some(Value::Null) if item_deleted => &[][..],
                _ => return Err(err(Error::new(Code::DataMissingField, "the Kolada value has no `values` array"))),
            };
            if vals.is_empty() && item_deleted {
                self.push_row(RowParts {
                    indicator: &kpi,
                    entity: &mun,
                    period: &period,
                    gender: Gender::T,
                    value: None,
                    missing: Some("deleted"),
                    count: None,
                    source: Some("Kolada"),
                })
                .map_err(err)?;
                continue;
            }
            for (j, v) in vals.iter().enumerate() {
                let err = |e: Error| e.prefixed(&format!("item {row}, value {}: ", j + 1)).in_file(file).at_row(row);
                let Value::Object(g) = v else {
                    return Err(err(Error::new(Code::DataInvalidType, "each entry of `values` must be an object")));
                };
                let gender = match g.get("gender") {
                    None | Some(Value::Null) => Gender::T,
                    Some(Value::String(s)) => Gender::parse(s).ok_or_else(|| err(gender_error(s)))?,
                    Some(other) => return Err(err(Error::new(Code::DataInvalidType, format!("gender must be a string, got {other}")))),
                };
                let (value, mut missing) = json_value(g.get("value")).map_err(err)?;
                let status = json_text(g.get("status"), "status").map_err(err)?.filter(|s| !s.is_empty());
                if value.is_none() && status.is_some() {
                    missing = status;
                }
                let count = json_count(g.get("count")).map_err(err)?;
                // Kolada marks a withdrawn value per value (or for the whole item): a gap with
                // the reason, for its own gender.
                let (value, missing) =
                    if item_deleted || deleted(g).map_err(err)? { (None, Some("deleted")) } else { (value, missing.as_deref()) };
                self.push_row(RowParts {
                    indicator: &kpi,
                    entity: &mun,
                    period: &period,
                    gender,
                    value,
                    missing,
                    count,
                    source: Some("Kolada"),
                })
                .map_err(err)?;
            }
        }
        if let Some(last) = self.sources.last_mut() {
            last.items = Some(items.into());
        }
        Ok(())
    }
}

/// Kolada's deletion mark (`isdeleted`, or `is_deleted` as 0/1) on an item or a value.
fn deleted(m: &serde_json::Map<String, Value>) -> Result<bool> {
    let mut any = false;
    for key in ["isdeleted", "is_deleted"] {
        any |= match m.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
            Some(other) => return Err(Error::new(Code::DataInvalidType, format!("`{key}` must be true or false, got {other}"))),
        };
    }
    Ok(any)
}
