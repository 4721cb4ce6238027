//! `attain.Plan.assess` itself: the native base of the facade's `Plan`, so that a call by call
//! `plan.assess(...)` is one native call. With keywords only (no mapping, history or peers) it
//! reads the inputs directly and builds the `attain.Assessment`; anything else goes to the
//! facade's `_assess_mapping`, the mapping's way (and its errors).

use crate::convert::{self, QuickInputs, Texts};
use crate::errors::run_held;
use crate::{PyPlan, kwargs};
use attain_core::{AssessRequest, Plan};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{PyTypeInfo, ffi};
use std::sync::Arc;

/// What the call builds its result with, from the facade (`attain`), taken on first use.
struct Facade {
    /// `tuple`'s own `tp_new` slot: an `Assessment` from its fields in order, without its Python
    /// `__new__` (what `tuple.__new__(Assessment, fields)` calls, without the call through Python).
    tuple_new: ffi::newfunc,
    /// `attain.Assessment`, a subclass of `tuple` (checked).
    assessment: Py<PyType>,
    /// The `measures` of an assessment without any (one read-only mapping shared by all).
    no_measures: Py<PyAny>,
    /// The mapping's way: `_assess_mapping(plan, indicator, inputs, fields)`, `fields` every keyword.
    mapping: Py<PyAny>,
}

static FACADE: PyOnceLock<Facade> = PyOnceLock::new();

fn facade(py: Python<'_>) -> PyResult<&Facade> {
    FACADE.get_or_try_init(py, || {
        let m = py.import("attain")?;
        let assessment = m.getattr("Assessment")?.cast_into::<PyType>()?;
        if !assessment.is_subclass_of::<PyTuple>()? {
            return Err(PyTypeError::new_err("attain.Assessment is not a tuple"));
        }
        Ok(Facade {
            tuple_new: tuple_new(py)?,
            assessment: assessment.unbind(),
            no_measures: m.getattr("_NO_MEASURES")?.unbind(),
            mapping: m.getattr("_assess_mapping")?.unbind(),
        })
    })
}

/// `tuple`'s `tp_new` slot.
#[allow(unsafe_code)]
fn tuple_new(py: Python<'_>) -> PyResult<ffi::newfunc> {
    let tuple = PyTuple::type_object(py);
    // SAFETY: `tuple` is a live type object (the GIL is held); `PyType_GetSlot` reads one of
    // its slots, null when it has none (it is in the limited API for every type from 3.10).
    let slot = unsafe { ffi::PyType_GetSlot(tuple.as_type_ptr(), ffi::Py_tp_new) };
    if slot.is_null() {
        return Err(PyErr::take(py).unwrap_or_else(|| PyTypeError::new_err("tuple has no tp_new")));
    }
    // SAFETY: the `Py_tp_new` slot of a type holds a `newfunc` (non-null, checked above).
    Ok(unsafe { std::mem::transmute::<*mut std::ffi::c_void, ffi::newfunc>(slot) })
}

/// `tuple.__new__(cls, (fields,))` without the call through Python: `tuple`'s `tp_new`, which
/// for a subclass copies the fields into a new instance of `cls` (and sets up whatever the
/// running Python's tuples keep besides their items, such as a cached hash).
#[allow(unsafe_code)]
fn new_assessment<'py>(facade: &Facade, cls: &Bound<'py, PyType>, fields: Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let args = PyTuple::new(py, [fields])?;
    // SAFETY: `tuple_new` is `tuple`'s `tp_new` and `cls` a subclass of `tuple` (both checked
    // when `Facade` was made); it is called as Python calls a `tp_new`: with the GIL held, a
    // live type, a tuple of positional arguments (borrowed) and no keywords (null is allowed).
    // It returns a new reference, or null with an exception set, which `from_owned_ptr_or_err` takes.
    unsafe {
        let obj = (facade.tuple_new)(cls.as_type_ptr(), args.as_ptr(), std::ptr::null_mut());
        Bound::from_owned_ptr_or_err(py, obj)
    }
}

/// The native half of `attain.Plan` (its base class): the plan and the Python strings of the
/// statuses, labels, periods and operators `assess` gave.
#[pyclass(module = "attain._native", name = "_PlanBase", frozen, subclass)]
pub struct PlanBase {
    inner: Arc<Plan>,
    texts: Texts,
}

