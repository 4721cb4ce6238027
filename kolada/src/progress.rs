//! Progress on standard error: a bar on a terminal (indicatif), else one plain line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};

/// The data calls' progress.
pub(crate) struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar when asked for and standard error is a terminal; when asked for otherwise, one line.
    pub(crate) fn new(wanted: bool, calls: usize, base: &str) -> Progress {
        if !wanted {
            return Progress(None);
        }
        if !std::io::stderr().is_terminal() {
            let _ = writeln!(std::io::stderr(), "fetching from {base}: {calls} data calls");
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(calls as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} calls, {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(format!("Kolada ({base})"));
        Progress(Some(bar))
    }

    pub(crate) fn step(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
