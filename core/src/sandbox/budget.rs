//! One budget per script evaluation, that nothing the script does can escape.
//!
//! Rhai counts operations per call frame: a closure run by `map`, `filter` or `sort` starts from a
//! copy of the caller's count and its own count is dropped when it returns, so `a.map(|x| loop)`
//! would run for ever within the limit. Rhai also calls [`Engine::on_progress`](rhai::Engine::on_progress)
//! at every operation of every frame, so the budget here counts those calls itself: operations,
//! the bytes the evaluating thread holds (through [`MeteredAllocator`]), a wall-clock deadline
//! where the platform has a clock, and a [`Stop`] the caller may trigger from another thread.
//!
//! The budget lives in a thread local because Rhai's callback cannot see the scope; an evaluation
//! runs on one thread from start to end.

use super::limits;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[cfg(not(target_arch = "wasm32"))]
use std::time::Instant;
#[cfg(target_arch = "wasm32")]
use web_time::Instant;

/// Why an evaluation was stopped: the token a terminated script carries back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Operations,
    Memory,
    Time,
    Stopped,
    TimedOut,
}

impl Exceeded {
    pub(crate) fn token(self) -> &'static str {
        match self {
            Exceeded::Operations => "attain:operations",
            Exceeded::Memory => "attain:memory",
            Exceeded::Time => "attain:time",
            Exceeded::Stopped => "attain:stopped",
            Exceeded::TimedOut => "attain:timeout",
        }
    }

    /// The code of a rule stopped for this reason.
    pub(crate) fn code(self) -> crate::Code {
        match self {
            Exceeded::Operations => crate::Code::RuleLimitOperations,
            Exceeded::Memory => crate::Code::RuleLimitMemory,
            Exceeded::Time => crate::Code::RuleLimitTime,
            Exceeded::Stopped | Exceeded::TimedOut => crate::Code::RuleInterrupted,
        }
    }

    pub(crate) fn from_token(token: &str) -> Option<Exceeded> {
        [Exceeded::Operations, Exceeded::Memory, Exceeded::Time, Exceeded::Stopped, Exceeded::TimedOut]
            .into_iter()
            .find(|e| e.token() == token)
    }
}

// ------------------------------------------------------------------ memory

// Bytes held by each thread (allocated minus freed), when `MeteredAllocator` is installed.
thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
}
static METERED: AtomicBool = AtomicBool::new(false);

/// An allocator (the system's by default) counting the bytes each thread holds, so that a rule's
/// memory is bounded however it was built (Rhai's own size limits see one value at a time:
/// `m[k] = a` in a loop gets past them).
///
/// A host installs it once; the `attain` CLI and the Python module wrap mimalloc, the WebAssembly
/// module the system allocator:
///
/// ```
/// #[global_allocator]
/// static ALLOCATOR: attain_core::MeteredAllocator = attain_core::MeteredAllocator::system();
/// ```
///
/// Without it every other limit still holds, but the memory of one evaluation is bounded only by
/// Rhai's per-value limits. The cost is one thread-local addition per allocation.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeteredAllocator<A = System> {
    inner: A,
}

impl MeteredAllocator<System> {
    /// Counting the system allocator.
    pub const fn system() -> Self {
        MeteredAllocator { inner: System }
    }
}

impl<A: GlobalAlloc> MeteredAllocator<A> {
    /// Counting `inner` (for example `mimalloc::MiMalloc`).
    pub const fn new(inner: A) -> Self {
        MeteredAllocator { inner }
    }
}

fn add_held(delta: isize) {
    // `try_with`: a thread being torn down may still allocate after its locals are gone.
    let _ = HELD.try_with(|h| h.set(h.get().wrapping_add(delta)));
}

