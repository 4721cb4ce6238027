//! The Rhai side: one hardened engine per plan, the helpers rules call, the standard
//! library compiled in, and the conversion of what a rule returns into a status.
//!
//! No Rhai type leaves this module except inside [`CompiledRule`], which is opaque.

use crate::budget::{self, Exceeded};
use crate::error::{Code, Error, Result};
use crate::files::{self, PlanFiles};
use crate::model::{Language, PeerStats, PeriodValue};
use rhai::packages::{BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage, MoreStringPackage, Package};
use rhai::{AST, Array, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext, Position, Scope};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::Arc;

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

/// The standard library, compiled into the engine so every platform (the browser too) has it.
pub(crate) const STD_RULES: &[(&str, &str)] = &[
    ("target", include_str!("../../rules/std/target.rhai")),
    ("reference", include_str!("../../rules/std/reference.rhai")),
    ("quartile", include_str!("../../rules/std/quartile.rhai")),
    ("trend", include_str!("../../rules/std/trend.rhai")),
    ("trajectory", include_str!("../../rules/std/trajectory.rhai")),
    ("okr", include_str!("../../rules/std/okr.rhai")),
];

/// The standard goal aggregations.
pub(crate) const STD_AGGREGATIONS: &[(&str, &str)] = &[
    ("share", include_str!("../../rules/std/share.rhai")),
    ("majority_improving", include_str!("../../rules/std/majority_improving.rhai")),
    ("mean_score", include_str!("../../rules/std/mean_score.rhai")),
    ("worst", include_str!("../../rules/std/worst.rhai")),
];

/// Source of a std rule or aggregation by name.
pub(crate) fn std_source(name: &str) -> Option<&'static str> {
    STD_RULES.iter().chain(STD_AGGREGATIONS).find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Whether `name` names a std indicator rule.
pub(crate) fn is_std_rule(name: &str) -> bool {
    STD_RULES.iter().any(|(n, _)| *n == name)
}

/// Whether `name` names a std aggregation.
pub(crate) fn is_std_aggregation(name: &str) -> bool {
    STD_AGGREGATIONS.iter().any(|(n, _)| *n == name)
}

/// What a rule returned: a status id of the scale (or `no_data`), a reason, and a score
/// when the rule returned a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub status: String,
    pub reason: Option<String>,
    /// A bare score in 0..1 the rule returned instead of a status (`status` is then empty),
    /// mapped onto the scale by the caller.
    pub score: Option<f64>,
}

impl Verdict {
    pub(crate) fn new(status: impl Into<String>, reason: Option<String>) -> Verdict {
        Verdict { status: status.into(), reason, score: None }
    }
}

thread_local! {
    // Polarity and display of the indicator being evaluated: the polarity-aware helpers
    // (`better`, `shortfall`, `show`) need them and Rhai native functions cannot see the scope.
    static HIGHER_IS_BETTER: Cell<bool> = const { Cell::new(true) };
    static DECIMALS: Cell<Option<u32>> = const { Cell::new(None) };
    static UNIT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A compiled script: an indicator rule or a goal aggregation.
#[derive(Clone)]
pub struct CompiledRule {
    /// Std name (`reference`) or path relative to the plan (`rules/x.rhai`).
    pub(crate) id: String,
    pub(crate) ast: Arc<AST>,
    /// Names read as `params.NAME` in the script: a plan param outside this set is an error.
    pub(crate) params_used: BTreeSet<String>,
    /// Whether the script names `history` / `peers` at all: building them is skipped when not.
    pub(crate) reads_history: bool,
    pub(crate) reads_peers: bool,
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
}

impl std::fmt::Debug for RuleEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RuleEngine")
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
    let (sep, point, minus) = if lang == Language::Sv { ('\u{a0}', ',', "−") } else { (',', '.', "-") };
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

/// A formatted number with its unit, as `show` writes it: `72 %`, `1 200 kr`.
pub(crate) fn with_unit(mut n: String, unit: &str) -> String {
    if !unit.is_empty() {
        n.push(' ');
        n.push_str(unit);
    }
    n
}

fn opt_f64(d: &Dynamic) -> Option<f64> {
    if let Ok(f) = d.as_float() {
        Some(f)
    } else if let Ok(i) = d.as_int() {
        Some(i as f64)
    } else {
        None
    }
}

fn num(d: &Dynamic, what: &str) -> Result<f64, Box<EvalAltResult>> {
    opt_f64(d).ok_or_else(|| format!("{what} must be a number, got `{}`", d.type_name()).into())
}

fn numbers(arr: &Array) -> Result<Vec<f64>, Box<EvalAltResult>> {
    arr.iter().map(|d| num(d, "list element")).collect()
}

fn quantile_of(mut xs: Vec<f64>, q: f64) -> Dynamic {
    if xs.is_empty() {
        return Dynamic::UNIT;
    }
    xs.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Dynamic::from_float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64))
}

