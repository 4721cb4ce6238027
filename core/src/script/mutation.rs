//! A mutant's source in place of a script's own: while an override is open on the thread, compiling the file it names compiles the mutant.
//!
//! Mutation testing (`testing/mutants`) rebuilds the rules with one script changed. The std
//! scripts are compiled into core and a plan's scripts are read once, so the change is made
//! where a script is compiled: [`super::RuleEngine::compile`] and the compiling of an imported
//! module ask [`source_for`] first. While an override is open, a std rule's native twin steps
//! aside (`bound.rs`), so that the mutated script is what runs.

use std::cell::RefCell;

thread_local! {
    static OVERRIDE: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// An open override on this thread; dropped, it puts back the one open before (if any).
pub(crate) struct Override(Option<(String, String)>);

impl Override {
    /// From now on, on this thread, the script at `file` (as the plan names it: `rules/x.rhai`,
    /// `std/target.rhai`) compiles as `source`.
    pub(crate) fn open(file: &str, source: &str) -> Override {
        Override(OVERRIDE.with_borrow_mut(|o| o.replace((file.to_string(), source.to_string()))))
    }
}

impl Drop for Override {
    fn drop(&mut self) {
        let previous = self.0.take();
        OVERRIDE.with_borrow_mut(|o| *o = previous);
    }
}

/// The source to compile in place of the script at `file`, while an override names it.
pub(crate) fn source_for(file: &str) -> Option<String> {
    OVERRIDE.with_borrow(|o| o.as_ref().filter(|(f, _)| f == file).map(|(_, s)| s.clone()))
}

/// Whether an override is open on this thread.
pub(crate) fn active() -> bool {
    OVERRIDE.with_borrow(Option::is_some)
}
