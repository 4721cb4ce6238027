//! The Kolada API response reader (v2 and v3): each item's values, withdrawn values as gaps.
//!
//! Each item is read as an `Item` (kolada_item.rs: the fields used, their strings borrowed) and
//! goes straight into the store: the streaming reader (read_json_stream.rs) hands over the items
//! as the text is read, and a parsed `Value` tree is viewed item by item the same way, so both
//! read one way.

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use serde_json::Value;
use std::borrow::Cow;

use super::Observations;
use super::kolada_item::{Entry, Item, Values};
use super::lite::Lite;
use super::read_json::{count_text, json_count, json_id, json_text, json_value};
use super::row::{gender_error, parse_value};
use super::store::{RowParts, Store};

impl Observations {
    pub(super) fn read_kolada(&mut self, values: &[Value], file: &str) -> Result<()> {
        let mut items = Vec::with_capacity(values.len());
        let store = self.store_mut();
        for (i, item) in values.iter().enumerate() {
            read_kolada_item(store, &Item::of(Lite::of(item)), i + 1, file, &mut items)?;
        }
        self.end_kolada(items);
        Ok(())
    }

    /// Keeps where each item's rows start, for errors that name an item (a duplicate).
    pub(super) fn end_kolada(&mut self, items: Vec<usize>) {
        if let Some(last) = self.sources.last_mut() {
            last.items = Some(items.into());
        }
    }
}

/// Item `row` (1-based) of `values`: its rows pushed, its start added to `items`.
pub(super) fn read_kolada_item(store: &mut Store, item: &Item<'_>, row: usize, file: &str, items: &mut Vec<usize>) -> Result<()> {
    items.push(store.len());
    let err = |e: Error| e.prefixed(&format!("item {row}: ")).in_file(file).at_row(row);
    if !item.obj {
        return Err(err(Error::new(Code::DataInvalidType, "a Kolada value must be an object")));
    }
    let item = &item.fields;
    let kpi = required(&item.kpi, "kpi").map_err(err)?;
    let mun = required(&item.municipality, "municipality").map_err(err)?;
    let period = required(&item.period, "period").map_err(err)?;
    let item_deleted = deleted(&item.isdeleted, &item.is_deleted).map_err(err)?;
    let vals = match &item.values {
        Values::Arr => item.entries.as_slice(),
        // A withdrawn item may come without its values: one gap with the reason.
        Values::Absent if item_deleted => &[][..],
        Values::Other(v) if v.is_null() && item_deleted => &[][..],
        _ => return Err(err(Error::new(Code::DataMissingField, "the Kolada value has no `values` array"))),
    };
    if vals.is_empty() && item_deleted {
        let row = RowParts {
            indicator: &kpi,
            entity: &mun,
            period: &period,
            gender: Gender::T,
            value: None,
            missing: Some("deleted"),
            count: None,
            source: Some("Kolada"),
        };
        return push(store, row).map_err(err);
    }
    for (j, v) in vals.iter().enumerate() {
        let err = |e: Error| e.prefixed(&format!("item {row}, value {}: ", j + 1)).in_file(file).at_row(row);
        let Entry::Obj(v) = v else {
            return Err(err(Error::new(Code::DataInvalidType, "each entry of `values` must be an object")));
        };
        let gender = match &v.gender {
            None => Gender::T,
            Some(Lite::Str(s)) => Gender::parse(s).ok_or_else(|| err(gender_error(s)))?,
            Some(g) if g.is_null() => Gender::T,
            Some(other) => {
                return Err(err(Error::new(Code::DataInvalidType, format!("gender must be a string, got {}", other.to_value()))));
            }
        };
        let (value, mut missing) = lite_value(v.value.as_ref()).map_err(err)?;
        let status = lite_text(v.status.as_ref(), "status").map_err(err)?.filter(|s| !s.is_empty());
        if value.is_none() && status.is_some() {
            missing = status.map(Cow::Borrowed);
        }
        let count = lite_count(v.count.as_ref()).map_err(err)?;
        // Kolada marks a withdrawn value per value (or for the whole item): a gap with
        // the reason, for its own gender.
        let (value, missing) = if item_deleted || deleted(&v.isdeleted, &v.is_deleted).map_err(err)? {
            (None, Some("deleted"))
        } else {
            (value, missing.as_deref())
        };
        let row = RowParts { indicator: &kpi, entity: &mun, period: &period, gender, value, missing, count, source: Some("Kolada") };
        push(store, row).map_err(err)?;
    }
    Ok(())
}