fn verdict(status: &str, reason: Option<ImmutableString>) -> Verdict {
    Verdict::new(status, reason.map(|r| r.to_string()))
}

/// Polarity-adjusted relative shortfall of `value` against `reference`: positive is worse.
pub(crate) fn shortfall(value: f64, reference: f64, higher_is_better: bool) -> f64 {
    let diff = if higher_is_better { reference - value } else { value - reference };
    if reference == 0.0 { diff } else { diff / reference.abs() }
}

fn field_str(m: &Map, k: &str) -> String {
    m.get(k).and_then(|d| d.clone().into_immutable_string().ok()).map(|s| s.to_string()).unwrap_or_default()
}

fn field_f64(m: &Map, k: &str) -> Option<f64> {
    m.get(k).and_then(opt_f64)
}

impl RuleEngine {
    /// Builds the hardened engine for one plan: raw engine, helpers, every limit.
    pub(crate) fn new(lang: Language, files: Arc<PlanFiles>) -> Self {
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
        engine.set_module_resolver(PlanModules { files, compiled: Default::default() });
        engine.set_optimization_level(rhai::OptimizationLevel::Full);

        engine.register_type_with_name::<Verdict>("Status");
        engine.register_get("status", |v: &mut Verdict| ImmutableString::from(v.status.as_str()));
        engine.register_get("reason", |v: &mut Verdict| v.reason.clone().map_or(Dynamic::UNIT, Dynamic::from));
        for id in ["attained", "partly", "not_attained", "no_data"] {
            engine.register_fn(id, move || verdict(id, None));
            engine.register_fn(id, move |r: ImmutableString| verdict(id, Some(r)));
        }
        engine.register_fn("status", |id: ImmutableString| verdict(&id, None));
        engine.register_fn("status", |id: ImmutableString, r: ImmutableString| verdict(&id, Some(r)));

        // `tr(en, sv)` is syntax, not a function, so that only the plan's language is built:
        // reasons are most of a std rule's cost. The syntax is static and valid, so this cannot fail.
        let chosen = usize::from(lang == Language::Sv);
        let _ = engine.register_custom_syntax(["tr", "(", "$expr$", ",", "$expr$", ")"], false, move |ctx, inputs| {
            ctx.eval_expression_tree(&inputs[chosen])
        });
        engine.register_fn("is_missing", |x: Dynamic| x.is_unit());
        engine.register_fn("fmt", move |x: Dynamic| format_number(opt_f64(&x), DECIMALS.get(), lang));
        engine.register_fn("fmt", move |x: Dynamic, d: rhai::INT| format_number(opt_f64(&x), Some(d.clamp(0, 12) as u32), lang));
        engine.register_fn("show", move |x: Dynamic| {
            let n = format_number(opt_f64(&x), DECIMALS.get(), lang);
            if x.is_unit() { n } else { UNIT.with_borrow(|u| with_unit(n, u)) }
        });
        engine.register_fn("better", |a: Dynamic, b: Dynamic| -> Result<bool, Box<EvalAltResult>> {
            let (a, b) = (num(&a, "better: first value")?, num(&b, "better: second value")?);
            Ok(if HIGHER_IS_BETTER.get() { a > b } else { a < b })
        });
        engine.register_fn("at_least_as_good", |a: Dynamic, b: Dynamic| -> Result<bool, Box<EvalAltResult>> {
            let (a, b) = (num(&a, "at_least_as_good: first value")?, num(&b, "at_least_as_good: second value")?);
            Ok(if HIGHER_IS_BETTER.get() { a >= b } else { a <= b })
        });
        engine.register_fn("shortfall", |v: Dynamic, r: Dynamic| -> Result<f64, Box<EvalAltResult>> {
            Ok(shortfall(num(&v, "shortfall: value")?, num(&r, "shortfall: reference")?, HIGHER_IS_BETTER.get()))
        });
        engine.register_fn("change", |a: Dynamic, b: Dynamic| -> Result<f64, Box<EvalAltResult>> {
            Ok(num(&a, "change: first value")? - num(&b, "change: second value")?)
        });
        engine.register_fn("pct_change", |a: Dynamic, b: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
            let (a, b) = (num(&a, "pct_change: first value")?, num(&b, "pct_change: second value")?);
            Ok(if b == 0.0 { Dynamic::UNIT } else { Dynamic::from_float((a - b) / b.abs() * 100.0) })
        });
        // trend(history, n): polarity-adjusted change per period over the last n steps;
        // positive is improving, () when there are fewer than two points.
        engine.register_fn("trend", |history: Array, n: rhai::INT| -> Result<Dynamic, Box<EvalAltResult>> {
            let values: Vec<f64> = history
                .iter()
                .filter_map(|d| d.read_lock::<Map>().and_then(|m| m.get("value").and_then(opt_f64)).or_else(|| opt_f64(d)))
                .collect();
            let n = (n.max(1) as usize).min(values.len().saturating_sub(1));
            if n == 0 {
                return Ok(Dynamic::UNIT);
            }
            let last = values[values.len() - 1];
            let first = values[values.len() - 1 - n];
            let per = (last - first) / n as f64;
            Ok(Dynamic::from_float(if HIGHER_IS_BETTER.get() { per } else { -per }))
        });
        engine.register_fn("gap", |w: Dynamic, m: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
            match (opt_f64(&w), opt_f64(&m)) {
                (Some(w), Some(m)) => Ok(Dynamic::from_float(w - m)),
                _ => Ok(Dynamic::UNIT),
            }
        });
        engine.register_fn("mean", |a: Array| -> Result<Dynamic, Box<EvalAltResult>> {
            let xs = numbers(&a)?;
            Ok(if xs.is_empty() { Dynamic::UNIT } else { Dynamic::from_float(xs.iter().sum::<f64>() / xs.len() as f64) })
        });
        engine.register_fn("median", |a: Array| -> Result<Dynamic, Box<EvalAltResult>> { Ok(quantile_of(numbers(&a)?, 0.5)) });
        engine.register_fn("quantile", |a: Array, q: f64| -> Result<Dynamic, Box<EvalAltResult>> { Ok(quantile_of(numbers(&a)?, q)) });
        engine.register_fn("clamp", |x: f64, lo: f64, hi: f64| {
            if x < lo {
                lo
            } else if x > hi {
                hi
            } else {
                x
            }
        });
        engine.register_fn("abs", |x: f64| x.abs());
        // Rhai's `sort(comparer)` is the slice sort, which panics on a comparer that is not a total
        // order and relies on unwinding to turn that into an error; WebAssembly aborts instead. A
        // merge sort has no such case: any answers give some order.
        for name in ["sort", "sort_by"] {
            engine.register_fn(name, |ctx: NativeCallContext, array: &mut Array, comparer: FnPtr| merge_sort(&ctx, array, &comparer));
        }

        // Aggregation helpers over lists of `#{status, weight, score}` maps.
        engine.register_fn("count", |list: Array, status: ImmutableString| {
            list.iter().filter(|d| d.read_lock::<Map>().is_some_and(|m| field_str(&m, "status") == status.as_str())).count() as rhai::INT
        });
        engine.register_fn("share", |list: Array, status: ImmutableString| -> Dynamic {
            let (mut hit, mut all) = (0.0, 0.0);
            for d in &list {
                if let Some(m) = d.read_lock::<Map>() {
                    let s = field_str(&m, "status");
                    if assessed(&s) {
                        let w = field_f64(&m, "weight").unwrap_or(1.0);
                        all += w;
                        if s == status.as_str() {
                            hit += w;
                        }
                    }
                }
            }
            if all == 0.0 { Dynamic::UNIT } else { Dynamic::from_float(hit / all) }
        });
        engine.register_fn("mean_score", |list: Array| -> Dynamic {
            let (mut sum, mut all) = (0.0, 0.0);
            for d in &list {
                if let Some(m) = d.read_lock::<Map>() {
                    if let (true, Some(score)) = (assessed(&field_str(&m, "status")), field_f64(&m, "score")) {
                        let w = field_f64(&m, "weight").unwrap_or(1.0);
                        sum += w * score;
                        all += w;
                    }
                }
            }
            if all == 0.0 { Dynamic::UNIT } else { Dynamic::from_float(sum / all) }
        });
        engine.register_fn("worst", |list: Array| -> Dynamic {
            let mut worst: Option<(f64, String)> = None;
            for d in &list {
                if let Some(m) = d.read_lock::<Map>() {
                    let s = field_str(&m, "status");
                    if let (true, Some(score)) = (assessed(&s), field_f64(&m, "score")) {
                        if worst.as_ref().is_none_or(|(w, _)| score < *w) {
                            worst = Some((score, s));
                        }
                    }
                }
            }
            worst.map_or(Dynamic::UNIT, |(_, s)| Dynamic::from(verdict(&s, None)))
        });
        // One pointer type for both builds: with `sync` the engine is Send + Sync; without it
        // (wasm32) nothing crosses threads, so the Arc is only shared ownership.
        #[allow(clippy::arc_with_non_send_sync)]
        RuleEngine { engine: Arc::new(engine) }
    }

    /// Compiles a std rule (by name) or a plan script (by path, found in `files`).
    pub(crate) fn compile(&self, id: &str, source: &str, file_for_errors: &str) -> Result<CompiledRule> {
        if source.len() > limits::MAX_SCRIPT_SIZE {
            return Err(Error::new(
                Code::RuleLimitScript,
                format!("script is {} bytes, more than the limit of {} for one script", source.len(), limits::MAX_SCRIPT_SIZE),
            )
            .in_file(file_for_errors));
        }
        let mut ast = self.engine.compile(source).map_err(|e| {
            let (line, col) = (e.1.line().unwrap_or(0), e.1.position().unwrap_or(0));
            Error::new(Code::RuleCompile, format!("script does not compile: {}", e.0)).in_file(file_for_errors).at(line, col.max(1))
        })?;
        // The source is the script's path, so `import` resolves relative to the importing script.
        ast.set_source(file_for_errors);
        #[allow(clippy::arc_with_non_send_sync)] // as for the engine above
        Ok(CompiledRule {
            id: id.to_string(),
            ast: Arc::new(ast),
            params_used: params_read(source),
            reads_history: source.contains("history"),
            reads_peers: source.contains("peers"),
        })
    }

    /// Runs an indicator rule on one set of inputs.
    pub(crate) fn run_indicator(&self, rule: &CompiledRule, inputs: &Inputs, ctx: &IndicatorContext<'_>) -> Result<Verdict> {
        HIGHER_IS_BETTER.set(ctx.higher_is_better);
        DECIMALS.set(ctx.decimals);
        UNIT.with_borrow_mut(|u| {
            u.clear();
            u.push_str(ctx.unit)
        });
        // 15 names: room for all of them at once, and for a rule's own `let`s.
        let mut scope = Scope::with_capacity(24);
        scope.push_constant_dynamic("value", opt(inputs.value));
        scope.push_constant_dynamic("target", opt(inputs.target));
        scope.push_constant_dynamic("previous", opt(inputs.previous));
        scope.push_constant_dynamic("history", if rule.reads_history { history_array(&inputs.history) } else { Dynamic::UNIT });
        scope.push_constant_dynamic("national", opt(inputs.national));
        scope.push_constant_dynamic(
            "peers",
            if rule.reads_peers { inputs.peers.as_ref().map_or(Dynamic::UNIT, peers_map) } else { Dynamic::UNIT },
        );
        scope.push_constant_dynamic("percentile", opt(inputs.percentile));
        scope.push_constant_dynamic("women", opt(inputs.women));
        scope.push_constant_dynamic("men", opt(inputs.men));
        scope.push_constant("higher_is_better", ctx.higher_is_better);
        scope.push_constant("direction", if ctx.higher_is_better { "higher" } else { "lower" });
        scope.push_constant("period", inputs.period.clone());
        // Copies, not the shared maps: nothing a rule does to its inputs outlives its evaluation.
        scope.push_constant_dynamic("indicator", ctx.info.flatten_clone());
        scope.push_constant_dynamic("targets", ctx.rhai_targets.flatten_clone());
        scope.push_constant_dynamic("params", ctx.params.flatten_clone());
        self.eval(rule, &mut scope)
    }

    /// Runs a goal aggregation.
    pub(crate) fn run_aggregation(&self, rule: &CompiledRule, input: &AggregationInput<'_>) -> Result<Verdict> {
        let list = |parts: &[Part]| -> Array { parts.iter().map(Part::to_dynamic).collect() };
        HIGHER_IS_BETTER.set(true);
        DECIMALS.set(None);
        UNIT.with_borrow_mut(|u| u.clear());
        let mut scope = Scope::new();
        scope.push_constant("indicators", list(input.indicators));
        scope.push_constant("assignments", list(input.assignments));
        scope.push_constant("children", list(input.children));
        scope.push_constant_dynamic("params", input.params.flatten_clone());
        self.eval(rule, &mut scope)
    }

    fn eval(&self, rule: &CompiledRule, scope: &mut Scope) -> Result<Verdict> {
        let out = on_enough_stack(|| budget::metered_run(|| self.engine.eval_ast_with_scope::<Dynamic>(scope, &rule.ast)))
            .map_err(|e| runtime_error(&rule.id, &e))?;
        self.to_verdict(rule, out)
    }

    fn to_verdict(&self, rule: &CompiledRule, out: Dynamic) -> Result<Verdict> {
        if out.is::<Verdict>() {
            return Ok(out.cast::<Verdict>());
        }
        if let Some(x) = opt_f64(&out) {
            if x.is_finite() && (0.0..=1.0).contains(&x) {
                return Ok(Verdict { status: String::new(), reason: None, score: Some(x) });
            }
            return Err(Error::new(
                Code::RuleInvalidResult,
                format!("rule `{}` returned the number {x}, but a score must be between 0 and 1", rule.id),
            )
            .in_file(rule.file()));
        }
        // Show the value, but not all of it: a script can return a map or string of any size.
        let mut shown: String = out.to_string().chars().take(80).collect();
        if shown.len() < out.to_string().len() {
            shown.push('…');
        }
        Err(Error::new(
            Code::RuleInvalidResult,
            format!(
            "rule `{}` returned {} (`{}`); it must return attained(), partly(), not_attained(), no_data(), status(\"id\") or a score in 0..1",
            rule.id,
            out.type_name(),
            shown
        ),
        )
        .in_file(rule.file()))
    }
}

