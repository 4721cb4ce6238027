//! The sandbox: every limit a rule runs under, the hardened engine settings, and a script's failure as an [`Error`].

use crate::budget::{self, Exceeded};
use crate::error::{Code, Error};
use rhai::packages::{BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage, MoreStringPackage, Package};
use rhai::{Engine, EvalAltResult, ImmutableString, ParseError, ParseErrorType};

/// Sandbox limits. Each is a guard against a script that loops or grows for ever.
pub(crate) mod limits {
    /// Operations one evaluation may run (a loop iteration is a few).
    pub const MAX_OPERATIONS: u64 = 200_000;
    /// Nested function calls.
    pub const MAX_CALL_LEVELS: usize = 16;
    /// Nesting of expressions (global, inside functions).
    pub const MAX_EXPR_DEPTH: (usize, usize) = (64, 32);
    /// Characters in one string.
    pub const MAX_STRING_SIZE: usize = 10_000;
    /// Elements in one array.
    pub const MAX_ARRAY_SIZE: usize = 10_000;
    /// Entries in one object map.
    pub const MAX_MAP_SIZE: usize = 10_000;
    /// Modules one evaluation may import.
    pub const MAX_MODULES: usize = 16;
    /// Bytes one evaluation may hold at once, everything it built counted (with
    /// [`MeteredAllocator`](crate::MeteredAllocator) installed).
    pub const MAX_MEMORY: usize = 16 << 20;
    /// Wall-clock time one evaluation may take, a second guard behind the operation count (which
    /// is what stops a loop, deterministically); unoptimised builds are ten times slower.
    pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 });
    /// Bytes of one script or module's source: compile time grows faster than the source.
    pub const MAX_SCRIPT_SIZE: usize = 64 << 10;
    /// Variables in scope at once.
    pub const MAX_VARIABLES: usize = 1_000;
    /// Functions one script defines.
    pub const MAX_FUNCTIONS: usize = 256;
    /// Stack one evaluation may need at most: what a script nesting calls and expressions as deep
    /// as the limits allow uses (measured: under 512 KiB in release, 2 MiB unoptimised). With
    /// less left, the evaluation runs on a stack of twice this size of its own.
    pub const STACK_RED_ZONE: usize = if cfg!(debug_assertions) { 4 << 20 } else { 1 << 20 };
    /// Decimals a number is shown with.
    pub const MAX_DECIMALS: u32 = 12;
}

/// A raw engine with Rhai's standard library minus what a rule must not have, and every limit set.
pub(crate) fn hardened_engine() -> Engine {
    let mut engine = Engine::new_raw();
    // Rhai's standard library without time (a rule must give the same verdict tomorrow),
    // blobs and bit fields (no rule needs bytes): determinism, and a smaller .wasm.
    engine.register_global_module(CorePackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    // A name the rule's scope does not declare is a compile error at the name, not a run-time
    // error on the branch that happens to read it.
    engine.set_strict_variables(true);
    engine.set_max_operations(limits::MAX_OPERATIONS);
    // Rhai's own count restarts in every closure `map` or `sort` runs; the budget counts
    // every operation of every frame, and memory and time besides.
    engine.on_progress(|_| budget::tick().map(|e| e.token().into()));
    engine.set_max_variables(limits::MAX_VARIABLES);
    engine.set_max_functions(limits::MAX_FUNCTIONS);
    engine.set_max_call_levels(limits::MAX_CALL_LEVELS);
    engine.set_max_expr_depths(limits::MAX_EXPR_DEPTH.0, limits::MAX_EXPR_DEPTH.1);
    engine.set_max_string_size(limits::MAX_STRING_SIZE);
    engine.set_max_array_size(limits::MAX_ARRAY_SIZE);
    engine.set_max_map_size(limits::MAX_MAP_SIZE);
    engine.set_max_modules(limits::MAX_MODULES);
    engine.set_optimization_level(rhai::OptimizationLevel::Full);
    engine
}

/// A script that does not compile, at the place Rhai names; `names` is what the script may read.
pub(crate) fn compile_error(e: &ParseError, file: &str, names: &[&str]) -> Error {
    let (line, col) = (e.1.line().unwrap_or(0), e.1.position().unwrap_or(0));
    let (code, message) = match &*e.0 {
        ParseErrorType::VariableUndefined(name) => (
            Code::RuleUnknownName,
            format!("script does not compile: `{name}` is not defined (a rule reads {}, and the names it declares)", names.join(", ")),
        ),
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
