//! Locale: the one place the plan's language is picked, numbers as people write them (`85,5`), and as reports show them.

use crate::error::{Code, Error, Result};
use crate::model::Language;
use crate::sandbox::limits;

/// The mark a number's decimals are written with where it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalMark {
    /// `85.5` or `85,5`: one mark, once (a command-line argument, a quoted CSV cell, a text cell).
    #[default]
    Either,
    /// `85,5` only: a `;`-separated CSV, as Excel writes it in Sweden, where a point would be a
    /// thousands separator in some locales and so is refused.
    Comma,
}

/// Reads a number as people write one: `85.5`, `85,5` (a decimal comma), `-3`, `1e3`. No
/// thousands separator (`1,234.5`, `1.234,5`, `1 234`): which mark is the decimal one cannot be
/// known, so it is an error, never a guess. The one number parser of the CLI and the readers.
///
/// ```
/// use attain_core::{DecimalMark, parse_number};
/// assert_eq!(parse_number("85,5", DecimalMark::Either)?, 85.5);
/// assert_eq!(parse_number(" -0.25 ", DecimalMark::Either)?, -0.25);
/// assert!(parse_number("1,234.5", DecimalMark::Either).unwrap_err().message().contains("thousands separator"));
/// assert!(parse_number("85.5", DecimalMark::Comma).is_err());
/// # Ok::<(), attain_core::Error>(())
/// ```
///
/// # Errors
/// `data.invalid_value` naming the text and what is wrong with it; `data.not_finite` for `inf`
/// and `NaN`.
pub fn parse_number(text: &str, mark: DecimalMark) -> Result<f64> {
    let t = text.trim();
    read_number(t, mark).map_err(|why| match why {
        NotANumber::Infinite => Error::new(Code::DataNotFinite, format!("`{t}` is not a finite number")),
        NotANumber::Text => Error::new(
            Code::DataInvalidValue,
            format!("`{t}` is not a number: write digits with at most one decimal mark, as 85,5 or 85.5"),
        ),
        NotANumber::Because(why) => Error::new(Code::DataInvalidValue, format!("`{t}` is not a number: {why}")),
    })
}

/// Why a text is not a number.
pub(crate) enum NotANumber {
    /// `inf`, `NaN`, `1e999`.
    Infinite,
    /// Not a number at all (`many`).
    Text,
    /// Digits written in a way that cannot be read without a guess.
    Because(&'static str),
}

/// [`parse_number`] on trimmed text, saying why not.
pub(crate) fn read_number(t: &str, mark: DecimalMark) -> std::result::Result<f64, NotANumber> {
    if let Some(x) = plain_decimal(t, mark) {
        return Ok(x);
    }
    // One pass over the bytes (a large file reads millions of values).
    let (mut commas, mut points, mut digits) = (0, 0, false);
    for b in t.bytes() {
        match b {
            b',' => commas += 1,
            b'.' => points += 1,
            b'0'..=b'9' => digits = true,
            _ => {}
        }
    }
    if digits && t.contains([' ', '\u{a0}', '\u{202f}', '\'']) {
        return Err(NotANumber::Because(
            "it holds a space or an apostrophe (a thousands separator?); write the digits together, as 1234,5",
        ));
    }
    if digits && commas > 0 && points > 0 {
        return Err(NotANumber::Because("it has both a comma and a point (a thousands separator?); write 1234.5 or 1234,5"));
    }
    if digits && (commas > 1 || points > 1) {
        return Err(NotANumber::Because("it has more than one decimal mark (a thousands separator?); write 1234567 or 1234,5"));
    }
    if digits && mark == DecimalMark::Comma && points > 0 {
        return Err(NotANumber::Because(
            "this `;`-separated file writes decimals with a comma (85,5); a point could be a thousands separator",
        ));
    }
    let parsed = if commas == 0 { t.parse::<f64>() } else { t.replacen(',', ".", 1).parse::<f64>() };
    match parsed {
        Ok(x) if !x.is_finite() => Err(NotANumber::Infinite),
        // Rust's float syntax, less what no person writes for a number: `infinity` spelt out is caught above.
        Ok(x) if digits => Ok(x),
        _ => Err(NotANumber::Text),
    }
}

/// 10^k for k ≤ 22: every one an exact double.
const POW10: [f64; 23] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/// A plain decimal (`-85.5`, `85,5`, `40`: a sign, digits, at most one decimal mark the file
/// allows, digits) read without `f64::from_str`'s general path, or `None` for any other text,
/// which the general path then reads. The result is the one `from_str` gives: the digits as a
/// whole number `m` < 2^53 and `k` ≤ 22 decimals make `m` and 10^k exact doubles, and one IEEE
/// division of exact operands is correctly rounded, as `from_str` is (Clinger's fast path,
/// which `from_str` takes for the same texts). `-0` stays `-0.0`.
pub(crate) fn plain_decimal(t: &str, mark: DecimalMark) -> Option<f64> {
    let (negative, digits) = match t.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        all => (false, all),
    };
    // At most 16 bytes: the whole number stays below 10^16, in a u64; from 2^53 up it goes the general way.
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (mut m, mut decimals, mut seen_mark, mut seen_digit) = (0u64, 0usize, false, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                decimals += usize::from(seen_mark);
                seen_digit = true;
            }
            b',' if !seen_mark => seen_mark = true,
            b'.' if !seen_mark && mark == DecimalMark::Either => seen_mark = true,
            _ => return None,
        }
    }
    if !seen_digit || m >= 1 << 53 {
        return None;
    }
    let x = m as f64 / POW10[decimals];
    Some(if negative { -x } else { x })
}