#[pymethods]
impl PlanBase {
    /// The base of a facade `Plan` wrapping `native` (the same plan, not a copy).
    #[new]
    fn new(native: &Bound<'_, PyPlan>) -> Self {
        PlanBase { inner: native.get().inner.clone(), texts: Texts::default() }
    }

    /// What the indicator's rule says of inputs given directly (a what-if, a row from
    /// elsewhere), with the indicator's direction, unit, params and the plan's language.
    ///
    /// The inputs are keywords, or a mapping of them (``inputs``, as JSON and JavaScript give
    /// them; keywords win). Core fills in what is not given, as in every host: ``period`` is
    /// the plan's, ``target`` the indicator's own for the period (:meth:`target_for`; a number,
    /// or written as a plan writes one: ``"≥ 30"``, ``"minst 40"``, ``"öka"``),
    /// ``previous`` the last value of ``history``. A ``value`` of ``None`` is ``no_data``
    /// without running the rule. ``percentile`` is 0 (worst) to 1 (best); ``municipal_mean`` is
    /// the unweighted mean of the municipalities (std ``reference`` with ``against = "mean"``). The
    /// :class:`Assessment` says which period, target and previous were used.
    ///
    /// Raises:
    ///     QueryError: no such indicator; NaN or an infinity, a percentile outside 0..1, a
    ///         malformed period, a history not oldest first; the message names the input.
    ///     ArgumentError: an input of the wrong type or an unknown one, named in the message
    ///         (also a ``TypeError``).
    ///     RuleError: the rule failed on these inputs (a script error, a sandbox limit).
    #[pyo3(signature = (
        indicator, inputs=None, /, *, value=None, period=None, target=None, previous=None, history=None, national=None,
        peers=None, percentile=None, women=None, men=None, municipal_mean=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess<'py>(
        slf: &Bound<'py, Self>,
        indicator: &str,
        inputs: Option<&Bound<'py, PyAny>>,
        value: Option<&Bound<'py, PyAny>>,
        period: Option<&Bound<'py, PyAny>>,
        target: Option<&Bound<'py, PyAny>>,
        previous: Option<&Bound<'py, PyAny>>,
        history: Option<&Bound<'py, PyAny>>,
        national: Option<&Bound<'py, PyAny>>,
        peers: Option<&Bound<'py, PyAny>>,
        percentile: Option<&Bound<'py, PyAny>>,
        women: Option<&Bound<'py, PyAny>>,
        men: Option<&Bound<'py, PyAny>>,
        municipal_mean: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let facade = facade(py)?;
        let none = py.None().into_bound(py);
        let or_none = |v: Option<&Bound<'py, PyAny>>| v.cloned().unwrap_or_else(|| none.clone());
        if inputs.is_some() || history.is_some() || peers.is_some() {
            // Every keyword, `None` where not given, in the signature's order.
            let fields = PyDict::new(py);
            let named = [
                ("value", value),
                ("period", period),
                ("target", target),
                ("previous", previous),
                ("history", history),
                ("national", national),
                ("peers", peers),
                ("percentile", percentile),
                ("women", women),
                ("men", men),
                ("municipal_mean", municipal_mean),
            ];
            for (k, v) in named {
                fields.set_item(k, or_none(v))?;
            }
            return facade.mapping.bind(py).call1((slf, indicator, or_none(inputs), fields));
        }
        let inputs = QuickInputs { value, period, target, previous, national, percentile, women, men, municipal_mean };
        let me = slf.get();
        // One guarded call: the inputs read directly and, when they all could be, core's assessment.
        let a = match run_held(py, || inputs.request().map(|r| me.inner.assess(indicator, &r)).transpose())? {
            Some(a) => a,
            None => {
                let request = kwargs::<AssessRequest>(py, inputs.to_dict(py)?.as_any())?;
                run_held(py, || me.inner.assess(indicator, &request))?
            }
        };
        let fields = convert::assessment_tuple(py, a, facade.no_measures.bind(py), &me.texts)?;
        new_assessment(facade, facade.assessment.bind(py), fields)
    }
}
