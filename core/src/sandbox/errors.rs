//! A script's failure as an [`Error`]: named for the limit that stopped it, at the place Rhai gives.

use super::budget::Exceeded;
use super::limits;
use crate::error::{Code, Error};
use rhai::{EvalAltResult, ImmutableString, ParseError, ParseErrorType};

/// A script that does not compile, at the place Rhai names; `names` is what the script may read.
pub(crate) fn compile_error(e: &ParseError, file: &str, names: &[&str]) -> Error {
    let (line, col) = (e.1.line().unwrap_or(0), e.1.position().unwrap_or(0));
    let (code, message) = match &*e.0 {
        ParseErrorType::VariableUndefined(name) => (
            Code::RuleUnknownName,
            format!(
                "script does not compile: `{name}` is not defined (a script sees {}; any other name it declares itself)",
                names.join(", ")
            ),
        ),
        ParseErrorType::ModuleUndefined(name) => {
            (Code::RuleUnknownName, format!("script does not compile: module `{name}` is not imported (`import \"path\" as {name};`)"))
        }
        ParseErrorType::TooManyFunctions => (
            Code::RuleLimitFunctions,
            format!("script does not compile: it defines more than the limit of {} functions", limits::MAX_FUNCTIONS),
        ),
        other => (Code::RuleCompile, format!("script does not compile: {other}")),
    };
    Error::new(code, message).in_file(file).at(line, col.max(1))
}

/// A script that failed while running, named for what stopped it, at the place Rhai gives.
pub(crate) fn runtime_error(rule: &str, e: &EvalAltResult) -> Error {
    let file = crate::stdlib::rule_file(rule);
    // A limit hit inside an imported module is named as such; the position stays the import's.
    let mut cause = e;
    // A limit hit inside an imported module or a closure (`map`, `sort`) is named as that limit.
    while let EvalAltResult::ErrorInModule(_, inner, _) | EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = cause {
        cause = inner;
    }
    let (code, message) = match cause {
        EvalAltResult::ErrorTerminated(token, _) => match token.read_lock::<ImmutableString>().and_then(|t| Exceeded::from_token(&t)) {
            Some(why) => (
                why.code(),
                match why {
                    Exceeded::Operations => operations_message(rule),
                    Exceeded::Memory => {
                        format!("rule `{rule}` stopped: it held more than the limit of {} MiB of memory", limits::MAX_MEMORY >> 20)
                    }
                    Exceeded::Time => {
                        format!("rule `{rule}` stopped: it ran longer than the limit of {} s", limits::MAX_TIME.as_secs_f64())
                    }
                    Exceeded::Stopped => format!("rule `{rule}` stopped: cancelled"),
                    Exceeded::TimedOut => format!("rule `{rule}` stopped: the call's timeout was reached"),
                },
            ),
            None => (Code::RuleRuntime, format!("rule `{rule}` failed: {}", strip_position(e))),
        },
        EvalAltResult::ErrorTooManyOperations(_) => (Code::RuleLimitOperations, operations_message(rule)),
        EvalAltResult::ErrorTooManyVariables(_) => (
            Code::RuleLimitVariables,
            format!("rule `{rule}` stopped: more than the limit of {} variables in scope", limits::MAX_VARIABLES),
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) => (
            Code::RuleLimitSize,
            format!(
                "rule `{rule}` stopped: {} grew beyond its limit (strings {} characters, arrays {} elements, maps {} entries)",
                what.to_lowercase(),
                limits::MAX_STRING_SIZE,
                limits::MAX_ARRAY_SIZE,
                limits::MAX_MAP_SIZE
            ),
        ),
        EvalAltResult::ErrorStackOverflow(_) => (
            Code::RuleLimitDepth,
            format!("rule `{rule}` stopped: calls nested deeper than the limit of {} levels", limits::MAX_CALL_LEVELS),
        ),
        EvalAltResult::ErrorTooManyModules(_) => (
            Code::RuleLimitModules,
            format!(
                "rule `{rule}` stopped: it imports more than {} modules, or its imports nest deeper (an import cycle?)",
                limits::MAX_MODULES
            ),
        ),
        _ => (Code::RuleRuntime, format!("rule `{rule}` failed: {}", strip_position(e))),
    };
    let pos = e.position();
    let err = Error::new(code, message).in_file(file);
    match (pos.line(), pos.position()) {
        (Some(l), c) => err.at(l, c.unwrap_or(1).max(1)),
        _ => err,
    }
}

/// Runs `f` with at least [`limits::STACK_RED_ZONE`] of stack left, on a fresh segment if need be.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn on_enough_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(limits::STACK_RED_ZONE, 2 * limits::STACK_RED_ZONE, f)
}

/// WebAssembly has one stack, sized at link time (bindings-wasm sets it).
#[cfg(target_arch = "wasm32")]
pub(crate) fn on_enough_stack<T>(f: impl FnOnce() -> T) -> T {
    f()
}

fn operations_message(rule: &str) -> String {
    format!("rule `{rule}` stopped: it ran more than the limit of {} operations (an endless loop?)", limits::MAX_OPERATIONS)
}

fn strip_position(e: &EvalAltResult) -> String {
    let s = e.to_string();
    match s.rfind(" (line ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}