impl Language {
    /// The text in this language: every Swedish-or-English choice in core goes through here.
    pub(crate) fn pick<T>(self, en: T, sv: T) -> T {
        if self == Language::Sv { sv } else { en }
    }

    /// [`Language::pick`] for borrowed texts, as an owned string.
    pub(crate) fn text(self, en: &str, sv: &str) -> String {
        self.pick(en, sv).to_string()
    }
}

/// `format!("{x:.d$}")`, the same text, without the exact (big-number) algorithm nor the
/// shortest-text one for the numbers reports mostly hold: those that are a whole number `m` of
/// 10^-d, that is `m / 10^d` (one IEEE division of exact operands, so correctly rounded) gives
/// back `x`, with |x|·10^d < 2^51. Then `m`'s digits with the point put in are the text: `x` is
/// the double nearest `m·10^-d`, so they lie within half a unit in the last place of `x`, which
/// is under a quarter of 10^-d; `m·10^-d` is then the multiple of 10^-d nearest the exact value
/// of `x`, what exact rounding gives. (When there is such an `m`, `x·10^d` rounded is it: the
/// product is within a quarter of `m`, its rounding error under another.) Other numbers take `format!`.
fn fixed(x: f64, d: usize) -> String {
    const LIMIT: f64 = (1u64 << 51) as f64;
    if let Some(&scale) = POW10.get(d) {
        let m = (x * scale).round();
        if x.abs() * scale < LIMIT && m / scale == x {
            // A whole number below 2^51: exact as a u64.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return point_in(m.abs() as u64, d, x.is_sign_negative());
        }
    }
    format!("{x:.d$}")
}

/// The digits of `m` with a point before the last `d` (zeros in front as needed), `-` first
/// when `negative` (`-0.00` for negative zero, as `format!` writes it).
fn point_in(m: u64, d: usize, negative: bool) -> String {
    let digits = m.to_string();
    let mut s = String::with_capacity(digits.len() + d + 3);
    if negative {
        s.push('-');
    }
    let int_len = digits.len().saturating_sub(d);
    if int_len == 0 {
        s.push('0');
    } else {
        s.push_str(&digits[..int_len]);
    }
    if d > 0 {
        s.push('.');
        s.extend(std::iter::repeat_n('0', d - (digits.len() - int_len)));
        s.push_str(&digits[int_len..]);
    }
    s
}

