//! The sandbox a rule runs in: the hardened engine, its limits, the budget of one run, and a script's failure as an error.

pub(crate) mod budget;
mod errors;
pub(crate) mod limits;

pub use budget::{MeteredAllocator, Stop};
pub(crate) use errors::{compile_error, on_enough_stack, runtime_error};
use rhai::packages::{BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage, MoreStringPackage, Package};
use rhai::{Engine, Module, Shared};

thread_local! {
    /// Rhai's standard library without time (a rule must give the same verdict tomorrow),
    /// blobs and bit fields (no rule needs bytes): determinism, and a smaller .wasm. Made once
    /// per thread and shared by every plan's engine, as Rhai means packages to be: a package is
    /// an immutable module behind a shared pointer, and building its function index anew for
    /// every plan was about a tenth of building one (docs/benchmarks.md, "WebAssembly build").
    static PACKAGES: [Shared<Module>; 6] = [
        CorePackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
    ];
}

/// A raw engine with Rhai's standard library minus what a rule must not have, and every limit set.
pub(crate) fn hardened_engine() -> Engine {
    let mut engine = Engine::new_raw();
    PACKAGES.with(|packages| {
        for package in packages {
            engine.register_global_module(package.clone());
        }
    });
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
    // Scripts are compiled unoptimised, read for what they use, then optimised in full
    // (`RuleEngine::compile`): the optimiser would fold away a branch that reads a param.
    engine.set_optimization_level(rhai::OptimizationLevel::None);
    engine
}