/// Pushes a row checked as every reader checks it.
fn push(store: &mut Store, row: RowParts<'_>) -> Result<()> {
    let row = super::checked(row, store.len())?;
    store.push(row);
    Ok(())
}

/// An id the item must have.
fn required<'a>(v: &'a Option<Lite<'_>>, name: &str) -> Result<Cow<'a, str>> {
    lite_id(v.as_ref(), name)?.ok_or_else(|| Error::new(Code::DataMissingField, format!("the Kolada value has no `{name}`")))
}

/// An id: a string as it is, anything else as `json_id` reads it.
fn lite_id<'a>(v: Option<&'a Lite<'_>>, name: &str) -> Result<Option<Cow<'a, str>>> {
    match v {
        None => Ok(None),
        Some(Lite::Str(s)) => Ok(Some(Cow::Borrowed(s))),
        Some(other) => Ok(json_id(Some(&other.to_value()), name)?.map(Cow::Owned)),
    }
}

/// An optional text: a string, or `null` as absent.
fn lite_text<'a>(v: Option<&'a Lite<'_>>, name: &str) -> Result<Option<&'a str>> {
    match v {
        None => Ok(None),
        Some(Lite::Str(s)) => Ok(Some(s)),
        // Not a string: `null` is absent, anything else the error `json_text` gives.
        Some(other) => json_text(Some(&other.to_value()), name).map(|_| None),
    }
}

/// The value: a number, a numeric string or one of Kolada's markers (kept as the reason).
fn lite_value<'a>(v: Option<&Lite<'_>>) -> Result<(Option<f64>, Option<Cow<'a, str>>)> {
    match v {
        None => Ok((None, None)),
        Some(Lite::Str(s)) => parse_value(s, crate::locale::DecimalMark::Either).map(|(v, why)| (v, why.map(Cow::Borrowed))),
        Some(Lite::Scalar(x)) => json_value(Some(x)).map(|(v, why)| (v, why.map(Cow::Owned))),
        Some(other) => json_value(Some(&other.to_value())).map(|(v, why)| (v, why.map(Cow::Owned))),
    }
}

fn lite_count(v: Option<&Lite<'_>>) -> Result<Option<u32>> {
    match v {
        None => Ok(None),
        Some(Lite::Str(s)) => count_text(s),
        Some(Lite::Scalar(x)) => json_count(Some(x)),
        Some(other) => json_count(Some(&other.to_value())),
    }
}

/// Kolada's deletion mark (`isdeleted`, or `is_deleted` as 0/1) on an item or a value.
fn deleted(isdeleted: &Option<Lite<'_>>, is_deleted: &Option<Lite<'_>>) -> Result<bool> {
    let mut any = false;
    for (key, v) in [("isdeleted", isdeleted), ("is_deleted", is_deleted)] {
        any |= match v {
            None => false,
            Some(Lite::Scalar(Value::Null)) => false,
            Some(Lite::Scalar(Value::Bool(b))) => *b,
            Some(Lite::Scalar(Value::Number(n))) if n.as_u64() == Some(0) => false,
            Some(Lite::Scalar(Value::Number(n))) if n.as_u64() == Some(1) => true,
            Some(other) => {
                return Err(Error::new(Code::DataInvalidType, format!("`{key}` must be true or false, got {}", other.to_value())));
            }
        };
    }
    Ok(any)
}
