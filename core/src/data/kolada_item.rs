//! `Item`: one Kolada item read straight into the fields the reader uses, checked as `Lite` checks it.
//!
//! The streaming reader (read_json_stream.rs) reads each item of `values` with `ItemSeed`: the
//! keys the Kolada reader looks at go into fixed slots (their values read as `Lite`, strings
//! borrowed), every other key's value is read as a `Lite` and dropped, so that the text is
//! checked exactly as before (a key given twice anywhere is the same error at the same place)
//! without building a list of fields per object and searching it by name. The entries of an
//! item's `values` go into a buffer reused from item to item. A `Lite` viewed the same way
//! (`Item::of`) is what the reader of a parsed `Value` tree hands over.

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;

use super::lite::{Key, Lite, LiteVisitor, SMALL};

/// An item, read in place into the one the reader reuses: an object's fields by name (`obj`),
/// or anything else (an error for the reader).
#[derive(Default)]
pub(super) struct Item<'a> {
    pub(super) obj: bool,
    pub(super) fields: Fields<'a>,
}

/// The fields of an item the reader uses; `None` when absent.
#[derive(Default)]
pub(super) struct Fields<'a> {
    pub(super) kpi: Option<Lite<'a>>,
    pub(super) municipality: Option<Lite<'a>>,
    pub(super) period: Option<Lite<'a>>,
    pub(super) isdeleted: Option<Lite<'a>>,
    pub(super) is_deleted: Option<Lite<'a>>,
    pub(super) values: Values<'a>,
    /// The entries of `values` when it is an array.
    pub(super) entries: Vec<Entry<'a>>,
}

/// What an item's `values` is: absent, an array (its entries in `Fields::entries`), or anything
/// else as read.
#[derive(Default)]
pub(super) enum Values<'a> {
    #[default]
    Absent,
    Arr,
    Other(Lite<'a>),
}

/// One entry of `values`: an object's fields by name, or anything else.
pub(super) enum Entry<'a> {
    Obj(EntryFields<'a>),
    Other,
}

/// The fields of an entry the reader uses.
#[derive(Default)]
pub(super) struct EntryFields<'a> {
    pub(super) gender: Option<Lite<'a>>,
    pub(super) value: Option<Lite<'a>>,
    pub(super) status: Option<Lite<'a>>,
    pub(super) count: Option<Lite<'a>>,
    pub(super) isdeleted: Option<Lite<'a>>,
    pub(super) is_deleted: Option<Lite<'a>>,
}

impl<'a> Item<'a> {
    /// A `Lite` seen as an item (a parsed `Value` tree's item, see `Lite::of`).
    pub(super) fn of(lite: Lite<'a>) -> Item<'a> {
        let Lite::Obj(fields) = lite else { return Item::default() };
        let mut out = Fields::default();
        for (key, v) in fields {
            match &*key {
                "values" => match v {
                    Lite::Arr(a) => {
                        out.values = Values::Arr;
                        out.entries = a.into_iter().map(Entry::of).collect();
                    }
                    other => out.values = Values::Other(other),
                },
                name => {
                    if let Some(slot) = out.slot(name) {
                        *slot = Some(v);
                    }
                }
            }
        }
        Item { obj: true, fields: out }
    }

    /// Empties this item to read the next one into, keeping the entries' buffer.
    fn clear(&mut self) {
        let mut entries = std::mem::take(&mut self.fields.entries);
        entries.clear();
        *self = Item::default();
        self.fields.entries = entries;
    }
}

impl<'a> Fields<'a> {
    fn slot(&mut self, key: &str) -> Option<&mut Option<Lite<'a>>> {
        Some(match key {
            "kpi" => &mut self.kpi,
            "municipality" => &mut self.municipality,
            "period" => &mut self.period,
            "isdeleted" => &mut self.isdeleted,
            "is_deleted" => &mut self.is_deleted,
            _ => return None,
        })
    }
}

impl<'a> Entry<'a> {
    fn of(lite: Lite<'a>) -> Entry<'a> {
        let Lite::Obj(fields) = lite else { return Entry::Other };
        let mut out = EntryFields::default();
        for (key, v) in fields {
            if let Some(slot) = out.slot(&key) {
                *slot = Some(v);
            }
        }
        Entry::Obj(out)
    }
}

impl<'a> EntryFields<'a> {
    fn slot(&mut self, key: &str) -> Option<&mut Option<Lite<'a>>> {
        Some(match key {
            "gender" => &mut self.gender,
            "value" => &mut self.value,
            "status" => &mut self.status,
            "count" => &mut self.count,
            "isdeleted" => &mut self.isdeleted,
            "is_deleted" => &mut self.is_deleted,
            _ => return None,
        })
    }
}

/// The keys of one object not kept in a slot, to find one given twice: compared one by one
/// while few, by hash after (as `Lite` does), so a hostile object of many keys stays cheap.
#[derive(Default)]
struct Others<'a> {
    few: Vec<Cow<'a, str>>,
    many: Option<ahash::AHashSet<Cow<'a, str>>>,
}

