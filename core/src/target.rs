//! A target as a plan writes it: a number, a comparison (`≥ 30`, `> 40`, `minst 40`, `högst 12`) or a direction (`öka`, `minska`).

use crate::model::period_year;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How a value is judged against its target: the comparator as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetOp {
    /// `≥`, `>=`, `minst` (and a plain number where higher is better): at the target or above.
    AtLeast,
    /// `>`: strictly above the target.
    Above,
    /// `≤`, `<=`, `högst` (and a plain number where lower is better): at the target or below.
    AtMost,
    /// `<`: strictly below the target.
    Below,
    /// `=`: equal to the target.
    Equal,
    /// `öka`, `increase`: above the previous period's value.
    Increase,
    /// `minska`, `decrease`: below the previous period's value.
    Decrease,
}

impl TargetOp {
    /// The name rules see as `target_op`: `>=`, `>`, `<=`, `<`, `=`, `increase`, `decrease`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetOp::AtLeast => ">=",
            TargetOp::Above => ">",
            TargetOp::AtMost => "<=",
            TargetOp::Below => "<",
            TargetOp::Equal => "=",
            TargetOp::Increase => "increase",
            TargetOp::Decrease => "decrease",
        }
    }

    /// The polarity the comparator implies: higher is better (`Some(true)`), lower is better
    /// (`Some(false)`), or none (`=`).
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            TargetOp::AtLeast | TargetOp::Above | TargetOp::Increase => Some(true),
            TargetOp::AtMost | TargetOp::Below | TargetOp::Decrease => Some(false),
            TargetOp::Equal => None,
        }
    }

    /// What a plain number means: at or better than it, by the polarity.
    pub(crate) fn plain(higher_is_better: bool) -> TargetOp {
        if higher_is_better { TargetOp::AtLeast } else { TargetOp::AtMost }
    }

    /// Whether the target is a direction of travel (no number).
    pub fn is_direction(self) -> bool {
        matches!(self, TargetOp::Increase | TargetOp::Decrease)
    }
}

/// A target for one period: the comparator and its number (none for `increase`/`decrease`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The comparator.
    pub op: TargetOp,
    /// The threshold; `None` exactly when `op` is a direction.
    pub value: Option<f64>,
}

/// A target as written in plan.toml, a rule test or a host's request: a number or a text.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TargetInput {
    /// A number: at or better than it, by the indicator's direction.
    Number(f64),
    /// A comparison or a direction: `"≥ 30"`, `"> 40"`, `"<10"`, `"= 100"`, `"minst 40,5"`,
    /// `"högst 12"`, `"öka"`, `"ska minska"`, `"increase"`, `"decrease"`.
    Text(String),
}