impl CompiledRule {
    fn file(&self) -> String {
        rule_file(&self.id)
    }
}

/// The file errors of a rule name: `std/NAME.rhai` for the std library, else the script's path.
pub(crate) fn rule_file(rule: &str) -> String {
    if is_std_rule(rule) || is_std_aggregation(rule) { format!("std/{rule}.rhai") } else { rule.to_string() }
}

fn runtime_error(rule: &str, e: &EvalAltResult) -> Error {
    let file = rule_file(rule);
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
fn on_enough_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(limits::STACK_RED_ZONE, 2 * limits::STACK_RED_ZONE, f)
}

/// WebAssembly has one stack, sized at link time (bindings-wasm sets it).
#[cfg(target_arch = "wasm32")]
fn on_enough_stack<T>(f: impl FnOnce() -> T) -> T {
    f()
}

fn operations_message(rule: &str) -> String {
    format!("rule `{rule}` stopped: it ran more than the limit of {} operations (an endless loop?)", limits::MAX_OPERATIONS)
}

/// A stable merge sort calling a script's comparer: never panics whatever it answers, and stops
/// at the comparer's first error (a limit of the budget, a `throw`).
fn merge_sort(ctx: &NativeCallContext, array: &mut Array, comparer: &FnPtr) -> Result<(), Box<EvalAltResult>> {
    if array.len() <= 1 {
        return Ok(());
    }
    // `a` goes after `b` when the comparer says a > b: a positive integer, or `false` for `a <= b`.
    let after = |a: &Dynamic, b: &Dynamic| -> Result<bool, Box<EvalAltResult>> {
        let v = comparer.call_raw(ctx, None, [a.clone(), b.clone()])?;
        if let Ok(i) = v.as_int() {
            Ok(i > 0)
        } else if let Ok(le) = v.as_bool() {
            Ok(!le)
        } else {
            Err(format!("sort: the comparer must return an integer or a bool, got `{}`", v.type_name()).into())
        }
    };
    // Indices are sorted, so that the array is untouched when the comparer fails half-way.
    let n = array.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut buffer: Vec<usize> = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                if after(&array[order[i]], &array[order[j]])? {
                    buffer.push(order[j]);
                    j += 1;
                } else {
                    buffer.push(order[i]);
                    i += 1;
                }
            }
            buffer.extend_from_slice(&order[i..mid]);
            buffer.extend_from_slice(&order[j..end]);
            start = end;
        }
        std::mem::swap(&mut order, &mut buffer);
        buffer.clear();
        width *= 2;
    }
    let mut items: Vec<Option<Dynamic>> = std::mem::take(array).into_iter().map(Some).collect();
    *array = order.into_iter().filter_map(|k| items.get_mut(k).and_then(Option::take)).collect();
    Ok(())
}

