//! Every error that reaches Python goes through this file: the exception tree, the mapping of
//! core's [`Error`] onto it, errors of the conversions themselves, and panics.
//!
//! Each exception carries `kind`, `code` (core's stable code, always a string: `plan.duplicate_id`),
//! `message`, `file`, `line`, `column` and `row` as attributes (`None` when unknown); `str(e)` is core's display form (`plan.toml:3:5: plan error: …`).

use attain_core::{Code, Error, Stop};
use pyo3::exceptions::{PyException, PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

pyo3::create_exception!(attain, AttainError, PyException, "Base of every error raised by attain.");
pyo3::create_exception!(attain, PlanError, AttainError, "The plan (plan.toml, its structure or references) is invalid.");
pyo3::create_exception!(attain, RuleError, AttainError, "A Rhai rule script does not compile or failed while running.");
pyo3::create_exception!(attain, DataError, AttainError, "Observations (CSV, JSON, rows, a DataFrame) are invalid.");
pyo3::create_exception!(attain, QueryError, AttainError, "A query names something the plan or the data does not have.");
pyo3::create_exception!(attain, RuleTestError, AttainError, "A rule test file (`*.test.toml`) is invalid.");
pyo3::create_exception!(
    attain,
    AttainInterruptedError,
    AttainError,
    "The call was stopped: its `timeout` was reached, or it was cancelled."
);

/// The attributes every exception carries.
const FIELDS: [&str; 6] = ["kind", "message", "file", "line", "column", "row"];

/// An error found converting Python values before core is called is core's own error, with
/// core's code: one error type for everything raised.
pub fn data_error(message: impl Into<String>) -> Error {
    Error::new(Code::DataInvalidArgument, message)
}

/// As [`data_error`], for a query argument.
pub fn query_error(message: impl Into<String>) -> Error {
    Error::new(Code::QueryInvalidArgument, message)
}

/// `error.raise()`: core's error as the exception it maps to ([`to_py`]).
pub trait Raise {
    /// The exception.
    fn raise(self) -> PyErr;
}

impl Raise for Error {
    fn raise(self) -> PyErr {
        to_py(self)
    }
}

/// Maps a core error onto the exception tree.
pub fn to_py(err: Error) -> PyErr {
    Python::attach(|py| raise(py, err.code().as_str(), &err.to_string(), err.message(), err.file(), err.line(), err.column(), err.row()))
}

/// `AttainIOError(AttainError, OSError)` and `ArgumentError(QueryError, TypeError)`: classes of
/// two bases, which `create_exception!` cannot make; made once, in `register`.
static IO_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ARGUMENT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn two_bases(py: Python<'_>, name: &str, doc: &str, a: Bound<'_, PyType>, b: Bound<'_, PyType>) -> PyResult<Py<PyType>> {
    let body = PyDict::new(py);
    body.set_item("__doc__", doc)?;
    body.set_item("__module__", "attain")?;
    let class = py.get_type::<PyType>().call1((name, PyTuple::new(py, [a, b])?, body))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

fn io_error(py: Python<'_>) -> PyResult<&Py<PyType>> {
    IO_ERROR.get_or_try_init(py, || {
        two_bases(py, "AttainIOError", "A file or folder could not be read.", py.get_type::<AttainError>(), py.get_type::<PyOSError>())
    })
}

fn argument_error(py: Python<'_>) -> PyResult<&Py<PyType>> {
    ARGUMENT_ERROR.get_or_try_init(py, || {
        let doc = "An argument of the wrong type or shape; the message starts with its name.";
        two_bases(py, "ArgumentError", doc, py.get_type::<QueryError>(), py.get_type::<PyTypeError>())
    })
}

/// Whether a query error refuses an argument's type or shape: core's codes for a wrong type, an
/// unknown or a missing field, or, where core's `decode` could not tell (pythonize's own wording,
/// coded `query.invalid_argument`), `` `arg`: `` then a wording of a wrong type. A value of the
/// right type that core refuses (`period `2024-13` is not …`) stays a plain query error.
fn names_an_argument(code: &str, message: &str) -> bool {
    const TYPE_CODES: [&str; 3] = ["query.unknown_field", "query.missing_field", "query.invalid_type"];
    const TYPE_ERRORS: [&str; 9] = [
        "invalid type",
        "invalid length",
        "unknown field",
        "missing field",
        "duplicate field",
        "unexpected type",
        "unsupported type",
        "data did not match any variant",
        "TypeError",
    ];
    let after = message.strip_prefix('`').and_then(|rest| rest.find("`: ").map(|end| &rest[end + 3..]));
    TYPE_CODES.contains(&code)
        || (code == "query.invalid_argument" && after.is_some_and(|text| TYPE_ERRORS.iter().any(|t| text.starts_with(t))))
}

/// The exception class for a code (its kind, and for a query error which one).
fn class_for<'py>(py: Python<'py>, code: &str, message: &str) -> Bound<'py, PyType> {
    let made = |class: PyResult<&Py<PyType>>, fallback: Bound<'py, PyType>| class.map_or(fallback, |c| c.bind(py).clone());
    let kind = code.split('.').next().unwrap_or(code);
    match kind {
        "plan" => py.get_type::<PlanError>(),
        "rule" => py.get_type::<RuleError>(),
        "data" => py.get_type::<DataError>(),
        "query" if names_an_argument(code, message) => made(argument_error(py), py.get_type::<QueryError>()),
        "query" => py.get_type::<QueryError>(),
        "test" => py.get_type::<RuleTestError>(),
        "io" => made(io_error(py), py.get_type::<AttainError>()),
        "interrupted" => py.get_type::<AttainInterruptedError>(),
        _ => py.get_type::<AttainError>(),
    }
}