impl<'de> Deserialize<'de> for TargetInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TargetInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a target such as \"≥ 30\", \"minst 40\" or \"öka\"")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<TargetInput, E> {
                Ok(TargetInput::Number(x))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<TargetInput, E> {
                Ok(TargetInput::Number(x as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<TargetInput, E> {
                Ok(TargetInput::Number(x as f64))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TargetInput, E> {
                Ok(TargetInput::Text(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl TargetInput {
    /// The target this input states, a plain number taking the polarity given; or why it is
    /// not one (a lowercase message naming the text).
    pub(crate) fn target(&self, higher_is_better: bool) -> Result<Target, String> {
        match self {
            TargetInput::Number(x) if x.is_finite() => Ok(Target { op: TargetOp::plain(higher_is_better), value: Some(*x) }),
            TargetInput::Number(x) => {
                let written = if x.is_nan() {
                    "nan"
                } else if *x > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                Err(format!("target `{written}` is not a finite number"))
            }
            TargetInput::Text(s) => Target::parse(s),
        }
    }

    /// The polarity a written comparator implies (none for a number or `=`); a malformed text
    /// is an error.
    pub(crate) fn implied_polarity(&self) -> Result<Option<bool>, String> {
        match self {
            TargetInput::Number(_) => Ok(None),
            TargetInput::Text(s) => Target::parse(s).map(|t| t.op.higher_is_better()),
        }
    }
}

/// The polarity of an indicator whose targets are `inputs` (each with the period it is for):
/// `explicit` (its `direction`) when written, else the one its comparators imply, else higher is
/// better. A comparator that contradicts `explicit` or another comparator is an error naming the
/// input (by its index) and both sides; so is a malformed text.
pub(crate) fn polarity(explicit: Option<bool>, inputs: &[(&str, &TargetInput)]) -> Result<bool, (usize, String)> {
    let side = |higher: bool| if higher { "higher" } else { "lower" };
    let mut implied: Option<(bool, &str)> = None;
    for (i, (period, input)) in inputs.iter().enumerate() {
        let Some(higher) = input.implied_polarity().map_err(|e| (i, e))? else { continue };
        let TargetInput::Text(written) = input else { continue };
        if let Some(e) = explicit.filter(|e| *e != higher) {
            let msg = format!("target `{written}` for `{period}` means {} is better, but the direction is `{}`", side(higher), side(e));
            return Err((i, msg));
        }
        if let Some((h, p)) = implied.filter(|(h, _)| *h != higher) {
            let msg =
                format!("target `{written}` for `{period}` means {} is better, but the target for `{p}` means {}", side(higher), side(h));
            return Err((i, msg));
        }
        implied = Some((higher, period));
    }
    Ok(explicit.or(implied.map(|(h, _)| h)).unwrap_or(true))
}

/// The comparators as written, longest first so that `>=` is not read as `>`.
const COMPARATORS: &[(&str, TargetOp)] = &[
    (">=", TargetOp::AtLeast),
    ("<=", TargetOp::AtMost),
    ("≥", TargetOp::AtLeast),
    ("≤", TargetOp::AtMost),
    ("minst", TargetOp::AtLeast),
    ("högst", TargetOp::AtMost),
    (">", TargetOp::Above),
    ("<", TargetOp::Below),
    ("=", TargetOp::Equal),
];

impl Target {
    /// Parses a written target: a comparator and a number (`≥ 30`, `>= 30`, `> 40`, `<10`,
    /// `≤12`, `= 100`, `minst 40,5`, `högst 12`; spaces optional, a decimal comma accepted), or a
    /// direction (`öka`, `ska öka`, `increase`, `minska`, `ska minska`, `decrease`). Words are
    /// case-insensitive.
    ///
    /// # Errors
    /// A lowercase message naming the text when it is none of these.
    pub fn parse(text: &str) -> Result<Target, String> {
        let lower = text.trim().to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let direction = match words.as_slice() {
            ["öka" | "increase"] | ["ska", "öka"] => Some(TargetOp::Increase),
            ["minska" | "decrease"] | ["ska", "minska"] => Some(TargetOp::Decrease),
            _ => None,
        };
        if let Some(op) = direction {
            return Ok(Target { op, value: None });
        }
        if number(&lower).is_some() {
            return Err(format!("target `{text}` is a number in quotes: write it without them, or with a comparator (`≥ {text}`)"));
        }
        let malformed = || {
            format!(
                "target `{text}` is not a number, a comparison (`≥ 30`, `> 40`, `<= 12`, `= 100`, `minst 40`, `högst 12`) \
                 or a direction (`öka`, `minska`, `increase`, `decrease`)"
            )
        };
        let (op, rest) =
            COMPARATORS.iter().find_map(|(word, op)| lower.strip_prefix(word).map(|rest| (*op, rest))).ok_or_else(malformed)?;
        let value = number(rest.trim()).ok_or_else(malformed)?;
        Ok(Target { op, value: Some(value) })
    }
}

/// A decimal number as written in a target: an optional sign (`-` or `−`), digits, and an
/// optional decimal point or comma with digits.
fn number(s: &str) -> Option<f64> {
    let (negative, digits) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits = digits.replacen(',', ".", 1);
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, "0"));
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let x: f64 = digits.parse().ok()?;
    x.is_finite().then_some(if negative { -x } else { x })
}

/// A target for `period`: explicit, else on the straight line between the two nearest targets
/// around its year when both have the same comparator (a direction is kept as it is); `None`
/// outside the first and last target, or between targets of different comparators.
pub(crate) fn target_on_line(targets: &BTreeMap<String, Target>, period: &str) -> Option<Target> {
    if let Some(t) = targets.get(period) {
        return Some(*t);
    }
    let year = period_year(period)? as f64;
    let points: Vec<(f64, Target)> = targets.iter().filter_map(|(p, t)| Some((period_year(p)? as f64, *t))).collect();
    if let Some((_, t)) = points.iter().find(|(y, _)| *y == year) {
        return Some(*t);
    }
    let (y0, before) = points.iter().rfind(|(y, _)| *y < year)?;
    let (y1, after) = points.iter().find(|(y, _)| *y > year)?;
    if before.op != after.op {
        return None;
    }
    let value = match (before.value, after.value) {
        (Some(a), Some(b)) => Some(a + (b - a) * (year - y0) / (y1 - y0)),
        _ => None,
    };
    Some(Target { op: before.op, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> (TargetOp, Option<f64>) {
        let t = Target::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (t.op, t.value)
    }

    #[test]
    fn every_written_form_parses() {
        use TargetOp::*;
        let cases: &[(&str, TargetOp, Option<f64>)] = &[
            ("≥ 30", AtLeast, Some(30.0)),
            (">= 30", AtLeast, Some(30.0)),
            ("≥30", AtLeast, Some(30.0)),
            ("> 40", Above, Some(40.0)),
            ("<10", Below, Some(10.0)),
            ("≤12", AtMost, Some(12.0)),
            ("<= 12", AtMost, Some(12.0)),
            ("= 100", Equal, Some(100.0)),
            ("minst 40", AtLeast, Some(40.0)),
            ("Minst 40,5", AtLeast, Some(40.5)),
            ("högst 12", AtMost, Some(12.0)),
            ("HÖGST 0.5", AtMost, Some(0.5)),
            ("> -2", Above, Some(-2.0)),
            ("<−1,25", Below, Some(-1.25)),
            ("öka", Increase, None),
            ("Ska öka", Increase, None),
            ("increase", Increase, None),
            ("minska", Decrease, None),
            ("ska  minska", Decrease, None),
            ("Decrease", Decrease, None),
        ];
        for (text, op, value) in cases {
            assert_eq!(parsed(text), (*op, *value), "{text}");
        }
    }

    #[test]
    fn malformed_targets_are_refused_naming_the_text() {
        let quoted = Target::parse("30").unwrap_err();
        assert_eq!(quoted, "target `30` is a number in quotes: write it without them, or with a comparator (`≥ 30`)");
        for text in ["", "≥", ">= x", "minst 40 procent", "ska", "öka mer", "=> 3", "> 1,2,3", "> 1.", "> .5", ">= 1e400", "ungefär 3"]
        {
            let e = Target::parse(text).expect_err(text);
            assert!(e.starts_with(&format!("target `{text}` is not a number, a comparison")), "{text}: {e}");
        }
    }

    #[test]
    fn polarity_comes_from_the_comparator() {
        let of = |s: &str| Target::parse(s).unwrap().op.higher_is_better();
        assert_eq!(
            [of("≥ 1"), of("> 1"), of("öka"), of("≤ 1"), of("< 1"), of("minska"), of("= 1")],
            [Some(true), Some(true), Some(true), Some(false), Some(false), Some(false), None]
        );
    }

    #[test]
    fn targets_interpolate_only_with_the_same_comparator() {
        let t = |s: &str| Target::parse(s).unwrap();
        let line = BTreeMap::from([("2020".to_string(), t("> 10")), ("2024".to_string(), t("> 30"))]);
        assert_eq!(target_on_line(&line, "2022"), Some(Target { op: TargetOp::Above, value: Some(20.0) }));
        assert_eq!(target_on_line(&line, "2025"), None);
        let mixed = BTreeMap::from([("2020".to_string(), t("≥ 10")), ("2024".to_string(), t("> 30"))]);
        assert_eq!(target_on_line(&mixed, "2022"), None);
        let travel = BTreeMap::from([("2020".to_string(), t("öka")), ("2024".to_string(), t("öka"))]);
        assert_eq!(target_on_line(&travel, "2023-T1"), Some(Target { op: TargetOp::Increase, value: None }));
    }
}
