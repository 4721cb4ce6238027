//! Escaping for every output format. Everything a renderer writes that came from the plan, the
//! data, a rule or a report handed back goes through one of these; each is total on any string.

use std::borrow::Cow;

/// What stands in for a character that must not reach the output (a terminal escape, a NUL).
const REPLACEMENT: char = '\u{fffd}';

/// The colour written when the plan's colour is not a plain CSS colour.
pub(crate) const FALLBACK_COLOR: &str = "#607d8b";

/// Bidirectional controls, which reorder what a terminal shows (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for HTML content and double- or single-quoted attribute values: `& < > " '` as
/// entities, control characters other than tab, newline and carriage return replaced.
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// A colour from the plan as a CSS value: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, a named
/// colour, or `rgb(…)`/`rgba(…)`/`hsl(…)`/`hsla(…)` of numbers; anything else (which could end
/// the declaration and load a URL) becomes [`FALLBACK_COLOR`].
pub(crate) fn css_color(s: &str) -> &str {
    let s = s.trim();
    let hex = s.strip_prefix('#').is_some_and(|h| matches!(h.len(), 3 | 4 | 6 | 8) && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let named = (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic());
    let function = ["rgb(", "rgba(", "hsl(", "hsla("].iter().any(|f| {
        s.len() <= 64
            && s.get(..f.len()).is_some_and(|p| p.eq_ignore_ascii_case(f))
            && s[f.len()..]
                .strip_suffix(')')
                .is_some_and(|args| args.bytes().all(|b| b.is_ascii_digit() || b" .,%/-+degturnad".contains(&b)))
    });
    if hex || named || function { s } else { FALLBACK_COLOR }
}

/// A link target: only `http://` and `https://` URLs (never `javascript:` or `data:`).
pub(crate) fn http_url(s: &str) -> Option<&str> {
    let lower = |n: usize| s.get(..n).map(str::to_ascii_lowercase);
    (lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://")).then_some(s)
}

/// Text for Markdown (CommonMark and GitHub tables): HTML-significant characters as entities,
/// Markdown punctuation backslash-escaped, line breaks as spaces so that a table row stays one row.
pub(crate) fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// Text for a terminal: line breaks and tabs as spaces, other control characters (ANSI escapes
/// included) and bidirectional controls replaced, so that plan text cannot move the cursor,
/// clear the screen or reorder the line.
pub(crate) fn terminal(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || is_bidi_control(c) => REPLACEMENT,
            c => c,
        })
        .collect()
}

/// A CSV cell: control characters other than tab, newline and carriage return replaced, and a
/// cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// carriage return, OWASP's list) prefixed with `'`; a number such as `-3.5` stays as it is.
pub(crate) fn csv_cell(s: &str) -> Cow<'_, str> {
    let clean: Cow<'_, str> = if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        Cow::Owned(s.chars().map(|c| if c.is_control() && !matches!(c, '\t' | '\n' | '\r') { REPLACEMENT } else { c }).collect())
    } else {
        Cow::Borrowed(s)
    };
    let formula = clean.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && !clean.parse::<f64>().is_ok_and(f64::is_finite) { Cow::Owned(format!("'{clean}")) } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_both_quotes() {
        assert_eq!(html("\"><svg onload='x'>&"), "&quot;&gt;&lt;svg onload=&#39;x&#39;&gt;&amp;");
        assert_eq!(html("a\u{1b}[2J\nb"), "a\u{fffd}[2J\nb");
    }

    #[test]
    fn css_colors_are_plain_or_the_fallback() {
        for ok in ["#2e7d32", "#abc", "red", "rgb(1, 2, 3)", "hsla(120deg 50% 50% / .5)"] {
            assert_eq!(css_color(ok), ok);
        }
        for bad in ["red;background:url(http://x)", "#12345", "\"><script>", "rgb(1,2,3);x:y", "expression(alert(1))", ""] {
            assert_eq!(css_color(bad), FALLBACK_COLOR, "{bad}");
        }
    }

    #[test]
    fn only_http_links() {
        assert_eq!(http_url("https://kolada.se/x"), Some("https://kolada.se/x"));
        assert_eq!(http_url("HTTP://a"), Some("HTTP://a"));
        assert_eq!(http_url("javascript:alert(1)"), None);
        assert_eq!(http_url("httpx:alert(1)"), None);
        assert_eq!(http_url("é"), None);
    }

    #[test]
    fn markdown_cannot_open_html_links_or_cells() {
        assert_eq!(markdown("<b>| x |\n[a](javascript:y)"), "&lt;b&gt;\\| x \\| \\[a\\](javascript:y)");
        assert_eq!(markdown("Full-time"), "Full-time");
    }

    #[test]
    fn terminal_text_has_no_escapes() {
        assert_eq!(terminal("a\u{1b}[2J\u{9b}1m\u{202e}b\nc"), "a\u{fffd}[2J\u{fffd}1m\u{fffd}b c");
    }

    #[test]
    fn csv_formula_starts_are_neutralised_numbers_kept() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for s in ["+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-inf", "-NaN"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        for s in ["-3.5", "+2", "-1e5", "plain", "", "a=b"] {
            assert_eq!(csv_cell(s), s);
        }
        assert_eq!(csv_cell("\u{1b}[2J"), "\u{fffd}[2J");
    }
}
