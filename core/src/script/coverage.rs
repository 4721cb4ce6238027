//! Line coverage of scripts: the lines with statements of each script compiled, and the statements run, while a recording is open.
//!
//! While a [`Recording`] is open on the thread, each script compiled (a rule, or a module it
//! imports) notes its lines with statements (from the optimised syntax tree, function and closure
//! bodies included), and each engine built gets Rhai's debugger, stepping into every statement
//! and noting its file and line. Only lines with statements are reported, so a line without one
//! never is. Rhai's debugger needs its `debugging` feature, on in core's `coverage` feature (the
//! CLI and Python); without it a recording sees no statement run and [`available`] says so.
//! Under a recording a std rule's script runs, never its native twin. Outside a recording no
//! debugger is registered, so a run pays one check per statement and expression.
//! Instrumenting the tree instead is not possible from outside Rhai: a function's body
//! (`ScriptFuncPayload`) cannot be rebuilt.

use rhai::{AST, ASTNode, Engine};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The lines of one script: those with statements, how often each ran, and the text of the script.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScriptLines {
    pub(crate) source: String,
    pub(crate) lines: BTreeSet<usize>,
    pub(crate) hits: BTreeMap<usize, u64>,
}

/// What a recording saw, by file as the plan names it (`rules/x.rhai`, `std/reference.rhai`).
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) scripts: BTreeMap<String, ScriptLines>,
    /// The line the last step was on: a hit is execution coming to a line, not each node on it.
    last: Option<(String, usize)>,
}

thread_local! {
    static RECORD: RefCell<Option<Recorded>> = const { RefCell::new(None) };
}

/// An open recording on this thread; [`Recording::finish`] hands back what it saw. Dropped
/// unfinished, it puts back the recording that was open before (if any).
pub(crate) struct Recording(Option<Option<Recorded>>);

impl Recording {
    /// Starts recording: scripts compiled from now on, on this thread, are instrumented.
    pub(crate) fn start() -> Recording {
        Recording(Some(RECORD.with_borrow_mut(|r| r.replace(Recorded::default()))))
    }

    /// Stops recording and returns what it saw.
    pub(crate) fn finish(mut self) -> Recorded {
        let previous = self.0.take().unwrap_or_default();
        RECORD.with_borrow_mut(|r| std::mem::replace(r, previous)).unwrap_or_default()
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            RECORD.with_borrow_mut(|r| *r = previous);
        }
    }
}

/// Whether a recording is open on this thread.
pub(crate) fn recording() -> bool {
    RECORD.with_borrow(Option::is_some)
}

impl Recorded {
    /// A step of the debugger at `file:line`; `start` for the first of an evaluation.
    #[cfg_attr(not(feature = "coverage"), allow(dead_code))]
    fn step(&mut self, file: &str, line: usize, start: bool) {
        let here = (file, line);
        if start || self.last.as_ref().is_none_or(|(f, l)| (f.as_str(), *l) != here) {
            *self.scripts.entry(file.to_string()).or_default().hits.entry(line).or_default() += 1;
            self.last = Some((file.to_string(), line));
        }
    }
}

/// Whether this build can record which statements ran (core's `coverage` feature).
pub(crate) const fn available() -> bool {
    cfg!(feature = "coverage")
}

/// Gives an engine built inside a recording a debugger that notes each statement run.
pub(crate) fn register_probe(engine: &mut Engine) {
    #[cfg(feature = "coverage")]
    if recording() {
        #[allow(deprecated)] // "not deprecated, but volatile", says Rhai
        engine.register_debugger(
            |_, debugger| debugger,
            |_, event, _, source, pos| {
                // Every node: Rhai never steps on a statement that is an expression (`f(x)` at
                // the end of a script), only on the expression; a line without a statement is
                // left out when the coverage is assembled.
                if let (Some(file), Some(line)) = (source, pos.line()) {
                    let start = matches!(event, rhai::debugger::DebuggerEvent::Start);
                    RECORD.with_borrow_mut(|r| {
                        if let Some(r) = r.as_mut() {
                            r.step(file, line, start);
                        }
                    });
                }
                Ok(rhai::debugger::DebuggerCommand::StepInto)
            },
        );
    }
    #[cfg(not(feature = "coverage"))]
    let _ = engine;
}

/// Notes the lines with statements of a script compiled inside a recording, at `file`.
pub(crate) fn note(ast: &AST, file: &str, source: &str) {
    if !recording() {
        return;
    }
    let mut lines = BTreeSet::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(stmt)) = path.last() {
            if let (Some(line), false) = (stmt.position().line(), matches!(stmt, rhai::Stmt::Noop(_))) {
                lines.insert(line);
            }
        }
        true
    });
    RECORD.with_borrow_mut(|r| {
        if let Some(r) = r.as_mut() {
            let entry = r.scripts.entry(file.to_string()).or_default();
            entry.source = source.to_string();
            entry.lines.extend(lines);
        }
    });
}