// SAFETY: every call is forwarded unchanged to `inner`; only a counter is updated beside it.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for MeteredAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `layout` is `inner.alloc`'s.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            add_held(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        if !p.is_null() {
            add_held(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `inner` with `layout`, as the caller guarantees.
        unsafe { self.inner.dealloc(ptr, layout) };
        add_held(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add_held(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Whether the host installed [`MeteredAllocator`]: a probe allocation moves the counter.
fn metered() -> bool {
    if METERED.load(Ordering::Relaxed) {
        return true;
    }
    let before = HELD.with(Cell::get);
    let probe = std::hint::black_box(Vec::<u8>::with_capacity(64));
    let moved = HELD.with(Cell::get) != before;
    drop(probe);
    if moved {
        METERED.store(true, Ordering::Relaxed);
    }
    moved
}

// ------------------------------------------------------------------ stop

/// Stops evaluations from outside: a flag another thread sets (Ctrl-C), a timeout, or both.
///
/// Every core call made inside [`Stop::run`] on this thread (and on the threads
/// [`Plan::evaluate_many`](crate::Plan::evaluate_many) uses) checks it at every script operation
/// and between indicators; a stopped call returns an error of kind
/// [`Interrupted`](crate::ErrorKind::Interrupted) instead of a partial report.
///
/// ```
/// use attain_core::{ErrorKind, Stop};
/// let stop = Stop::new();
/// stop.cancel();
/// let err = stop.run(|| -> attain_core::Result<()> { Ok(()) }).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Interrupted);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Stop {
    inner: Arc<StopInner>,
}

#[derive(Debug, Default)]
struct StopInner {
    cancelled: AtomicBool,
    timed_out: AtomicBool,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
}

impl Stop {
    /// A stop that fires only when [`cancel`](Stop::cancel) is called.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// A stop that also fires `timeout` from now.
    pub fn with_timeout(timeout: Duration) -> Stop {
        let inner = StopInner { deadline: Instant::now().checked_add(timeout), timeout: Some(timeout), ..StopInner::default() };
        Stop { inner: Arc::new(inner) }
    }

    /// A stop with a timeout given in seconds, as the bindings take it.
    ///
    /// # Errors
    /// A query error when `seconds` is negative, not a number or infinite.
    pub fn with_timeout_secs(seconds: f64) -> crate::Result<Stop> {
        match Duration::try_from_secs_f64(seconds) {
            Ok(d) => Ok(Stop::with_timeout(d)),
            Err(_) => Err(crate::Error::new(
                crate::Code::QueryInvalidTimeout,
                format!("timeout `{seconds}` must be a finite number of seconds, 0 or more"),
            )),
        }
    }

    /// Fires the stop: evaluations running under it end at their next operation.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the stop fired, by [`cancel`](Stop::cancel) or by its timeout.
    pub fn is_stopped(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed) || self.inner.timed_out.load(Ordering::Relaxed)
    }

    /// Checks the flag and, on a clock tick, the deadline.
    fn check(&self, look_at_clock: bool) -> Option<Exceeded> {
        if self.inner.cancelled.load(Ordering::Relaxed) {
            return Some(Exceeded::Stopped);
        }
        if self.inner.timed_out.load(Ordering::Relaxed) {
            return Some(Exceeded::TimedOut);
        }
        if look_at_clock && self.inner.deadline.is_some_and(|d| Instant::now() >= d) {
            self.inner.timed_out.store(true, Ordering::Relaxed);
            return Some(Exceeded::TimedOut);
        }
        None
    }

    /// Runs `f` under this stop. When the stop fired during `f` (or before), the result is an
    /// `interrupted` error whatever `f` returned.
    ///
    /// # Errors
    /// `f`'s own errors, or [`ErrorKind::Interrupted`](crate::ErrorKind::Interrupted).
    pub fn run<T>(&self, f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
        let out = with_stop(Some(self.clone()), f);
        self.interrupted().map_or(out, Err)
    }

    fn interrupted(&self) -> Option<crate::Error> {
        match self.check(true) {
            Some(Exceeded::TimedOut) => {
                let secs = self.inner.timeout.map_or(0.0, |t| t.as_secs_f64());
                Some(crate::Error::new(crate::Code::InterruptedTimeout, format!("stopped: the timeout of {secs} s was reached")))
            }
            Some(_) => Some(crate::Error::new(crate::Code::InterruptedCancelled, "stopped: cancelled".to_string())),
            None => None,
        }
    }
}

thread_local! {
    static STOP: std::cell::RefCell<Option<Stop>> = const { std::cell::RefCell::new(None) };
}

/// The stop the calling thread runs under, to hand to worker threads.
pub(crate) fn current_stop() -> Option<Stop> {
    STOP.with_borrow(Clone::clone)
}

/// Runs `f` with `stop` as this thread's stop, restoring the one before.
pub(crate) fn with_stop<T>(stop: Option<Stop>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Stop>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            STOP.with_borrow_mut(|s| *s = before);
        }
    }
    let before = STOP.with_borrow_mut(|s| std::mem::replace(s, stop));
    let _restore = Restore(before);
    f()
}

/// Whether the current stop fired (checked between indicators, so that a stopped report ends soon).
pub(crate) fn stop_fired() -> bool {
    STOP.with_borrow(|s| s.as_ref().is_some_and(|s| s.check(true).is_some()))
}

// ------------------------------------------------------------------ the budget

/// How often (in operations) the clock is read: `Instant::now` costs tens of nanoseconds.
const CLOCK_EVERY: u64 = 1024;

struct Budget {
    operations: u64,
    held_at_start: isize,
    metered: bool,
    started: Instant,
}

thread_local! {
    static BUDGET: std::cell::RefCell<Option<Budget>> = const { std::cell::RefCell::new(None) };
}

/// Runs one script evaluation inside a fresh budget. A nested call (a module evaluated by an
/// import inside a rule) spends from the budget already running.
pub(crate) fn metered_run<T>(f: impl FnOnce() -> T) -> T {
    let nested = BUDGET.with_borrow(Option::is_some);
    if nested {
        return f();
    }
    struct End;
    impl Drop for End {
        fn drop(&mut self) {
            BUDGET.with_borrow_mut(|b| *b = None);
        }
    }
    let budget = Budget { operations: 0, held_at_start: HELD.with(Cell::get), metered: metered(), started: Instant::now() };
    BUDGET.with_borrow_mut(|b| *b = Some(budget));
    let _end = End;
    f()
}

/// Spends one operation; `Some` when the evaluation must stop. Rhai's `on_progress` calls it at
/// every operation of every call frame.
pub(crate) fn tick() -> Option<Exceeded> {
    BUDGET.with_borrow_mut(|b| {
        let b = b.as_mut()?;
        b.operations += 1;
        if b.operations > limits::MAX_OPERATIONS {
            return Some(Exceeded::Operations);
        }
        if b.metered && HELD.with(Cell::get).wrapping_sub(b.held_at_start) > limits::MAX_MEMORY as isize {
            return Some(Exceeded::Memory);
        }
        let on_clock_tick = b.operations % CLOCK_EVERY == 0;
        if on_clock_tick && b.started.elapsed() > limits::MAX_TIME {
            return Some(Exceeded::Time);
        }
        STOP.with_borrow(|s| s.as_ref().and_then(|s| s.check(on_clock_tick)))
    })
}
