//! `attain.Plan.assess` itself: the native base of the facade's `Plan`, so that a call by call
//! `plan.assess(...)` is one native call. With keywords only (no mapping, history or peers) it
//! reads the inputs directly and builds the `attain.Assessment`; anything else goes to the
//! facade's `_assess_mapping`, the mapping's way (and its errors).

use crate::convert::{self, QuickInputs, Texts};
use crate::errors::{guard, run_held};
use crate::{PyPlan, kwargs};
use attain_core::{AssessRequest, Plan};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use std::sync::Arc;

/// What the call builds its result with, from the facade (`attain`), taken on first use.
struct Facade {
    /// `tuple.__new__`: an `Assessment` from its fields in order, without its Python `__new__`.
    new_tuple: Py<PyAny>,
    assessment: Py<PyAny>,
    /// The `measures` of an assessment without any (one read-only mapping shared by all).
    no_measures: Py<PyAny>,
    /// The mapping's way: `_assess_mapping(plan, indicator, inputs, fields)`, `fields` every keyword.
    mapping: Py<PyAny>,
}

static FACADE: PyOnceLock<Facade> = PyOnceLock::new();

fn facade(py: Python<'_>) -> PyResult<&Facade> {
    FACADE.get_or_try_init(py, || {
        let m = py.import("attain")?;
        Ok(Facade {
            new_tuple: m.getattr("_new_tuple")?.unbind(),
            assessment: m.getattr("Assessment")?.unbind(),
            no_measures: m.getattr("_NO_MEASURES")?.unbind(),
            mapping: m.getattr("_assess_mapping")?.unbind(),
        })
    })
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
        let (value, period, target, previous) = (or_none(value), or_none(period), or_none(target), or_none(previous));
        let (national, percentile, women, men) = (or_none(national), or_none(percentile), or_none(women), or_none(men));
        let municipal_mean = or_none(municipal_mean);
        let inputs = QuickInputs {
            value: &value,
            period: &period,
            target: &target,
            previous: &previous,
            national: &national,
            percentile: &percentile,
            women: &women,
            men: &men,
            municipal_mean: &municipal_mean,
        };
        let me = slf.get();
        let request = match guard(py, || Ok(inputs.request()))? {
            Some(r) => r,
            None => kwargs::<AssessRequest>(py, inputs.to_dict(py)?.as_any())?,
        };
        let a = run_held(py, || me.inner.assess(indicator, &request))?;
        let fields = convert::assessment_tuple(py, a, facade.no_measures.bind(py), &me.texts)?;
        facade.new_tuple.bind(py).call1((facade.assessment.bind(py), fields))
    }
}
