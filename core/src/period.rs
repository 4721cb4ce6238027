//! A period as a caller names one (`2023`, `2023-T2`, `2023-Q1`, `2023-05`), text or a whole number.

use crate::error::{Code, Error, Result};
use crate::model::period_year;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A period as a caller names one: `2023`, `2023-T2` (tertial), `2023-Q1` (quarter) or `2023-05`
/// (month). Given as text or as a whole number (`2023`), the same in every host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Period(String);

impl Period {
    /// Checks a period's form.
    ///
    /// # Errors
    /// A query error naming the period when it is not a year, `YYYY-T1`..`T3`, `YYYY-Q1`..`Q4` or
    /// `YYYY-01`..`12`.
    pub fn parse(text: &str) -> Result<Period> {
        let ok = |n: &str, max: u32| n.len() <= 2 && n.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n));
        let valid = period_year(text).is_some()
            && text.get(..4).is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
            && match text.get(4..) {
                Some("") => true,
                Some(rest) => match rest.strip_prefix('-') {
                    Some(r) if r.starts_with('T') => ok(&r[1..], 3),
                    Some(r) if r.starts_with('Q') => ok(&r[1..], 4),
                    Some(r) => r.len() == 2 && ok(r, 12),
                    None => false,
                },
                None => false,
            };
        if valid {
            Ok(Period(text.to_string()))
        } else {
            Err(Error::new(
                Code::QueryInvalidPeriod,
                format!("period `{text}` is not a year (`2023`), a tertial (`2023-T2`), a quarter (`2023-Q1`) or a month (`2023-05`)"),
            ))
        }
    }

    /// The period as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A period: `2023`, `2023-T2`, `2023-Q1` or `2023-05`; a year may be a whole number.",
            "type": ["string", "integer"]
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a period: text such as \"2023\" or \"2023-T2\", or a year as a whole number")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Period, E> {
                Period::parse(s).map_err(|e| E::custom(e.message()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Period, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Period, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Period, E> {
                // JavaScript has only doubles: 2023 arrives as 2023.0.
                if x.fract() == 0.0 && (1000.0..=9999.0).contains(&x) {
                    self.visit_str(&format!("{x:.0}"))
                } else {
                    Err(E::custom(format!("period {x} is not a year")))
                }
            }
        }
        d.deserialize_any(V)
    }
}
