//! The Rhai side: one hardened engine per plan, compiling scripts against their declared scope and
//! running them on one set of inputs. No Rhai type leaves this module except inside [`CompiledRule`].

pub(crate) mod coverage;
mod helpers;
mod modules;
pub(crate) mod mutation;
mod outcome;
mod reads;
mod values;

use crate::error::{Code, Error, Result};
use crate::files::PlanFiles;
use crate::judgement::{AggregationInput, IndicatorContext, Inputs, Outcome, Part};
use crate::model::Language;
use crate::sandbox::budget;
use crate::sandbox::{self, limits};
use crate::stdlib::{self, RuleKind};
use rhai::{AST, Dynamic, Engine, Scope};
use std::cell::RefCell;
use std::sync::Arc;

pub(crate) use outcome::{ResultPlace, returned_error};
pub(crate) use reads::Reads;
pub(crate) use values::{info_map, params_to_dynamic, targets_map};

/// A compiled script: an indicator rule or a goal aggregation.
#[derive(Clone)]
pub(crate) struct CompiledRule {
    /// Std name (`reference`) or path relative to the plan (`rules/x.rhai`).
    pub(crate) id: String,
    pub(crate) kind: RuleKind,
    pub(crate) ast: Arc<AST>,
    /// What the script reads, found in its syntax tree.
    pub(crate) reads: Reads,
    /// The statement the script's value comes from, for the place of a wrong result.
    pub(crate) result_at: ResultPlace,
}

impl std::fmt::Debug for CompiledRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledRule").field("id", &self.id).finish()
    }
}

/// The plan's Rhai engine, hardened, with every helper registered.
#[derive(Clone)]
pub(crate) struct RuleEngine {
    engine: Arc<Engine>,
    modules: Arc<modules::PlanModules>,
}

impl std::fmt::Debug for RuleEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RuleEngine")
    }
}

/// What the polarity-aware helpers (`better`, `shortfall`, `show`) need of the indicator being
/// judged. Rhai gives a native function no view of the scope, and lets a per-run tag be set only
/// through `call_fn_with_options`, which drops the script's own result: so the state is a thread
/// local, set for one run by [`RunState::enter`] and put back when that run ends.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunState {
    pub higher_is_better: bool,
    pub decimals: Option<u32>,
    pub unit: String,
}

thread_local! {
    static RUN: RefCell<RunState> = RefCell::new(RunState { higher_is_better: true, ..RunState::default() });
}

/// Puts back the state of the run outside this one (runs nest when a helper calls a script).
struct RunGuard(Option<RunState>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            RUN.with_borrow_mut(|s| *s = previous);
        }
    }
}

impl RunState {
    fn enter(self) -> RunGuard {
        RunGuard(Some(RUN.with_borrow_mut(|s| std::mem::replace(s, self))))
    }

    /// Reads the current run's state.
    pub(crate) fn with<T>(f: impl FnOnce(&RunState) -> T) -> T {
        RUN.with_borrow(f)
    }
}

impl RuleEngine {
    /// Builds the hardened engine for one plan: the sandbox, the helpers, the plan's modules.
    pub(crate) fn new(lang: Language, files: Arc<PlanFiles>) -> Self {
        let mut engine = sandbox::hardened_engine();
        // One pointer type for both builds: with `sync` the engine is Send + Sync; without it
        // (wasm32) nothing crosses threads, so the Arc is only shared ownership.
        #[allow(clippy::arc_with_non_send_sync)]
        let modules = Arc::new(modules::PlanModules::new(files));
        engine.set_module_resolver(modules::SharedModules(modules.clone()));
        helpers::register(&mut engine, lang);
        coverage::register_probe(&mut engine);
        #[allow(clippy::arc_with_non_send_sync)]
        RuleEngine { engine: Arc::new(engine), modules }
    }