fn strip_position(e: &EvalAltResult) -> String {
    let s = e.to_string();
    match s.rfind(" (line ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

fn opt(x: Option<f64>) -> Dynamic {
    x.map_or(Dynamic::UNIT, Dynamic::from_float)
}

fn history_array(h: &[PeriodValue]) -> Dynamic {
    let arr: Array = h
        .iter()
        .map(|pv| {
            let mut m = Map::new();
            m.insert("period".into(), pv.period.as_str().into());
            m.insert("value".into(), Dynamic::from_float(pv.value));
            Dynamic::from_map(m)
        })
        .collect();
    Dynamic::from_array(arr)
}

fn peers_map(p: &PeerStats) -> Dynamic {
    let mut m = Map::new();
    m.insert("mean".into(), opt(p.mean));
    m.insert("median".into(), opt(p.median));
    m.insert("min".into(), opt(p.min));
    m.insert("max".into(), opt(p.max));
    m.insert("count".into(), Dynamic::from_int(p.count as rhai::INT));
    m.insert("values".into(), Dynamic::from_array(p.values.iter().map(|v| Dynamic::from_float(*v)).collect()));
    Dynamic::from_map(m)
}

/// Converts TOML params (from plan.toml or a test file) into a Rhai map.
pub(crate) fn params_to_dynamic(params: &toml::Table) -> Dynamic {
    fn conv(v: &toml::Value) -> Dynamic {
        match v {
            toml::Value::String(s) => s.as_str().into(),
            toml::Value::Integer(i) => Dynamic::from_float(*i as f64),
            toml::Value::Float(f) => Dynamic::from_float(*f),
            toml::Value::Boolean(b) => (*b).into(),
            toml::Value::Datetime(d) => d.to_string().into(),
            toml::Value::Array(a) => Dynamic::from_array(a.iter().map(conv).collect()),
            toml::Value::Table(t) => Dynamic::from_map(t.iter().map(|(k, v)| (k.as_str().into(), conv(v))).collect()),
        }
    }
    Dynamic::from_map(params.iter().map(|(k, v)| (k.as_str().into(), conv(v))).collect())
}

/// Inputs to one aggregation: the goal's parts, and its params.
pub(crate) struct AggregationInput<'a> {
    pub indicators: &'a [Part],
    pub assignments: &'a [Part],
    pub children: &'a [Part],
    pub params: &'a Dynamic,
}

/// What a goal is aggregated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    Indicator,
    Assignment,
    Goal,
}

