//! Why a rule's run failed, as facts, and the one table of its words: English for the error's message, the plan's language for a report.

use crate::model::Language;

/// A rule's failed run: the rule, what went wrong, and the function of the script it happened in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleFailure {
    /// Std name or script path.
    pub rule: String,
    pub cause: Cause,
    /// The script's own function the failure happened in (`fn f() { … }`), when not its body.
    pub within: Option<String>,
    /// A wrong result whose statement is not known: how many statements could have given it.
    pub unplaced: Option<usize>,
}

/// What went wrong, with the names and numbers involved (never Rhai's text, except in `Other`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cause {
    /// A function called with these argument types does not exist (`attaind ()`, `max (f64, string)`).
    FunctionNotFound(String),
    VariableNotFound(String),
    PropertyNotFound(String),
    IndexNotFound(String),
    ModuleNotFound(String),
    /// A value of type `actual` where `expected` was needed (either may be unknown: empty).
    DataType {
        actual: String,
        expected: String,
    },
    /// A value of this type cannot be indexed.
    NotIndexable(String),
    /// An integer division by zero, as Rhai writes it (`10 / 0`).
    DivisionByZero(String),
    /// Another arithmetic failure (an overflow), in Rhai's words.
    Arithmetic(String),
    ArrayBounds {
        len: usize,
        index: i64,
    },
    StringBounds {
        len: usize,
        index: i64,
    },
    /// `throw "text"`: the author's text, as written; `None` for a bare `throw`.
    Thrown(Option<String>),
    AssignToConstant(String),
    NotIterable,
    /// A failure this table has no words of its own for, in Rhai's English.
    Other(String),
    Operations(u64),
    MemoryMib(usize),
    TimeSeconds(f64),
    Cancelled,
    TimedOut,
    Variables(usize),
    /// A string, array or map grew beyond its limit (Rhai's `Length of string`, `Size of array`, …).
    TooLarge {
        what: String,
        string: usize,
        array: usize,
        map: usize,
    },
    Depth(usize),
    Modules(usize),
    /// The script's value was a number outside 0..1.
    Number(f64),
    /// The script's value was neither a status nor a number: its type and the start of its text.
    Returned {
        type_name: String,
        shown: String,
    },
    /// The script returned a status id the plan's scale does not have.
    UnknownStatus {
        status: String,
        levels: String,
    },
}

/// How the failure's clause is joined to the rule's name in the English message.
enum Join {
    /// `rule `x` failed: Function not found: …`
    Failed,
    /// `rule `x` stopped: …`, `rule `x` returned …`
    Direct,
}

impl RuleFailure {
    /// The error's message (English, the API's): `rule `rules/x.rhai` failed: Function not found: attaind ()`.
    pub(crate) fn message(&self) -> String {
        let (join, clause) = self.cause.words(Language::En);
        let rule = &self.rule;
        let within = self.after(Language::En);
        match join {
            Join::Failed => format!("rule `{rule}` failed: {clause}{within}"),
            Join::Direct => format!("rule `{rule}` {clause}{within}"),
        }
    }

    /// The failure in the plan's language, for a reason or a warning after the rule's place
    /// (which names the file): `funktionen finns inte: attaind ()`.
    pub(crate) fn said(&self, lang: Language) -> String {
        format!("{}{}", self.cause.words(lang).1, self.after(lang))
    }

    /// What follows the cause: the function it happened in, or why a wrong result has no line.
    fn after(&self, lang: Language) -> String {
        let mut out = match &self.within {
            Some(f) => lang.pick(format!(" (in function `{f}`)"), format!(" (i funktionen `{f}`)")),
            None => String::new(),
        };
        if let Some(n) = self.unplaced {
            out.push_str(&lang.pick(
                format!("; the value came from one of {n} statements that can end the script (its `return`s and last statement), so no line is known"),
                format!("; värdet kom från en av {n} satser som kan avsluta skriptet (dess `return` och sista sats), så ingen rad kan anges"),
            ));
        }
        out
    }
}