impl<'a> Others<'a> {
    /// Whether `key` was seen before; remembers it.
    fn twice(&mut self, key: Cow<'a, str>) -> bool {
        if let Some(many) = &mut self.many {
            return !many.insert(key);
        }
        if self.few.contains(&key) {
            return true;
        }
        self.few.push(key);
        if self.few.len() > SMALL {
            self.many = Some(self.few.drain(..).collect());
        }
        false
    }
}

fn twice<E: serde::de::Error>(key: &str) -> E {
    E::custom(format!("the key `{key}` appears twice in one object"))
}

/// Reads one item of `values` into the item given (emptied first, its buffer kept).
pub(super) struct ItemSeed<'s, 'a>(pub(super) &'s mut Item<'a>);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.clear();
        d.deserialize_any(self)
    }
}

/// Anything but an object is read as a `Lite` (checked, then dropped) and taken as `other()`.
macro_rules! other_as_lite {
    () => {
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
            LiteVisitor.visit_bool(b).map(|_| self.other())
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
            LiteVisitor.visit_i64(n).map(|_| self.other())
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
            LiteVisitor.visit_u64(n).map(|_| self.other())
        }
        fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Self::Value, E> {
            LiteVisitor.visit_f64(x).map(|_| self.other())
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
            LiteVisitor.visit_borrowed_str(s).map(|_| self.other())
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            LiteVisitor.visit_str(s).map(|_| self.other())
        }
        fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
            LiteVisitor.visit_string(s).map(|_| self.other())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            LiteVisitor.visit_unit().map(|_| self.other())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            LiteVisitor.visit_none().map(|_| self.other())
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            LiteVisitor.visit_some(d).map(|_| self.other())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            LiteVisitor.visit_seq(seq).map(|_| self.other())
        }
    };
}

impl ItemSeed<'_, '_> {
    /// Not an object: the item stays as emptied, `obj` false.
    fn other(self) {}
}

impl<'de> Visitor<'de> for ItemSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    other_as_lite!();
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (out, mut others) = (&mut self.0.fields, Others::default());
        self.0.obj = true;
        while let Some(Key(key)) = map.next_key()? {
            if key == "values" {
                if !matches!(out.values, Values::Absent) {
                    return Err(twice(&key));
                }
                out.values = map.next_value_seed(ValuesSeed(&mut out.entries))?;
            } else if let Some(slot) = out.slot(&key) {
                if slot.is_some() {
                    return Err(twice(&key));
                }
                *slot = Some(map.next_value()?);
            } else {
                if others.twice(key.clone()) {
                    return Err(twice(&key));
                }
                map.next_value::<Lite<'de>>()?;
            }
        }
        Ok(())
    }
}

/// An item's `values`: an array read entry by entry into the buffer, anything else as a `Lite`.
struct ValuesSeed<'s, 'a>(&'s mut Vec<Entry<'a>>);

impl<'de> DeserializeSeed<'de> for ValuesSeed<'_, 'de> {
    type Value = Values<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Values<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed<'_, 'de> {
    type Value = Values<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Values<'de>, E> {
        LiteVisitor.visit_bool(b).map(Values::Other)
    }
    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Values<'de>, E> {
        LiteVisitor.visit_i64(n).map(Values::Other)
    }
    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Values<'de>, E> {
        LiteVisitor.visit_u64(n).map(Values::Other)
    }
    fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Values<'de>, E> {
        LiteVisitor.visit_f64(x).map(Values::Other)
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Values<'de>, E> {
        LiteVisitor.visit_borrowed_str(s).map(Values::Other)
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Values<'de>, E> {
        LiteVisitor.visit_str(s).map(Values::Other)
    }
    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Values<'de>, E> {
        LiteVisitor.visit_string(s).map(Values::Other)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Values<'de>, E> {
        LiteVisitor.visit_unit().map(Values::Other)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Values<'de>, E> {
        LiteVisitor.visit_none().map(Values::Other)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Values<'de>, D::Error> {
        LiteVisitor.visit_some(d).map(Values::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Values<'de>, A::Error> {
        LiteVisitor.visit_map(map).map(Values::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Values<'de>, A::Error> {
        while let Some(()) = seq.next_element_seed(EntrySeed(&mut *self.0))? {}
        Ok(Values::Arr)
    }
}

/// One entry of an item's `values`, pushed onto the item's entries (not returned through serde).
struct EntrySeed<'s, 'a>(&'s mut Vec<Entry<'a>>);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl EntrySeed<'_, '_> {
    fn other(self) {
        self.0.push(Entry::Other);
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    other_as_lite!();
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut out, mut others) = (EntryFields::default(), Others::default());
        while let Some(Key(key)) = map.next_key()? {
            if let Some(slot) = out.slot(&key) {
                if slot.is_some() {
                    return Err(twice(&key));
                }
                *slot = Some(map.next_value()?);
            } else {
                if others.twice(key.clone()) {
                    return Err(twice(&key));
                }
                map.next_value::<Lite<'de>>()?;
            }
        }
        self.0.push(Entry::Obj(out));
        Ok(())
    }
}
