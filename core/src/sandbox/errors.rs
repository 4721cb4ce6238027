//! A script's failure as an [`Error`]: named for the limit that stopped it, at the place Rhai gives.

use super::budget::Exceeded;
use super::limits;
use crate::error::{Cause, Code, Error, RuleFailure};
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
    // A failure inside an imported module or a function of the script (or a closure: `map`,
    // `sort`) is named for its cause; the position stays the call's in the rule.
    let (mut cause, mut within) = (e, None);
    loop {
        match cause {
            EvalAltResult::ErrorInModule(_, inner, _) => cause = inner,
            EvalAltResult::ErrorInFunctionCall(name, _, inner, _) => {
                if within.is_none() && !name.starts_with("anon$") {
                    within = Some(name.clone());
                }
                cause = inner;
            }
            _ => break,
        }
    }
    let (code, cause) = classify(cause);
    let err = Error::of_rule(code, RuleFailure { rule: rule.to_string(), cause, within, unplaced: None }).in_file(file);
    let pos = e.position();
    match (pos.line(), pos.position()) {
        (Some(l), c) => err.at(l, c.unwrap_or(1).max(1)),
        _ => err,
    }
}

/// A run's failure as its code and its cause, with the names and numbers involved.
fn classify(e: &EvalAltResult) -> (Code, Cause) {
    use EvalAltResult as E;
    let limit = |code: Code, cause: Cause| (code, cause);
    let runtime = |cause: Cause| (Code::RuleRuntime, cause);
    match e {
        E::ErrorTerminated(token, _) => match token.read_lock::<ImmutableString>().and_then(|t| Exceeded::from_token(&t)) {
            Some(why) => limit(
                why.code(),
                match why {
                    Exceeded::Operations => Cause::Operations(limits::MAX_OPERATIONS),
                    Exceeded::Memory => Cause::MemoryMib(limits::MAX_MEMORY >> 20),
                    Exceeded::Time => Cause::TimeSeconds(limits::MAX_TIME.as_secs_f64()),
                    Exceeded::Stopped => Cause::Cancelled,
                    Exceeded::TimedOut => Cause::TimedOut,
                },
            ),
            None => runtime(Cause::Other(strip_position(e))),
        },
        E::ErrorTooManyOperations(_) => limit(Code::RuleLimitOperations, Cause::Operations(limits::MAX_OPERATIONS)),
        E::ErrorTooManyVariables(_) => limit(Code::RuleLimitVariables, Cause::Variables(limits::MAX_VARIABLES)),
        E::ErrorDataTooLarge(what, _) => limit(
            Code::RuleLimitSize,
            Cause::TooLarge {
                what: what.clone(),
                string: limits::MAX_STRING_SIZE,
                array: limits::MAX_ARRAY_SIZE,
                map: limits::MAX_MAP_SIZE,
            },
        ),
        E::ErrorStackOverflow(_) => limit(Code::RuleLimitDepth, Cause::Depth(limits::MAX_CALL_LEVELS)),
        E::ErrorTooManyModules(_) => limit(Code::RuleLimitModules, Cause::Modules(limits::MAX_MODULES)),
        E::ErrorFunctionNotFound(f, _) => runtime(Cause::FunctionNotFound(f.clone())),
        E::ErrorVariableNotFound(v, _) => runtime(Cause::VariableNotFound(v.clone())),
        E::ErrorPropertyNotFound(p, _) => runtime(Cause::PropertyNotFound(p.clone())),
        E::ErrorIndexNotFound(i, _) => runtime(Cause::IndexNotFound(i.to_string())),
        E::ErrorModuleNotFound(m, _) => runtime(Cause::ModuleNotFound(m.clone())),
        E::ErrorMismatchDataType(expected, actual, _) | E::ErrorMismatchOutputType(expected, actual, _) => {
            runtime(Cause::DataType { actual: actual.clone(), expected: expected.clone() })
        }
        E::ErrorIndexingType(t, _) => runtime(Cause::NotIndexable(t.clone())),
        E::ErrorArithmetic(x, _) => runtime(match x.strip_prefix("Division by zero: ") {
            Some(expr) => Cause::DivisionByZero(expr.to_string()),
            None => Cause::Arithmetic(if x.is_empty() { "Arithmetic error".into() } else { x.clone() }),
        }),
        E::ErrorArrayBounds(len, index, _) => runtime(Cause::ArrayBounds { len: *len, index: *index }),
        E::ErrorStringBounds(len, index, _) => runtime(Cause::StringBounds { len: *len, index: *index }),
        E::ErrorRuntime(value, _) => {
            let text = value.to_string();
            runtime(Cause::Thrown(if value.is_unit() || text.is_empty() { None } else { Some(text) }))
        }
        E::ErrorAssignmentToConstant(c, _) => runtime(Cause::AssignToConstant(c.clone())),
        E::ErrorFor(_) => runtime(Cause::NotIterable),
        _ => runtime(Cause::Other(strip_position(e))),
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

fn strip_position(e: &EvalAltResult) -> String {
    let s = e.to_string();
    match s.rfind(" (line ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}