#[allow(clippy::too_many_arguments)]
fn raise(
    py: Python<'_>,
    code: &str,
    display: &str,
    message: &str,
    file: Option<&str>,
    line: Option<usize>,
    column: Option<usize>,
    row: Option<usize>,
) -> PyErr {
    let kind = code.split('.').next().unwrap_or(code);
    let err = PyErr::from_type(class_for(py, code, message), display.to_string());
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("kind", kind)?;
        value.setattr("code", code)?;
        value.setattr("message", message)?;
        value.setattr("file", file)?;
        value.setattr("line", line)?;
        value.setattr("column", column)?;
        value.setattr("row", row)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Runs a core call with the GIL released, turning its error, and any panic, into an exception.
pub fn run<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: FnOnce() -> attain_core::Result<T> + Send,
    T: Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py(e)),
        Err(payload) => Err(panic_to_py(py, payload.as_ref())),
    }
}

/// Runs a short core call (one `assess`) holding the GIL, turning its error, and any panic, into
/// an exception. Releasing the GIL and taking it back costs more than such a call saves other
/// threads (it was about a tenth of a `plan.assess` of a std rule); a script rule's time is
/// bounded by the sandbox's limits.
pub fn run_held<T>(py: Python<'_>, f: impl FnOnce() -> attain_core::Result<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_py(e)),
        Err(payload) => Err(panic_to_py(py, payload.as_ref())),
    }
}

/// Runs a long core call (evaluate, evaluate_many, check, rule tests) that Ctrl-C or `timeout`
/// (seconds) can stop: the call runs on a worker thread under a core [`Stop`], while this thread,
/// GIL released between looks, checks Python's signals every 50 ms. A `KeyboardInterrupt` (or any
/// exception a signal handler raises) cancels the call and is raised once it has ended; a timeout
/// ends it with core's `interrupted` error.
pub fn run_stoppable<T, F>(py: Python<'_>, timeout: Option<f64>, f: F) -> PyResult<T>
where
    F: FnOnce() -> attain_core::Result<T> + Send,
    T: Send,
{
    let stop = match timeout {
        Some(seconds) => Stop::with_timeout_secs(seconds).map_err(to_py)?,
        None => Stop::new(),
    };
    let (tx, mut rx) = mpsc::channel();
    std::thread::scope(|s| {
        let worker_stop = stop.clone();
        let spawned = std::thread::Builder::new().name("attain".into()).spawn_scoped(s, move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(|| worker_stop.run(f))));
        });
        if let Err(e) = spawned {
            return Err(to_py(Error::new(Code::IoThread, format!("cannot start a thread for the call: {e}"))));
        }
        let mut pending: Option<PyErr> = None;
        loop {
            // The receiver goes into the GIL-free closure and comes back: it is Send, not Sync.
            let (answer, back) = py.detach(move || (rx.recv_timeout(Duration::from_millis(50)), rx));
            rx = back;
            match answer {
                Ok(outcome) => {
                    return match (pending, outcome) {
                        (Some(signal), _) => Err(signal),
                        (None, Ok(Ok(v))) => Ok(v),
                        (None, Ok(Err(e))) => Err(to_py(e)),
                        (None, Err(payload)) => Err(panic_to_py(py, payload.as_ref())),
                    };
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if pending.is_none()
                        && let Err(signal) = py.check_signals()
                    {
                        stop.cancel();
                        pending = Some(signal);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(pending.unwrap_or_else(|| panic_to_py(py, &"the call's thread ended without an answer")));
                }
            }
        }
    })
}

/// Runs a conversion (with the GIL held), turning a panic into an exception.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(panic_to_py(py, payload.as_ref())),
    }
}

fn panic_to_py(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    let message = format!("a bug in attain, please report it: {what}");
    raise(py, Code::InternalPanic.as_str(), &format!("internal error: {message}"), &message, None, None, None, None)
}

/// Adds the exception tree to the module, with every attribute defaulting to `None` on the
/// classes so that `e.line` is defined even on an exception raised from Python code.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<AttainError>();
    for field in FIELDS {
        base.setattr(field, py.None())?;
    }
    // Never None: attain sets the code of every exception it raises; one raised from Python
    // code has the empty string.
    base.setattr("code", "")?;
    m.add("AttainError", base)?;
    m.add("PlanError", py.get_type::<PlanError>())?;
    m.add("RuleError", py.get_type::<RuleError>())?;
    m.add("DataError", py.get_type::<DataError>())?;
    m.add("QueryError", py.get_type::<QueryError>())?;
    m.add("RuleTestError", py.get_type::<RuleTestError>())?;
    m.add("AttainIOError", io_error(py)?.bind(py))?;
    m.add("ArgumentError", argument_error(py)?.bind(py))?;
    m.add("AttainInterruptedError", py.get_type::<AttainInterruptedError>())?;
    Ok(())
}