impl Cause {
    /// The one table: each cause in English and Swedish.
    fn words(&self, lang: Language) -> (Join, String) {
        let direct = |en: String, sv: String| (Join::Direct, lang.pick(en, sv));
        let failed = |en: String, sv: String| (Join::Failed, lang.pick(en, sv));
        match self {
            Cause::FunctionNotFound(f) => failed(format!("Function not found: {f}"), format!("funktionen finns inte: {f}")),
            Cause::VariableNotFound(v) => failed(format!("Variable not found: {v}"), format!("variabeln finns inte: {v}")),
            Cause::PropertyNotFound(p) => failed(format!("Property not found: {p}"), format!("egenskapen finns inte: {p}")),
            Cause::IndexNotFound(i) => failed(format!("Invalid index: {i}"), format!("ogiltigt index: {i}")),
            Cause::ModuleNotFound(m) => failed(format!("Module not found: {m}"), format!("modulen finns inte: {m}")),
            Cause::DataType { actual, expected } => (Join::Failed, data_type(lang, actual, expected)),
            Cause::NotIndexable(t) => failed(format!("Indexer unavailable: {t}"), format!("{t} går inte att indexera")),
            Cause::DivisionByZero(x) => failed(format!("Division by zero: {x}"), format!("division med noll: {x}")),
            Cause::Arithmetic(x) => failed(x.clone(), format!("räknefel: {x}")),
            Cause::ArrayBounds { len, index } => {
                (Join::Failed, bounds(lang, *len, *index, ("Array", "array", "element", "elements"), ("listan", "element", "element")))
            }
            Cause::StringBounds { len, index } => {
                (Join::Failed, bounds(lang, *len, *index, ("String", "string", "character", "characters"), ("texten", "tecken", "tecken")))
            }
            Cause::Thrown(Some(text)) => (Join::Failed, text.clone()),
            Cause::Thrown(None) => failed("it threw without a message".into(), "den kastade ett fel utan text".into()),
            Cause::AssignToConstant(c) => failed(format!("Cannot modify constant {c}"), format!("konstanten {c} kan inte ändras")),
            Cause::NotIterable => failed("For loop expects iterable type".into(), "for-slingan behöver något att gå igenom".into()),
            Cause::Other(x) => (Join::Failed, x.clone()),
            Cause::Operations(n) => direct(
                format!("stopped: it ran more than the limit of {n} operations (an endless loop?)"),
                format!("stoppades: den körde fler än gränsen på {n} operationer (en oändlig slinga?)"),
            ),
            Cause::MemoryMib(n) => direct(
                format!("stopped: it held more than the limit of {n} MiB of memory"),
                format!("stoppades: den höll mer än gränsen på {n} MiB minne"),
            ),
            Cause::TimeSeconds(s) => direct(
                format!("stopped: it ran longer than the limit of {s} s"),
                format!("stoppades: den körde längre än gränsen på {} s", s.to_string().replace('.', ",")),
            ),
            Cause::Cancelled => direct("stopped: cancelled".into(), "stoppades: avbruten".into()),
            Cause::TimedOut => direct("stopped: the call's timeout was reached".into(), "stoppades: anropets tidsgräns nåddes".into()),
            Cause::Variables(n) => direct(
                format!("stopped: more than the limit of {n} variables in scope"),
                format!("stoppades: fler än gränsen på {n} variabler"),
            ),
            Cause::TooLarge { what, string, array, map } => direct(
                format!(
                    "stopped: {} grew beyond its limit (strings {string} characters, arrays {array} elements, maps {map} entries)",
                    what.to_lowercase()
                ),
                format!(
                    "stoppades: {} växte över sin gräns (texter {string} tecken, listor {array} element, mappar {map} poster)",
                    swedish_size(what)
                ),
            ),
            Cause::Depth(n) => direct(
                format!("stopped: calls nested deeper than the limit of {n} levels"),
                format!("stoppades: anropen nästlades djupare än gränsen på {n} nivåer"),
            ),
            Cause::Modules(n) => direct(
                format!("stopped: it imports more than {n} modules, or its imports nest deeper (an import cycle?)"),
                format!("stoppades: den importerar fler än {n} moduler, eller importerna nästlas djupare (en importcirkel?)"),
            ),
            Cause::Number(x) => direct(
                format!("returned the number {x}, but a score must be between 0 and 1"),
                format!("gav talet {}, men en poäng måste ligga mellan 0 och 1", x.to_string().replace('.', ",")),
            ),
            Cause::Returned { type_name, shown } => (Join::Direct, returned(lang, type_name, shown)),
            Cause::UnknownStatus { status, levels } => direct(
                format!("returned status `{status}`, which is not on the scale ({levels}, no_data)"),
                format!("gav statusen `{status}`, som inte finns på skalan ({levels}, no_data)"),
            ),
        }
    }
}

