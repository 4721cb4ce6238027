//! `import` inside a rule: a module of the plan folder or of the std library, each evaluated once per plan.

use crate::files::{self, PlanFiles};
use crate::sandbox::limits;
use crate::stdlib::std_source;
use rhai::{Engine, EvalAltResult, Position, Scope};
use std::cell::Cell;
use std::sync::Arc;

/// Resolves `import "x"` inside the plan folder, or `import "std/x"` from the std library.
pub(crate) struct PlanModules {
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
    pub(crate) fn new(files: Arc<PlanFiles>) -> PlanModules {
        PlanModules { files, compiled: Default::default() }
    }

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
