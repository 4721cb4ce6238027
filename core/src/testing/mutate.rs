//! The mutants of one rule script, made on Rhai's own tokens: comparisons, `&&`/`||`, numbers, status calls, a branch's `return`, `??` defaults.
//!
//! The script is read by Rhai's tokenizer (`Engine::lex`), so a `<` inside a string or a comment
//! is never taken for an operator. Each mutation replaces one token's text:
//!
//! | token | mutant |
//! |---|---|
//! | `<` `<=` `>` `>=` | loosened or tightened: `<=` `<` `>=` `>` |
//! | `==` `!=` | flipped: `!=` `==` |
//! | `&&` `\|\|` | swapped |
//! | a whole number `n` | `n + 1` (`0` → `1`) |
//! | a decimal number `x` | `x × 10`, written by moving the point (`0.05` → `0.5`); `0.0` → `1.0` |
//! | `attained(` `partly(` `not_attained(` | each of the other two |
//! | `return` in an `if`/`else` branch | removed: the branch's value is dropped and the script goes on |
//! | `?? true` `?? false` `?? "text"` | `?? false` `?? true` `?? ""` (a number after `??` is a number above) |
//!
//! Inside `${…}` of an interpolated string nothing is mutated: it only writes the reason's text.
//! The order is the script's order, then the table's, so the same script always gives the same
//! mutants.

use rhai::Token;

/// One mutation of a script: where it stands (1-based line and column, as Rhai counts them),
/// the text it replaces and the text put there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mutation {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) original: String,
    pub(crate) mutated: String,
    /// Byte range of `original` in the script.
    start: usize,
    end: usize,
}

impl Mutation {
    /// The script with this mutation made.
    pub(crate) fn apply(&self, source: &str) -> String {
        let mut out = String::with_capacity(source.len() + self.mutated.len());
        out.push_str(&source[..self.start]);
        out.push_str(&self.mutated);
        out.push_str(&source[self.end..]);
        out
    }
}

const STATUSES: [&str; 3] = ["attained", "partly", "not_attained"];

/// Byte offsets of each line's start, for turning Rhai's line and column into an offset.
struct Lines<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(source: &'a str) -> Lines<'a> {
        Lines { source, starts: std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }

    /// The byte offset of `line:column` (1-based; a column counts characters).
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let rest = &self.source[start..];
        rest.char_indices().nth(column.checked_sub(1)?).map(|(i, _)| start + i)
    }

    /// A mutation of `original` at `line:column` into `mutated`, when the script holds `original` there.
    fn mutation(&self, line: usize, column: usize, original: &str, mutated: String) -> Option<Mutation> {
        let start = self.offset(line, column)?;
        self.source[start..].starts_with(original).then(|| Mutation {
            line,
            column,
            original: original.to_string(),
            mutated,
            start,
            end: start + original.len(),
        })
    }

    /// The text of the literal starting at `line:column`: its characters up to the first that
    /// cannot be part of a number.
    fn number_text(&self, line: usize, column: usize) -> Option<&'a str> {
        let start = self.offset(line, column)?;
        let rest = &self.source[start..];
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
        Some(rest[..len].trim_end_matches('.'))
    }
}

/// What the token before this one was, for `attained(` and `?? x`.
#[derive(Clone, PartialEq)]
enum Before {
    Status(String, usize, usize),
    Coalesce,
    Other,
}

/// Every mutation of `source`, in order. A script Rhai cannot tokenise gives those before the
/// error (it will not compile anyway).
pub(crate) fn mutations(source: &str) -> Vec<Mutation> {
    let engine = rhai::Engine::new_raw();
    let inputs = [source];
    let (tokens, control) = engine.lex(&inputs);
    let lines = Lines::new(source);
    let mut out = Vec::new();
    // Brace depths at which an interpolation `${` opened; blocks as branch (if/else) or not.
    let (mut interpolations, mut blocks, mut depth) = (Vec::<usize>::new(), Vec::<bool>::new(), 0usize);
    let (mut pending, mut before) = (None::<bool>, Before::Other);
    for (token, pos) in tokens {
        let (Some(line), Some(column)) = (pos.line(), pos.position()) else { break };
        let inside = !interpolations.is_empty();
        let mut next = Before::Other;
        match &token {
            Token::EOF | Token::LexError(_) => break,
            Token::InterpolatedString(_) => interpolations.push(depth),
            Token::LeftBrace | Token::MapStart => {
                depth += 1;
                blocks.push(matches!(token, Token::LeftBrace) && pending.take().unwrap_or(false));
            }
            Token::RightBrace => {
                depth = depth.saturating_sub(1);
                blocks.pop();
                if interpolations.last() == Some(&depth) {
                    interpolations.pop();
                    // What the parser does after an interpolation's block: text again.
                    control.borrow_mut().is_within_text = true;
                }
            }
            Token::If | Token::Else => pending = Some(true),
            Token::Fn | Token::While | Token::Loop | Token::For | Token::Do | Token::Switch => pending = Some(false),
            _ if inside => {}
            Token::Return if blocks.last() == Some(&true) => {
                // The spaces after it go too, so that the mutant reads as written without it.
                out.extend(lines.mutation(line, column, "return", String::new()).map(|mut m| {
                    m.end += source[m.end..].len() - source[m.end..].trim_start_matches([' ', '\t']).len();
                    m
                }));
            }
            Token::Identifier(name) if STATUSES.contains(&name.as_str()) => next = Before::Status(name.to_string(), line, column),
            // `attained()` is one token, `()`.
            Token::LeftParen | Token::Unit => {
                if let Before::Status(name, l, c) = &before {
                    for other in STATUSES.iter().filter(|s| **s != name.as_str()) {
                        out.extend(lines.mutation(*l, *c, name, (*other).to_string()));
                    }
                }
            }
            Token::DoubleQuestion => next = Before::Coalesce,
            _ => out.extend(operand(&token, line, column, &lines, before == Before::Coalesce)),
        }
        before = next;
    }
    out
}