/// One part of a goal (a linked indicator, an assignment, a sub-goal) as an aggregation sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    pub kind: PartKind,
    pub id: String,
    /// Status id, `no_data` or `error`.
    pub status: String,
    /// The status's score on the scale.
    pub score: Option<f64>,
    pub weight: f64,
    // Indicators only:
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub previous: Option<f64>,
    /// Whether the value moved the right way since the previous one.
    pub improving: Option<bool>,
    /// Assignments only: the follow-up's own word (`completed`, `started`, …).
    pub progress: Option<String>,
}

impl Part {
    /// A part with the fields every kind has; the kind's own are set with struct update.
    pub(crate) fn new(kind: PartKind, id: &str, status: &str, score: Option<f64>, weight: f64) -> Part {
        Part {
            kind,
            id: id.to_string(),
            status: status.to_string(),
            score,
            weight,
            value: None,
            target: None,
            previous: None,
            improving: None,
            progress: None,
        }
    }

    /// The map a script sees: `#{id, status, score, weight}` and the fields of its kind.
    fn to_dynamic(&self) -> Dynamic {
        let mut m = Map::new();
        m.insert("id".into(), self.id.as_str().into());
        m.insert("status".into(), self.status.as_str().into());
        m.insert("score".into(), opt(self.score));
        m.insert("weight".into(), Dynamic::from_float(self.weight));
        match self.kind {
            PartKind::Indicator => {
                m.insert("value".into(), opt(self.value));
                m.insert("target".into(), opt(self.target));
                m.insert("previous".into(), opt(self.previous));
                m.insert("improving".into(), self.improving.map_or(Dynamic::UNIT, Dynamic::from_bool));
            }
            PartKind::Assignment => {
                m.insert("progress".into(), self.progress.as_deref().map_or(Dynamic::UNIT, |p| p.into()));
            }
            PartKind::Goal => {}
        }
        Dynamic::from_map(m)
    }
}

