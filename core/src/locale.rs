//! Locale: the one place the plan's language is picked, and numbers with their units as reports show them.

use crate::model::Language;
use crate::sandbox::limits;

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

/// Formats a number for a report in the plan's language: decimal comma in Swedish,
/// trailing zeros trimmed unless `decimals` is given, `–` for a missing value.
pub(crate) fn format_number(x: Option<f64>, decimals: Option<u32>, lang: Language) -> String {
    let Some(x) = x else { return "–".to_string() };
    if !x.is_finite() {
        return x.to_string();
    }
    let mut s = match decimals {
        Some(d) => format!("{x:.*}", d.min(limits::MAX_DECIMALS) as usize),
        None => {
            let mut s = format!("{x:.2}");
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
