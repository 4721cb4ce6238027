//! The streaming JSON reader: a Kolada response's items go into the store as the text is read, anything else becomes a `Value`.
//!
//! A Kolada API response is one object whose `values` array holds every item (71 MB for a
//! million values). Read as a `serde_json::Value` tree first, it took about five times the
//! memory of its text and most of the reading time; here serde's visitor reads each item's
//! fields into an `Item` (kolada_item.rs: fixed slots, strings borrowed from the text) and hands
//! it to the Kolada reader at once.
//!
//! Errors keep the order of reading the whole text first: malformed JSON anywhere (a key given
//! twice included) wins over a bad item, and the first bad item is kept while the rest of the
//! text is still read, then reported. Any other document (rows, `{"observations": …}`, a
//! `values` that is not an array) is built as the same `Value` as before and read as before.

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::Observations;
use super::kolada_item::{Item, ItemSeed};
use super::read_kolada::read_kolada_item;
use super::strict::{Strict, StrictVisitor};
use crate::error::Error;

/// What the text was: a Kolada response already read into the store (with its first bad
/// item, if any), or another document as a value.
pub(super) enum Parsed {
    Kolada(Option<Error>),
    Other(Value),
}

/// Reads one JSON document from `de`, a Kolada response's items into `obs`.
pub(super) fn stream<'de>(
    de: &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    obs: &mut Observations,
    file: &str,
) -> serde_json::Result<Parsed> {
    Top { obs, file }.deserialize(de)
}

/// The scalars and the kind of container a visitor does not stream: as `Strict` reads them.
macro_rules! as_strict {
    ($wrap:expr) => {
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
            StrictVisitor.visit_bool(b).map($wrap)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
            StrictVisitor.visit_i64(n).map($wrap)
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
            StrictVisitor.visit_u64(n).map($wrap)
        }
        fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Self::Value, E> {
            StrictVisitor.visit_f64(x).map($wrap)
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            StrictVisitor.visit_str(s).map($wrap)
        }
        fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
            StrictVisitor.visit_string(s).map($wrap)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            StrictVisitor.visit_unit().map($wrap)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            StrictVisitor.visit_none().map($wrap)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            StrictVisitor.visit_some(d).map($wrap)
        }
    };
}

/// The whole document.
struct Top<'o> {
    obs: &'o mut Observations,
    file: &'o str,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Parsed;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    as_strict!(Parsed::Other);
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Parsed, A::Error> {
        StrictVisitor.visit_seq(seq).map(Parsed::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let Top { obs, file } = self;
        // Every other key, kept: without a `values` array the document is read as a value.
        let mut rest = serde_json::Map::new();
        let mut streamed: Option<Option<Error>> = None;
        while let Some(key) = map.next_key::<String>()? {
            if rest.contains_key(&key) || (key == "values" && streamed.is_some()) {
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice in one object")));
            }
            if key == "values" {
                match map.next_value_seed(Items { obs: &mut *obs, file })? {
                    Read::Streamed(first_error) => streamed = Some(first_error),
                    Read::Value(v) => {
                        rest.insert(key, v);
                    }
                }
            } else {
                let Strict(v) = map.next_value()?;
                rest.insert(key, v);
            }
        }
        Ok(match streamed {
            Some(first_error) => Parsed::Kolada(first_error),
            None => Parsed::Other(Value::Object(rest)),
        })
    }
}

/// The top-level `values`: streamed when an array.
struct Items<'o> {
    obs: &'o mut Observations,
    file: &'o str,
}

enum Read {
    Streamed(Option<Error>),
    Value(Value),
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = Read;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Read, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = Read;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    as_strict!(Read::Value);
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Read, A::Error> {
        StrictVisitor.visit_map(map).map(Read::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read, A::Error> {
        let Items { obs, file } = self;
        let (mut items, mut first_error, mut row) = (Vec::new(), None, 0);
        let store = obs.store_mut();
        // Each item is read in place into this one (its entries' buffer reused by the next).
        let mut item = Item::default();
        while let Some(()) = seq.next_element_seed(ItemSeed(&mut item))? {
            row += 1;
            if first_error.is_none() {
                first_error = read_kolada_item(store, &item, row, file, &mut items).err();
            }
        }
        obs.end_kolada(items);
        Ok(Read::Streamed(first_error))
    }
}
