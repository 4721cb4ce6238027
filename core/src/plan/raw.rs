//! plan.toml as written: the serde shapes of its tables, and the checks that hold where a value stands.

use crate::target::TargetInput;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlan {
    pub(super) plan: RawHeader,
    #[serde(default)]
    pub(super) entities: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) comparison: RawComparison,
    pub(super) scale: Option<Spanned<RawScale>>,
    #[serde(default, rename = "goal")]
    pub(super) goals: Vec<RawGoal>,
    #[serde(default, rename = "indicator")]
    pub(super) indicators: Vec<RawIndicator>,
    #[serde(default, rename = "assignment")]
    pub(super) assignments: Vec<RawAssignment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) entity: Option<String>,
    pub(super) period: Option<String>,
    pub(super) periods: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    pub(super) max_age: Option<u32>,
    pub(super) description: Option<String>,
    pub(super) min_basis: Option<Spanned<RawMinBasis>>,
}

/// `min_basis = { count = 2, share = 0.25 }`: the least a goal's verdict may rest on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMinBasis {
    pub(super) count: Option<Spanned<i64>>,
    pub(super) share: Option<Spanned<Finite>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComparison {
    pub(super) national: Option<String>,
    pub(super) mean: Option<String>,
    pub(super) peers: Option<Spanned<RawPeers>>,
    #[serde(default)]
    pub(super) groups: BTreeMap<String, RawGroup>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawPeers {
    Group(String),
    List(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) members: Vec<String>,
    /// The group's id in Kolada (`G124026`): its members are read from
    /// `data/kolada-groups.toml` (written by `attain fetch`) and its own rows carry this id.
    pub(super) kolada: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScale {
    /// A shipped scale by name (`sdg`), instead of `levels`.
    pub(super) preset: Option<String>,
    #[serde(default)]
    pub(super) levels: Vec<RawLevel>,
    pub(super) no_data: Option<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevel {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) color: Option<String>,
    pub(super) score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGoal {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    pub(super) text: Option<String>,
    pub(super) parent: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) indicators: Vec<Spanned<RawIndicatorRef>>,
    #[serde(default)]
    pub(super) key_figures: Vec<Spanned<String>>,
    pub(super) aggregate: Option<Spanned<String>>,
    pub(super) params: Option<Spanned<RawParams>>,
    pub(super) min_basis: Option<Spanned<RawMinBasis>>,
}

/// A goal's link to an indicator: `"I"`, or `{ id = "I", weight = 2 }` with no other key (an
/// untagged enum let a misspelt `wieght` pass as weight 1).
pub(super) enum RawIndicatorRef {
    Id(String),
    Weighted(RawWeighted),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWeighted {
    pub(super) id: String,
    pub(super) weight: Option<f64>,
}

impl<'de> Deserialize<'de> for RawIndicatorRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawIndicatorRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an indicator id or a table `{ id = \"…\", weight = … }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawIndicatorRef, E> {
                Ok(RawIndicatorRef::Id(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawIndicatorRef, A::Error> {
                // The table's keys go through the derived struct, so an unknown key is refused
                // at the key itself.
                RawWeighted::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawIndicatorRef::Weighted)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) unit: Option<String>,
    pub(super) direction: Option<Spanned<String>>,
    pub(super) source: Option<RawSource>,
    #[serde(default)]
    pub(super) gender: bool,
    pub(super) rule: Option<Spanned<String>>,
    pub(super) params: Option<Spanned<RawParams>>,
    pub(super) targets: Option<Spanned<BTreeMap<String, Spanned<TargetInput>>>>,
    pub(super) max_age: Option<u32>,
    pub(super) decimals: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) kolada: Option<String>,
    pub(super) url: Option<String>,
    pub(super) note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssignment {
    pub(super) id: Spanned<String>,
    pub(super) goal: Spanned<String>,
    pub(super) text: String,
    #[serde(default)]
    pub(super) boards: Vec<String>,
}

/// Most decimals an indicator may ask reports to show (`decimals`): an f64 holds about 15
/// significant digits, and the formatter is given no more than it can say.
pub(crate) const MAX_DECIMALS: u32 = crate::sandbox::limits::MAX_DECIMALS;

/// Largest weight of an indicator in a goal (and of a part in an aggregation test case): any
/// number of parts at this weight still sums to a finite number, and a weight of 10⁶ against 1 is
/// already more than any plan means.
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// A number as TOML spells it (`nan`, `inf`, `-inf`, else as Rust prints it).
pub(crate) fn toml_number(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// An f64 that must be finite: NaN and infinities are refused where they stand (toml gives the
/// error the value's span, so it names file, line and column).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finite(pub(crate) f64);

impl<'de> Deserialize<'de> for Finite {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The check runs inside the visitor, so that toml places the error at the number even
        // as an element of an array (an error raised after `f64::deserialize` gets the array's).
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Finite;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a finite number")
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Finite, E> {
                if x.is_finite() { Ok(Finite(x)) } else { Err(E::custom(format!("`{}` is not a finite number", toml_number(x)))) }
            }
            fn visit_i64<E: serde::de::Error>(self, x: i64) -> Result<Finite, E> {
                Ok(Finite(x as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, x: u64) -> Result<Finite, E> {
                Ok(Finite(x as f64))
            }
        }
        d.deserialize_f64(Visitor)
    }
}

/// A TOML value (a param) in which every float, however deeply nested, is finite.
#[derive(Debug, Clone)]
pub(crate) struct FiniteValue(pub(crate) toml::Value);

impl<'de> Deserialize<'de> for FiniteValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn first_non_finite(v: &toml::Value) -> Option<f64> {
            match v {
                toml::Value::Float(x) if !x.is_finite() => Some(*x),
                toml::Value::Array(a) => a.iter().find_map(first_non_finite),
                toml::Value::Table(t) => t.values().find_map(first_non_finite),
                _ => None,
            }
        }
        let v = toml::Value::deserialize(d)?;
        match first_non_finite(&v) {
            None => Ok(FiniteValue(v)),
            Some(x) => Err(serde::de::Error::custom(format!("`{}` is not a finite number", toml_number(x)))),
        }
    }
}

/// Params as written: any keys (the rule decides which it reads), finite numbers only.
pub(crate) type RawParams = BTreeMap<String, FiniteValue>;

/// The params as the rules take them.
pub(crate) fn params_table(raw: RawParams) -> toml::Table {
    raw.into_iter().map(|(k, v)| (k, v.0)).collect()
}