/// Formats a number for a report in the plan's language: decimal comma in Swedish,
/// trailing zeros trimmed unless `decimals` is given, `–` for a missing value.
pub(crate) fn format_number(x: Option<f64>, decimals: Option<u32>, lang: Language) -> String {
    let Some(x) = x else { return "–".to_string() };
    if !x.is_finite() {
        return x.to_string();
    }
    let mut s = match decimals {
        Some(d) => fixed(x, d.min(limits::MAX_DECIMALS) as usize),
        None => {
            let mut s = fixed(x, 2);
            s.truncate(s.trim_end_matches('0').trim_end_matches('.').len());
            if s == "-0" {
                s.remove(0);
            }
            s
        }
    };
    let negative = s.starts_with('-');
    let int_len = s.find('.').unwrap_or(s.len()) - usize::from(negative);
    // Most numbers need nothing more: English, under five integer digits. Group thousands
    // from five digits on, as both languages' style guides do.
    if lang == Language::En && int_len <= 4 {
        return s;
    }
    let (sep, point, minus) = lang.pick((',', '.', "-"), ('\u{a0}', ',', "−"));
    let mut out = String::with_capacity(s.len() + 8);
    if negative {
        out.push_str(minus);
        s.remove(0);
    }
    for (i, c) in s.chars().enumerate() {
        if c == '.' {
            out.push(point);
        } else {
            if i > 0 && i < int_len && int_len > 4 && (int_len - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
    }
    out
}

/// A count with its noun or adjective in agreement: `1 uppfyllt`, `2 uppfyllda`, `1 goal`,
/// `0 goals`. Swedish and English both take the singular for exactly one and the plural
/// otherwise (zero included); `en` and `sv` are each `[singular, plural]`.
pub(crate) fn plural(lang: Language, n: usize, en: [&str; 2], sv: [&str; 2]) -> String {
    let [one, many] = lang.pick(en, sv);
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A formatted number with its unit, as `show` writes it: `72 %`, `1 200 kr`.
pub(crate) fn with_unit(mut n: String, unit: &str) -> String {
    if !unit.is_empty() {
        n.push(' ');
        n.push_str(unit);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_decimal_reads_as_the_general_path_reads_it() {
        // Generated texts of every shape near the fast path's edges (signs, a mark first, last
        // or twice, 1 to 18 digits, m about 2^53), each against the general path on its own:
        // the same bits where the fast path answers, and it declines what the general path refuses.
        let general = |t: &str, mark: DecimalMark| -> Option<f64> {
            let points = t.bytes().filter(|&b| b == b'.').count();
            let commas = t.bytes().filter(|&b| b == b',').count();
            if points + commas > 1 || (mark == DecimalMark::Comma && points > 0) || !t.bytes().any(|b| b.is_ascii_digit()) {
                return None;
            }
            t.replacen(',', ".", 1).parse::<f64>().ok()
        };
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut texts: Vec<String> = [
            "9007199254740992",
            "9007199254740991",
            "9007199254740993",
            "-0",
            "-0.0",
            "0",
            ".5",
            "5.",
            ",5",
            "-,",
            "+",
            "-",
            "",
            "+7,25",
            "1.5.",
            "00000000000000.5",
        ]
        .iter()
        .map(|t| (*t).to_string())
        .collect();
        for _ in 0..60_000 {
            let r = next();
            let len = 1 + (r % 18) as usize;
            let mut t: String = (0..len).map(|i| char::from(b'0' + ((r >> (5 + i * 3)) % 10) as u8)).collect();
            if r & (1 << 60) != 0 {
                let at = ((r >> 40) as usize) % (len + 1);
                t.insert(at, if r & (1 << 61) != 0 { ',' } else { '.' });
            }
            match (r >> 62) & 3 {
                0 => t.insert(0, '-'),
                1 => t.insert(0, '+'),
                _ => {}
            }
            texts.push(t);
        }
        let mut fast = 0;
        for t in &texts {
            for mark in [DecimalMark::Either, DecimalMark::Comma] {
                match plain_decimal(t, mark) {
                    Some(x) => {
                        fast += 1;
                        assert_eq!(general(t, mark).map(f64::to_bits), Some(x.to_bits()), "`{t}`");
                    }
                    None => {
                        let m: u128 = t.bytes().filter(u8::is_ascii_digit).fold(0, |m, b| m * 10 + u128::from(b - b'0'));
                        let body = t.trim_start_matches(['-', '+']).len();
                        assert!(general(t, mark).is_none() || body > 16 || m >= 1 << 53, "`{t}` declined");
                    }
                }
            }
        }
        assert!(fast > 30_000, "{fast} texts took the fast path");
    }

    /// The previous fast path of [`fixed`] (until 2026-12-03): the shortest text of `x` that
    /// reads back as `x`, padded with zeros when it has at most `d` decimals.
    fn by_shortest(x: f64, d: usize) -> String {
        let scale = 10f64.powi(i32::try_from(d).unwrap_or(i32::MAX));
        if x.abs() * scale < (1u64 << 51) as f64 {
            let mut s = x.to_string();
            let decimals = s.find('.').map_or(0, |i| s.len() - i - 1);
            if decimals <= d {
                if decimals == 0 && d > 0 {
                    s.push('.');
                }
                s.extend(std::iter::repeat_n('0', d - decimals));
                return s;
            }
        }
        format!("{x:.d$}")
    }

    #[test]
    fn fixed_gives_the_text_of_exact_formatting() {
        // Numbers as data holds them (a few decimals, whole numbers, halves at every place),
        // and random bit patterns; against `format!`'s exact algorithm at 0..=12 decimals (the
        // most a plan may ask) and against the previous fast path.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut xs = vec![0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.005, 0.015, 1.005, 2.675, 1e15, 1e16, 4.5e13, 123_456.785, -69.8, 5e-324];
        xs.extend([0.1 + 0.2, 1e-7, -1e-13, 22_517_998_136_852.47, 22_517_998_136_852.48, 2_251_799_813_685.248, 0.999_999_999_999_9]);
        for _ in 0..100_000 {
            let r = next();
            let digits = (r % 13) as i32;
            #[allow(clippy::cast_precision_loss)]
            let n = ((r >> 8) % 100_000_000) as f64 / 10f64.powi(digits);
            xs.push(if r & 1 == 0 { n } else { -n });
            let bits = f64::from_bits(next());
            if bits.is_finite() {
                xs.push(bits);
            }
        }
        for x in xs {
            for d in 0..=12 {
                let got = fixed(x, d);
                assert_eq!(got, format!("{x:.d$}"), "{x:e} at {d} decimals");
                if d <= 6 {
                    assert_eq!(got, by_shortest(x, d), "{x:e} at {d} decimals, against the previous fast path");
                }
            }
        }
    }

    #[test]
    fn counts_agree_in_both_languages() {
        let goals = |lang, n| plural(lang, n, ["goal", "goals"], ["mål", "mål"]);
        let met = |lang, n| plural(lang, n, ["attained", "attained"], ["uppfyllt", "uppfyllda"]);
        assert_eq!(goals(Language::En, 1), "1 goal");
        assert_eq!(goals(Language::En, 2), "2 goals");
        assert_eq!(goals(Language::En, 0), "0 goals");
        assert_eq!(met(Language::Sv, 1), "1 uppfyllt");
        assert_eq!(met(Language::Sv, 2), "2 uppfyllda");
        assert_eq!(met(Language::Sv, 0), "0 uppfyllda");
        assert_eq!(plural(Language::Sv, 1, ["assignment", "assignments"], ["uppdrag", "uppdrag"]), "1 uppdrag");
        assert_eq!(plural(Language::En, 11, ["assignment", "assignments"], ["uppdrag", "uppdrag"]), "11 assignments");
    }

    #[test]
    fn numbers_are_read_with_either_mark_and_never_a_thousands_separator() {
        let ok = |t: &str, m| parse_number(t, m).unwrap_or(f64::NAN);
        assert_eq!(ok("85,5", DecimalMark::Either), 85.5);
        assert_eq!(ok("85.5", DecimalMark::Either), 85.5);
        assert_eq!(ok("-3", DecimalMark::Either), -3.0);
        assert_eq!(ok("1e3", DecimalMark::Either), 1000.0);
        assert_eq!(ok("-0,5", DecimalMark::Comma), -0.5);
        assert_eq!(ok("1234", DecimalMark::Comma), 1234.0);
        assert_eq!(ok(",5", DecimalMark::Either), 0.5);
        for (text, mark, why) in [
            ("1,234.5", DecimalMark::Either, "both a comma and a point"),
            ("1.234,5", DecimalMark::Comma, "both a comma and a point"),
            ("1,234,567", DecimalMark::Either, "more than one decimal mark"),
            ("1.234.567", DecimalMark::Either, "more than one decimal mark"),
            ("1 234", DecimalMark::Either, "a space"),
            ("1\u{a0}234,5", DecimalMark::Comma, "a space"),
            ("1'234", DecimalMark::Either, "apostrophe"),
            ("85.5", DecimalMark::Comma, "decimals with a comma"),
            ("85,5 %", DecimalMark::Comma, "a space"),
            ("85,5%", DecimalMark::Comma, "at most one decimal mark"),
            ("abc", DecimalMark::Either, "at most one decimal mark"),
            ("0x10", DecimalMark::Either, "at most one decimal mark"),
            ("", DecimalMark::Either, "at most one decimal mark"),
            ("-", DecimalMark::Either, "at most one decimal mark"),
            (",", DecimalMark::Either, "at most one decimal mark"),
            ("1e", DecimalMark::Either, "at most one decimal mark"),
        ] {
            let e = parse_number(text, mark).expect_err(text);
            assert_eq!(e.code(), Code::DataInvalidValue, "{text}");
            assert!(e.message().contains(why), "{text}: {}", e.message());
            assert!(e.message().starts_with(&format!("`{}` is not a number", text.trim())), "{}", e.message());
        }
        for text in ["inf", "-inf", "NaN", "1e999"] {
            assert_eq!(parse_number(text, DecimalMark::Either).map_err(|e| e.code()), Err(Code::DataNotFinite), "{text}");
        }
    }

    #[test]
    fn swedish_numbers_use_a_decimal_comma() {
        assert_eq!(format_number(Some(72.3), None, Language::Sv), "72,3");
        assert_eq!(format_number(Some(72.0), None, Language::En), "72");
        assert_eq!(format_number(Some(-0.5), Some(2), Language::Sv), "−0,50");
        assert_eq!(format_number(None, None, Language::Sv), "–");
        assert_eq!(format_number(Some(64891.0), None, Language::Sv), "64\u{a0}891");
        assert_eq!(format_number(Some(1234.5), None, Language::En), "1234.5");
        assert_eq!(format_number(Some(-114705.25), Some(1), Language::En), "-114,705.2");
        assert_eq!(format_number(Some(-1234567.0), None, Language::Sv), "−1\u{a0}234\u{a0}567");
        assert_eq!(format_number(Some(12345.678), None, Language::En), "12,345.68");
        assert_eq!(format_number(Some(-0.001), None, Language::En), "0");
        assert_eq!(format_number(Some(-0.001), Some(1), Language::Sv), "−0,0");
        assert_eq!(format_number(Some(100.0), None, Language::Sv), "100");
        assert_eq!(format_number(Some(0.5), Some(0), Language::En), "0");
        assert_eq!(format_number(Some(f64::INFINITY), None, Language::Sv), "inf");
    }
}