/// The mutation of an operator or a literal token, if it has one.
fn operand(token: &Token, line: usize, column: usize, lines: &Lines<'_>, after_coalesce: bool) -> Option<Mutation> {
    let swap = |to: &str| lines.mutation(line, column, token.literal_syntax(), to.to_string());
    match token {
        Token::LessThan => swap("<="),
        Token::LessThanEqualsTo => swap("<"),
        Token::GreaterThan => swap(">="),
        Token::GreaterThanEqualsTo => swap(">"),
        Token::EqualsTo => swap("!="),
        Token::NotEqualsTo => swap("=="),
        Token::And => swap("||"),
        Token::Or => swap("&&"),
        Token::True if after_coalesce => swap("false"),
        Token::False if after_coalesce => swap("true"),
        Token::StringConstant(s) if after_coalesce && !s.is_empty() => {
            let text = format!("\"{s}\"");
            lines.mutation(line, column, &text, "\"\"".to_string())
        }
        Token::IntegerConstant(n) => {
            let text = lines.number_text(line, column)?;
            lines.mutation(line, column, text, n.checked_add(1)?.to_string())
        }
        Token::FloatConstant(f) => {
            let text = lines.number_text(line, column)?;
            lines.mutation(line, column, text, times_ten(text, *f.0))
        }
        _ => None,
    }
}

/// `x × 10` as a decimal literal, by moving the point of `text` (`0.05` → `0.5`, `2.5` → `25.0`);
/// `0.0` → `1.0`; a literal with an exponent is written from its value.
fn times_ten(text: &str, value: f64) -> String {
    if value == 0.0 {
        return "1.0".to_string();
    }
    let digits = text.replace('_', "");
    match digits.split_once('.') {
        Some((whole, frac)) if !digits.contains(['e', 'E']) => {
            let (first, rest) = frac.split_at(frac.len().min(1));
            let whole = format!("{whole}{}", if first.is_empty() { "0" } else { first });
            let whole = whole.trim_start_matches('0');
            format!("{}.{}", if whole.is_empty() { "0" } else { whole }, if rest.is_empty() { "0" } else { rest })
        }
        _ => format!("{:?}", value * 10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(source: &str) -> Vec<(usize, usize, String, String)> {
        mutations(source).into_iter().map(|m| (m.line, m.column, m.original, m.mutated)).collect()
    }

    #[test]
    fn operators_numbers_and_statuses_at_their_places() {
        let got = made("if value < 0.05 && x >= 3 {\n    return attained(\"a < b\");\n}\npartly()");
        let want = [
            (1, 10, "<", "<="),
            (1, 12, "0.05", "0.5"),
            (1, 17, "&&", "||"),
            (1, 22, ">=", ">"),
            (1, 25, "3", "4"),
            (2, 5, "return", ""),
            (2, 12, "attained", "partly"),
            (2, 12, "attained", "not_attained"),
            (4, 1, "partly", "attained"),
            (4, 1, "partly", "not_attained"),
        ];
        let want: Vec<_> = want.iter().map(|(l, c, o, m)| (*l, *c, o.to_string(), m.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_return_outside_a_branch_and_text_in_interpolations_are_left() {
        let got = made("fn f(x) { return x > 1; }\nlet t = `${fmt(x * 100.0)} %`;\nif t == \"\" { return 2; }\nreturn t;");
        let want: Vec<_> = [(1, 20, ">", ">="), (1, 22, "1", "2"), (3, 6, "==", "!="), (3, 14, "return", ""), (3, 21, "2", "3")]
            .iter()
            .map(|(l, c, o, m)| (*l, *c, o.to_string(), m.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn coalesce_defaults_and_decimal_points() {
        let got = made("let a = params.x ?? \"national\"; let b = params.y ?? true; let c = params.z ?? 0.0;");
        let mutated: Vec<_> = got.iter().map(|(_, _, o, m)| format!("{o}->{m}")).collect();
        assert_eq!(mutated, ["\"national\"->\"\"", "true->false", "0.0->1.0"]);
        assert_eq!(times_ten("2.5", 2.5), "25.0");
        assert_eq!(times_ten("100.0", 100.0), "1000.0");
        assert_eq!(times_ten("0.75", 0.75), "7.5");
    }

    #[test]
    fn applying_a_mutation_changes_only_its_text() {
        let source = "if value <= 1 { return no_data(); }\nattained()";
        let m = mutations(source);
        assert_eq!(m[0].apply(source), "if value < 1 { return no_data(); }\nattained()");
        assert_eq!(m[2].apply(source), "if value <= 1 { no_data(); }\nattained()");
    }
}
