//! `Lite`: one Kolada item as read, its strings borrowed from the text, checked as strictly as `Strict`.
//!
//! The Kolada reader streams the items of `values` one by one (read_kolada.rs): each item's
//! fields are read into fixed slots (kolada_item.rs), each field's value into this small tree,
//! and judged before the next item is read, so the response is never held as a
//! `serde_json::Value` tree. Strings without escapes borrow from the text; an object is a
//! list of its keys, each given once (a key given twice is the same error as `Strict`'s, at the
//! same place). A value of a parsed `Value` tree is viewed the same way (`Lite::of`).

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;

use super::strict::StrictVisitor;

/// A JSON value with borrowed strings; `Scalar` is null, a boolean or a number.
#[derive(Debug, Clone)]
pub(super) enum Lite<'a> {
    Scalar(Value),
    Str(Cow<'a, str>),
    Arr(Vec<Lite<'a>>),
    Obj(Vec<(Cow<'a, str>, Lite<'a>)>),
}

impl<'a> Lite<'a> {
    /// A parsed value seen as a `Lite`, its strings borrowed.
    pub(super) fn of(v: &'a Value) -> Lite<'a> {
        match v {
            Value::String(s) => Lite::Str(Cow::Borrowed(s)),
            Value::Array(a) => Lite::Arr(a.iter().map(Lite::of).collect()),
            Value::Object(m) => Lite::Obj(m.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Lite::of(v))).collect()),
            other => Lite::Scalar(other.clone()),
        }
    }

    /// Whether this is JSON's `null`.
    pub(super) fn is_null(&self) -> bool {
        matches!(self, Lite::Scalar(Value::Null))
    }

    /// As a `Value`, for the checks and messages written for one (a rare path: a field of an
    /// unexpected type, or a number).
    pub(super) fn to_value(&self) -> Value {
        match self {
            Lite::Scalar(v) => v.clone(),
            Lite::Str(s) => Value::String(s.to_string()),
            Lite::Arr(a) => Value::Array(a.iter().map(Lite::to_value).collect()),
            Lite::Obj(fields) => Value::Object(fields.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }
}

impl<'de> Deserialize<'de> for Lite<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LiteVisitor)
    }
}

/// A key, borrowed when it has no escapes.
pub(super) struct Key<'a>(pub(super) Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s)))
    }
}

/// Keys an object may have before they are looked up by hash.
pub(super) const SMALL: usize = 16;

pub(super) struct LiteVisitor;

impl<'de> Visitor<'de> for LiteVisitor {
    type Value = Lite<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::from(n)))
    }
    fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Lite<'de>, E> {
        StrictVisitor.visit_f64(x).map(Lite::Scalar)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Owned(s)))
    }
    fn visit_unit<E>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::Null))
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Lite<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lite<'de>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Lite::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lite<'de>, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Lite<'de>)> = Vec::with_capacity(8);
        // Keys are compared one by one in a small object (an item has about five), by hash in a
        // large one, so that a hostile object of many keys costs no more than a `Strict` one.
        let mut seen: Option<ahash::AHashSet<Cow<'de, str>>> = None;
        while let Some(Key(key)) = map.next_key()? {
            let twice = match &mut seen {
                Some(seen) => !seen.insert(key.clone()),
                None => out.iter().any(|(k, _)| *k == key),
            };
            if twice {
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice in one object")));
            }
            if seen.is_none() && out.len() == SMALL {
                seen = Some(out.iter().map(|(k, _)| k.clone()).chain(std::iter::once(key.clone())).collect());
            }
            let v = map.next_value()?;
            out.push((key, v));
        }
        Ok(Lite::Obj(out))
    }
}