/// Whether a part's status counts as assessed.
pub(crate) fn assessed(status: &str) -> bool {
    status != "no_data" && status != "error" && !status.is_empty()
}

/// What an indicator rule sees for one entity, period and gender: gathered from observations
/// by [`Plan::evaluate`](crate::Plan::evaluate), or given directly to [`Plan::assess`](crate::Plan::assess).
/// The indicator's own facts (polarity, unit, targets, params) come from the plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// The value judged; `None` gives `no_data` without running the rule.
    pub value: Option<f64>,
    /// The target for the period.
    pub target: Option<f64>,
    /// The value of the period before.
    pub previous: Option<f64>,
    /// Earlier values, oldest first.
    pub history: Vec<PeriodValue>,
    /// The national value.
    pub national: Option<f64>,
    /// The peer group's statistics.
    pub peers: Option<PeerStats>,
    /// Position among all municipalities, 0 (worst) to 1 (best).
    pub percentile: Option<f64>,
    /// Women's value, for gendered indicators.
    pub women: Option<f64>,
    /// Men's value, for gendered indicators.
    pub men: Option<f64>,
    /// The period judged (`2023`, `2023-T1`).
    pub period: String,
}

/// The indicator a rule runs for: polarity, display, targets and params.
pub(crate) struct IndicatorContext<'a> {
    pub higher_is_better: bool,
    pub targets: &'a std::collections::BTreeMap<String, f64>,
    pub unit: &'a str,
    pub decimals: Option<u32>,
    /// The rule's params, shared (built once per indicator).
    pub params: &'a Dynamic,
    /// `#{id, title, unit}`, shared.
    pub info: &'a Dynamic,
    /// `#{period: target}`, shared.
    pub rhai_targets: &'a Dynamic,
    /// The native twin of a std rule with these params, when it has one.
    pub native: Option<&'a crate::native::StdRule>,
}