    /// Resolves a rule or aggregation name, as a plan or a test names it: a std name of its kind,
    /// or a script path ending in `.rhai` inside the plan folder.
    pub(crate) fn compile_named(&self, files: &PlanFiles, name: &str, kind: RuleKind) -> Result<CompiledRule> {
        if let Some(source) = kind.std_source(name) {
            return self.compile(name, kind, source, &stdlib::std_file(name));
        }
        if name.ends_with(".rhai") {
            let path = crate::files::join("", name)
                .ok_or_else(|| Error::new(Code::PlanScriptPath, format!("script path `{name}` leaves the plan folder")))?;
            let source = files
                .get(&path)
                .ok_or_else(|| Error::new(Code::PlanMissingScript, format!("script `{name}` does not exist in the plan folder")))?;
            return self.compile(&path, kind, source, &path);
        }
        let names: Vec<&str> = kind.std().iter().map(|(n, _)| *n).collect();
        Err(Error::new(
            Code::PlanUnknownRule,
            format!("`{name}` is not a std {} ({}) nor a script path ending in `.rhai`", kind.noun(), names.join(", ")),
        ))
    }

    /// Compiles one script against the scope of its kind: a name it neither declares nor finds
    /// there is an error at the name.
    pub(crate) fn compile(&self, id: &str, kind: RuleKind, source: &str, file: &str) -> Result<CompiledRule> {
        let mutant = mutation::source_for(file);
        let source = mutant.as_deref().unwrap_or(source);
        if source.len() > limits::MAX_SCRIPT_SIZE {
            return Err(Error::new(
                Code::RuleLimitScript,
                format!("script is {} bytes, more than the limit of {} for one script", source.len(), limits::MAX_SCRIPT_SIZE),
            )
            .in_file(file));
        }
        // Declared as variables, not constants: the optimiser folds a constant's value into the
        // script, and these have none until the rule runs.
        let mut declared = Scope::new();
        for name in kind.scope() {
            declared.push_dynamic(*name, Dynamic::UNIT);
        }
        let ast = self.engine.compile_with_scope(&declared, source).map_err(|e| sandbox::compile_error(&e, file, kind.scope()))?;
        // What the script reads is taken before the optimiser folds away a branch that reads it.
        let reads = Reads::of(&ast);
        let result_at = ResultPlace::of(&ast);
        let mut ast = self.engine.optimize_ast(&declared, ast, rhai::OptimizationLevel::Full);
        coverage::note(&ast, file, source);
        // The source is the script's path, so `import` resolves relative to the importing script.
        ast.set_source(file);
        self.modules.preload(&self.engine, &ast, 0)?;
        #[allow(clippy::arc_with_non_send_sync)] // as for the engine above
        Ok(CompiledRule { id: id.to_string(), kind, ast: Arc::new(ast), reads, result_at })
    }

    /// Runs an indicator rule on one set of inputs.
    pub(crate) fn run_indicator(
        &self,
        rule: &CompiledRule,
        params: &Dynamic,
        inputs: &Inputs,
        ctx: &IndicatorContext<'_>,
    ) -> Result<Outcome> {
        let _run = RunState { higher_is_better: ctx.higher_is_better, decimals: ctx.decimals, unit: ctx.unit.to_string() }.enter();
        let mut scope = values::indicator_scope(rule, params, inputs, ctx);
        self.eval(rule, &mut scope)
    }

    /// Runs a goal aggregation.
    pub(crate) fn run_aggregation(&self, rule: &CompiledRule, params: &Dynamic, input: &AggregationInput<'_>) -> Result<Outcome> {
        let _run = RunState { higher_is_better: true, decimals: None, unit: String::new() }.enter();
        let list = |parts: &[Part]| -> rhai::Array { parts.iter().map(values::part_map).collect() };
        let mut scope = Scope::new();
        scope.push_constant("indicators", list(input.indicators));
        scope.push_constant("assignments", list(input.assignments));
        scope.push_constant("children", list(input.children));
        scope.push_constant_dynamic("params", params.flatten_clone());
        self.eval(rule, &mut scope)
    }

    fn eval(&self, rule: &CompiledRule, scope: &mut Scope) -> Result<Outcome> {
        let out = sandbox::on_enough_stack(|| budget::metered_run(|| self.engine.eval_ast_with_scope::<Dynamic>(scope, &rule.ast)))
            .map_err(|e| sandbox::runtime_error(&rule.id, &e))?;
        outcome::to_outcome(rule, out)
    }
}