fn returned(lang: Language, type_name: &str, shown: &str) -> String {
    let what = "attained(), partly(), not_attained(), no_data(), status(\"id\")";
    lang.pick(
        format!("returned {type_name} (`{shown}`); it must return {what} or a score in 0..1"),
        format!("gav {type_name} (`{shown}`); den måste ge {what} eller en poäng i 0..1"),
    )
}

fn data_type(lang: Language, actual: &str, expected: &str) -> String {
    match (actual, expected) {
        ("", e) => lang.pick(format!("Data type incorrect, expecting {e}"), format!("fel datatyp, väntade {e}")),
        (a, "") => lang.pick(format!("Data type incorrect: {a}"), format!("fel datatyp: {a}")),
        (a, e) => lang.pick(format!("Data type incorrect: {a} (expecting {e})"), format!("fel datatyp: {a} (väntade {e})")),
    }
}

/// An index out of bounds: Rhai's English, or Swedish (`index 5 ligger utanför listan: den har bara 3 element`).
fn bounds(lang: Language, len: usize, index: i64, en: (&str, &str, &str, &str), sv: (&str, &str, &str)) -> String {
    let (noun, thing, one, many) = en;
    let (the, one_sv, many_sv) = sv;
    match (lang, len) {
        (Language::Sv, 0) => format!("index {index} ligger utanför {the}: den är tom"),
        (Language::Sv, 1) => format!("index {index} ligger utanför {the}: den har bara 1 {one_sv}"),
        (Language::Sv, n) => format!("index {index} ligger utanför {the}: den har bara {n} {many_sv}"),
        (_, 0) => format!("{noun} index {index} out of bounds: {thing} is empty"),
        (_, 1) => format!("{noun} index {index} out of bounds: only 1 {one} in {thing}"),
        (_, n) => format!("{noun} index {index} out of bounds: only {n} {many} in {thing}"),
    }
}

/// Rhai's name of what grew too large, in Swedish.
fn swedish_size(what: &str) -> String {
    match what {
        "Length of string" => "en text".into(),
        "Size of array" => "en lista".into(),
        "Size of object map" => "en mapp".into(),
        other => other.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cause has words of its own in each language; only the author's `throw` text and
    /// Rhai's own words for a failure the table does not know stay as they are.
    #[test]
    fn every_cause_is_said_in_both_languages() {
        let s = |x: &str| x.to_string();
        let causes = [
            Cause::FunctionNotFound(s("f ()")),
            Cause::VariableNotFound(s("v")),
            Cause::PropertyNotFound(s("p")),
            Cause::IndexNotFound(s("9")),
            Cause::ModuleNotFound(s("m")),
            Cause::DataType { actual: s("string"), expected: s("bool") },
            Cause::DataType { actual: s(""), expected: s("bool") },
            Cause::DataType { actual: s("string"), expected: s("") },
            Cause::NotIndexable(s("f64")),
            Cause::DivisionByZero(s("1 / 0")),
            Cause::Arithmetic(s("Addition overflow: 1 + 2")),
            Cause::ArrayBounds { len: 0, index: 1 },
            Cause::ArrayBounds { len: 1, index: 1 },
            Cause::StringBounds { len: 3, index: 4 },
            Cause::Thrown(None),
            Cause::AssignToConstant(s("value")),
            Cause::NotIterable,
            Cause::Operations(10),
            Cause::MemoryMib(16),
            Cause::TimeSeconds(1.5),
            Cause::Cancelled,
            Cause::TimedOut,
            Cause::Variables(1000),
            Cause::TooLarge { what: s("Size of array"), string: 1, array: 2, map: 3 },
            Cause::Depth(16),
            Cause::Modules(16),
            Cause::Number(1.5),
            Cause::Returned { type_name: s("string"), shown: s("x") },
            Cause::UnknownStatus { status: s("great"), levels: s("attained") },
        ];
        for cause in causes {
            let f = RuleFailure { rule: s("rules/x.rhai"), cause: cause.clone(), within: None, unplaced: None };
            let (en, sv) = (f.said(Language::En), f.said(Language::Sv));
            assert!(!en.is_empty() && en != sv, "{cause:?}: `{en}` / `{sv}`");
            assert!(f.message().starts_with("rule `rules/x.rhai` ") && f.message().ends_with(&en), "{}", f.message());
        }
        for kept in [Cause::Thrown(Some(s("Värdet saknas"))), Cause::Other(s("Malformed dot expression"))] {
            let f = RuleFailure { rule: s("r"), cause: kept, within: None, unplaced: None };
            assert_eq!(f.said(Language::En), f.said(Language::Sv));
        }
    }
}