/// The `indicator` map a rule sees, shared so that each evaluation only clones a pointer.
pub(crate) fn info_map(id: &str, title: &str, unit: &str) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), id.into());
    m.insert("title".into(), title.into());
    m.insert("unit".into(), unit.into());
    Dynamic::from_map(m).into_shared()
}

/// The `targets` map a rule sees, shared.
pub(crate) fn targets_map<'a>(targets: impl IntoIterator<Item = (&'a String, &'a f64)>) -> Dynamic {
    Dynamic::from_map(targets.into_iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_float(*v))).collect()).into_shared()
}

/// Names a script reads as `params.NAME` or `params["NAME"]`.
pub(crate) fn params_read(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(found) = source[i..].find("params") {
        let start = i + found;
        let end = start + "params".len();
        i = end;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let rest = &source[end..];
        let rest = rest.strip_prefix('?').unwrap_or(rest);
        let name: String = if let Some(r) = rest.strip_prefix('.') {
            r.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
        } else if let Some(r) = rest.strip_prefix("[\"") {
            r.chars().take_while(|c| *c != '"').collect()
        } else {
            continue;
        };
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// Resolves `import "x"` inside the plan folder, or `import "std/x"` from the std library.
struct PlanModules {
    files: Arc<PlanFiles>,
    /// Modules by resolved path, evaluated once per plan: a rule importing a module on every
    /// evaluation would compile it every time, outside any budget.
    compiled: std::sync::Mutex<std::collections::HashMap<String, rhai::Shared<rhai::Module>>>,
}

impl rhai::ModuleResolver for PlanModules {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<rhai::Shared<rhai::Module>, Box<EvalAltResult>> {
        // Each import evaluates the module with a fresh state, out of reach of Rhai's own module
        // limit: count the nesting here, or an import cycle (a imports b imports a) overflows the stack.
        let depth = IMPORT_DEPTH.get();
        if depth >= limits::MAX_MODULES {
            return Err(Box::new(EvalAltResult::ErrorTooManyModules(pos)));
        }
        IMPORT_DEPTH.set(depth + 1);
        let out = self.load(engine, source, path, pos);
        IMPORT_DEPTH.set(depth);
        out
    }
}

thread_local! {
    static IMPORT_DEPTH: Cell<usize> = const { Cell::new(0) };
}

impl PlanModules {
    fn load(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<rhai::Shared<rhai::Module>, Box<EvalAltResult>> {
        let with_ext = if path.ends_with(".rhai") { path.to_string() } else { format!("{path}.rhai") };
        let found: Option<(String, String)> = if let Some(name) = with_ext.strip_prefix("std/") {
            std_source(name.trim_end_matches(".rhai")).map(|t| (with_ext.clone(), t.to_string()))
        } else {
            files::join(files::parent(source.unwrap_or("")), &with_ext).and_then(|p| self.files.get(&p).cloned().map(|t| (p, t)))
        };
        let (resolved, text) = found.ok_or_else(|| Box::new(EvalAltResult::ErrorModuleNotFound(path.to_string(), pos)))?;
        if let Some(module) = self.compiled.lock().ok().and_then(|c| c.get(&resolved).cloned()) {
            return Ok(module);
        }
        if text.len() > limits::MAX_SCRIPT_SIZE {
            let why = format!("module is {} bytes, more than the limit of {} for one script", text.len(), limits::MAX_SCRIPT_SIZE);
            return Err(Box::new(EvalAltResult::ErrorInModule(path.to_string(), why.into(), pos)));
        }
        let mut ast = engine.compile(&text).map_err(|e| Box::new(EvalAltResult::ErrorInModule(path.to_string(), e.into(), pos)))?;
        // Its own path, so that its imports resolve relative to it.
        ast.set_source(resolved.clone());
        let module = rhai::Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| Box::new(EvalAltResult::ErrorInModule(path.to_string(), e, pos)))?;
        let module: rhai::Shared<rhai::Module> = module.into();
        if let Ok(mut c) = self.compiled.lock() {
            c.insert(resolved, module.clone());
        }
        Ok(module)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_read_finds_dot_and_index_forms() {
        let p = params_read("let t = params.tolerance ?? 0.1; let a = params[\"against\"]; let x = myparams.no;");
        assert_eq!(p.into_iter().collect::<Vec<_>>(), vec!["against", "tolerance"]);
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
