//! `import` inside a rule: a module of the plan folder or of the std library, each compiled and evaluated once per plan.

use crate::error::Result;
use crate::files::{self, PlanFiles};
use crate::sandbox::{self, budget, limits};
use crate::stdlib::std_source;
use rhai::{AST, ASTNode, Engine, EvalAltResult, Expr, OptimizationLevel, Position, Scope, Stmt};
use std::cell::Cell;
use std::sync::Arc;

/// Resolves `import "x"` inside the plan folder, or `import "std/x"` from the std library.
pub(crate) struct PlanModules {
    files: Arc<PlanFiles>,
    /// Modules by resolved path, evaluated once per plan: a rule importing a module on every
    /// evaluation would compile it every time, outside any budget.
    compiled: std::sync::Mutex<std::collections::HashMap<String, rhai::Shared<rhai::Module>>>,
}

/// The engine's resolver: the plan's modules, shared with the [`RuleEngine`](super::RuleEngine)
/// that loads them ahead when a rule is compiled.
pub(crate) struct SharedModules(pub(crate) Arc<PlanModules>);

impl rhai::ModuleResolver for SharedModules {
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
        let out = self.0.load(engine, source, path, pos);
        IMPORT_DEPTH.set(depth);
        out
    }
}

thread_local! {
    static IMPORT_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Compiles a module's text (strict names, no scope of its own), optimised as rules are.
/// Its lines noted for coverage, at its own file, when a recording is open.
fn compile(engine: &Engine, text: &str, file: &str) -> Result<AST, rhai::ParseError> {
    let mutant = super::mutation::source_for(file);
    let text = mutant.as_deref().unwrap_or(text);
    let ast = engine.compile(text)?;
    let ast = engine.optimize_ast(&Scope::new(), ast, OptimizationLevel::Full);
    super::coverage::note(&ast, file, text);
    Ok(ast)
}

/// The paths a script imports as literal strings, with where each `import` stands.
fn literal_imports(ast: &AST) -> Vec<(String, Position)> {
    let mut out = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Import(x, pos))) = path.last() {
            if let Expr::StringConstant(s, _) = &x.0 {
                out.push((s.to_string(), *pos));
            }
        }
        true
    });
    out
}

impl PlanModules {
    pub(crate) fn new(files: Arc<PlanFiles>) -> PlanModules {
        PlanModules { files, compiled: Default::default() }
    }

    /// The module `path` names from the script `source`: its resolved path and text.
    fn find(&self, source: Option<&str>, path: &str) -> Option<(String, String)> {
        let with_ext = if path.ends_with(".rhai") { path.to_string() } else { format!("{path}.rhai") };
        if let Some(name) = with_ext.strip_prefix("std/") {
            return std_source(name.trim_end_matches(".rhai")).map(|t| (with_ext.clone(), t.to_string()));
        }
        files::join(files::parent(source.unwrap_or("")), &with_ext).and_then(|p| self.files.get(&p).cloned().map(|t| (p, t)))
    }

    fn cached(&self, resolved: &str) -> Option<rhai::Shared<rhai::Module>> {
        self.compiled.lock().ok().and_then(|c| c.get(resolved).cloned())
    }

    /// Loads, when a rule is compiled, every module it imports by a literal path (and theirs): a
    /// module that does not compile is an error at its own file, line and column, as a rule is.
    /// Each is evaluated once, here, within a budget of its own, so that no rule pays for it. A
    /// module that cannot be found, is too large or fails while running is left to the import,
    /// which reports it when it runs (it may stand on a branch no value reaches).
    pub(crate) fn preload(&self, engine: &Engine, ast: &AST, depth: usize) -> Result<()> {
        if depth >= limits::MAX_MODULES {
            return Ok(());
        }
        for (path, _) in literal_imports(ast) {
            let Some((resolved, text)) = self.find(ast.source(), &path) else { continue };
            if text.len() > limits::MAX_SCRIPT_SIZE || self.cached(&resolved).is_some() {
                continue;
            }
            let mut module_ast = compile(engine, &text, &resolved).map_err(|e| sandbox::compile_error(&e, &resolved, &[]))?;
            module_ast.set_source(resolved.clone());
            self.preload(engine, &module_ast, depth + 1)?;
            let evaluated =
                sandbox::on_enough_stack(|| budget::metered_run(|| rhai::Module::eval_ast_as_new(Scope::new(), &module_ast, engine)));
            if let (Ok(module), Ok(mut c)) = (evaluated, self.compiled.lock()) {
                c.insert(resolved, module.into());
            }
        }
        Ok(())
    }

    fn load(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<rhai::Shared<rhai::Module>, Box<EvalAltResult>> {
        let (resolved, text) =
            self.find(source, path).ok_or_else(|| Box::new(EvalAltResult::ErrorModuleNotFound(path.to_string(), pos)))?;
        if let Some(module) = self.cached(&resolved) {
            return Ok(module);
        }
        if text.len() > limits::MAX_SCRIPT_SIZE {
            let why = format!("module is {} bytes, more than the limit of {} for one script", text.len(), limits::MAX_SCRIPT_SIZE);
            return Err(Box::new(EvalAltResult::ErrorInModule(path.to_string(), why.into(), pos)));
        }
        let mut ast =
            compile(engine, &text, &resolved).map_err(|e| Box::new(EvalAltResult::ErrorInModule(path.to_string(), e.into(), pos)))?;
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
