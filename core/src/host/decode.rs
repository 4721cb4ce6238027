//! Reading a host's values: `decode`, naming the argument's path in its error, and the shared field readers.

use crate::error::{Code, Error, Result};
use crate::model::Gender;
use crate::render::Format;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::fmt;

/// Reads a request from any serde deserializer (a Python object through pythonize, a JS value
/// through serde-wasm-bindgen, JSON), with an error that names the argument and the path inside
/// it: ``argument `history[2].value`: invalid type: string "x", expected f64``.
///
/// # Errors
/// A query error naming `what` and the path to the field that could not be read.
pub fn decode<'de, T: Deserialize<'de>, D: Deserializer<'de>>(what: &str, deserializer: D) -> Result<T> {
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let place = match path.as_str() {
            "." | "" => format!("`{what}`"),
            p if p.starts_with('[') => format!("`{what}{p}`"),
            p => format!("`{what}.{p}`"),
        };
        let inner = e.inner().to_string();
        let message = format!("{place}: {inner}");
        // A period's own error comes back through serde as text only (see `Period`'s visitor).
        let code = if inner.starts_with("period ") && inner.contains("is not a year") {
            Code::QueryInvalidPeriod
        } else {
            crate::error::serde_code(
                &message,
                [
                    Code::QueryUnknownField,
                    Code::QueryMissingField,
                    Code::QueryInvalidType,
                    Code::QueryInvalidValue,
                    Code::QueryInvalidArgument,
                ],
            )
        };
        Error::new(code, message)
    })
}

/// As [`decode`], from JSON text (the CLI's `--json` requests and the conformance vectors).
///
/// # Errors
/// As [`decode`]; malformed JSON is an error at its line and column.
pub fn decode_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let mut d = serde_json::Deserializer::from_str(text);
    let value = decode(what, &mut d)?;
    d.end().map_err(|e| Error::new(Code::QueryInvalidArgument, format!("`{what}`: {e}")))?;
    Ok(value)
}

/// What `genders` accepts, for the schema: one gender or a list.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(super) enum GendersSchema {
    One(String),
    Many(Vec<String>),
}

impl std::str::FromStr for Gender {
    type Err = Error;

    /// `T`, `K`, `M`, or `total`, `women`, `men` and the other names [`Gender::parse`] reads.
    fn from_str(s: &str) -> Result<Gender> {
        Gender::parse(s).ok_or_else(|| Error::new(Code::QueryInvalidGender, format!("gender `{s}` is not T, K or M")))
    }
}

/// A gender as a caller names it: `T`, `K`, `M`, or `total`, `women`, `men` (any case).
pub(super) fn gender<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Gender>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|s| s.parse::<Gender>().map_err(|e| de::Error::custom(e.message()))).transpose()
}

pub(super) fn genders<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<Gender>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let given: Option<OneOrMany> = Option::deserialize(d)?;
    let names = match given {
        None => return Ok(None),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    };
    names
        .iter()
        .map(|s| s.parse::<Gender>().map_err(|e| de::Error::custom(e.message())))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map(Some)
}

/// A number or none (finiteness is checked by [`AssessRequest::resolve`], whoever built the
/// request). A visitor of its own rather than `Option<f64>`'s, so that a host deserializer that
/// hands over a bare float for an optional field is read too.
pub(super) fn number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or nothing")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> std::result::Result<Self::Value, D2::Error> {
            f64::deserialize(d).map(Some)
        }
        fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x))
        }
        #[allow(clippy::cast_precision_loss)]
        fn visit_i64<E: de::Error>(self, x: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x as f64))
        }
        #[allow(clippy::cast_precision_loss)]
        fn visit_u64<E: de::Error>(self, x: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(x as f64))
        }
    }
    d.deserialize_option(V)
}

impl std::str::FromStr for Format {
    type Err = Error;

    /// `table`, `json`, `md` (or `markdown`), `csv`, `csv-semicolon`, `html`, `html-fragment`.
    fn from_str(s: &str) -> Result<Format> {
        Format::parse(s).ok_or_else(|| {
            Error::new(
                Code::QueryInvalidFormat,
                format!("format `{s}` is not one of table, json, md, csv, csv-semicolon, html, html-fragment"),
            )
        })
    }
}
