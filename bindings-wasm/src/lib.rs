//! WebAssembly binding of attain, for Node and the browser (`attain-wasm` on npm).
//!
//! Each exported function converts its JS arguments (`convert`), makes one core call and
//! converts the result back: reports, explanations and test reports come out as plain JS
//! objects in exactly core's JSON shape (snake_case keys, `null` for absent values). A core
//! error becomes a JS `Error` carrying `type`, `file`, `line`, `column` and `row` (`error`).
//!
//! Nothing here may panic: the module is built with `panic = "abort"`, so a panic would leave
//! the instance unusable. Every fallible step returns an error instead.

mod convert;
mod error;

use attain_core::{ErrorKind, Format, Observations, Plan};
use convert::{is_absent, to_js};
use error::{JsResult, invalid, js};
use js_sys::Reflect;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::thread::LocalKey;
use wasm_bindgen::prelude::*;

// The sandbox bounds the memory a rule holds by counting allocations here.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator = attain_core::MeteredAllocator::system();

// ------------------------------------------------------------------ observations

/// Live objects of one class, by handle. A JS `Observations` or `Plan` holds only its handle,
/// so that `plan.evaluate(data)` can take either an `Observations` or plain rows in one argument
/// and `check(plan)` can check its argument itself, without giving up the JS object
/// (wasm-bindgen can only borrow a class from a typed parameter, and its glue throws an error
/// without `type` when the argument is something else). Entries leave when the JS object is
/// freed or garbage collected.
struct Store<T> {
    next: u32,
    live: HashMap<u32, Rc<T>>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store { next: 0, live: HashMap::new() }
    }
}

type Shelf<T> = &'static LocalKey<RefCell<Store<T>>>;

thread_local! {
    static OBSERVATIONS: RefCell<Store<Observations>> = RefCell::new(Store::default());
    static PLANS: RefCell<Store<Plan>> = RefCell::new(Store::default());
}

/// Keeps `value` and returns its new handle.
fn keep<T>(shelf: Shelf<T>, value: T) -> u32 {
    shelf.with(|s| {
        let mut s = s.borrow_mut();
        s.next = s.next.wrapping_add(1);
        while s.live.contains_key(&s.next) {
            s.next = s.next.wrapping_add(1);
        }
        let handle = s.next;
        s.live.insert(handle, Rc::new(value));
        handle
    })
}

/// The value kept under `handle`, or an error saying that it was freed.
fn kept<T>(shelf: Shelf<T>, handle: u32, kind: ErrorKind, what: &str) -> JsResult<Rc<T>> {
    shelf.with(|s| s.try_borrow().ok().and_then(|s| s.live.get(&handle).cloned())).ok_or_else(|| invalid(kind, format!("{what} freed")))
}

fn forget<T>(shelf: Shelf<T>, handle: u32) {
    // `try_with`: during thread teardown the store may already be gone.
    let _ = shelf.try_with(|s| s.try_borrow_mut().map(|mut s| s.live.remove(&handle)));
}

/// The JS property through which `evaluate` and `merge` recognise an `Observations` object.
const HANDLE: &str = "__attainHandle";
/// The JS property through which `check` recognises a `Plan` object.
const PLAN_HANDLE: &str = "__attainPlan";

/// The handle of one of this module's objects, read through `property`: `None` when `arg` is
/// not such an object, an error when it was one but is freed (its getter throws).
fn handle_of(arg: &JsValue, property: &str, kind: ErrorKind, what: &str) -> Option<JsResult<u32>> {
    if !arg.is_object() {
        return None;
    }
    match Reflect::get(arg, &JsValue::from_str(property)) {
        Ok(h) => convert::as_u32(&h).map(Ok),
        Err(_) => Some(Err(invalid(kind, format!("{what} freed")))),
    }
}

/// Observations: tidy rows of values plus assignment follow-ups.
#[wasm_bindgen(js_name = Observations)]
pub struct JsObservations {
    handle: u32,
}

impl JsObservations {
    fn new(obs: Observations) -> JsObservations {
        JsObservations { handle: keep(&OBSERVATIONS, obs) }
    }

    fn by_handle(handle: u32) -> JsResult<Rc<Observations>> {
        kept(&OBSERVATIONS, handle, ErrorKind::Data, "these observations were")
    }

    fn get(&self) -> JsResult<Rc<Observations>> {
        Self::by_handle(self.handle)
    }

    /// The observations `arg` is (an `Observations`), or an error naming the argument.
    fn of_arg(arg: &JsValue, name: &str) -> JsResult<Rc<Observations>> {
        match handle_of(arg, HANDLE, ErrorKind::Data, "these observations were") {
            Some(h) => Self::by_handle(h?),
            None => Err(invalid(ErrorKind::Data, format!("`{name}` must be an Observations, got {}", convert::type_name(arg)))),
        }
    }

    /// Changes the observations in place (cloning only when an evaluation still holds them).
    fn update(&self, f: impl FnOnce(&mut Observations) -> attain_core::Result<()>) -> JsResult<()> {
        let mut rc = OBSERVATIONS
            .with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.live.remove(&self.handle)))
            .ok_or_else(|| invalid(ErrorKind::Data, "these observations were freed"))?;
        let result = f(Rc::make_mut(&mut rc));
        // The store is never borrowed across a call out to JS, so this cannot fail.
        let _ = OBSERVATIONS.with(|s| s.try_borrow_mut().map(|mut s| s.live.insert(self.handle, rc)));
        js(result)
    }
}

impl Drop for JsObservations {
    fn drop(&mut self) {
        forget(&OBSERVATIONS, self.handle);
    }
}

#[wasm_bindgen(js_class = Observations)]
impl JsObservations {
    /// From host rows (`{indicator, entity, period, gender?, value?, missing?, count?, source?}`)
    /// and, optionally, assignment follow-ups (`{assignment, period, status, comment?}`).
    #[wasm_bindgen(js_name = fromRows)]
    pub fn from_rows(rows: JsValue, assignments: JsValue) -> JsResult<JsObservations> {
        let rows = convert::rows(&rows)?;
        let follow_ups = if is_absent(&assignments) { None } else { Some(convert::assignments(&assignments)?) };
        let mut obs = js(Observations::from_rows(rows))?;
        if let Some(a) = follow_ups {
            js(Observations::from_json_value(&a, "<assignments>").and_then(|a| obs.merge_checked(a)))?;
        }
        Ok(JsObservations::new(obs))
    }

    /// From CSV text (tidy rows or assignment follow-ups); `file` names it in errors.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(text: JsValue, file: JsValue) -> JsResult<JsObservations> {
        let (text, file) = (convert::text(&text, "text", ErrorKind::Data)?, convert::opt_text_arg(&file, "file", ErrorKind::Data)?);
        js(Observations::from_csv(&text, file.as_deref().unwrap_or("data.csv"))).map(JsObservations::new)
    }

    /// From JSON text: a Kolada API response, an array of rows or `{observations, assignments}`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: JsValue, file: JsValue) -> JsResult<JsObservations> {
        let (text, file) = (convert::text(&text, "text", ErrorKind::Data)?, convert::opt_text_arg(&file, "file", ErrorKind::Data)?);
        js(Observations::from_json(&text, file.as_deref().unwrap_or("data.json"))).map(JsObservations::new)
    }

    /// These observations and `other`'s together, as new observations; a row in both is an error.
    pub fn merge(&self, other: JsValue) -> JsResult<JsObservations> {
        let other = JsObservations::of_arg(&other, "other")?;
        let mut obs = (*self.get()?).clone();
        js(obs.merge_checked((*other).clone()))?;
        Ok(JsObservations::new(obs))
    }

    /// Sets one value in place, adding the row when absent (`null` makes it a gap).
    #[wasm_bindgen(js_name = setValue)]
    pub fn set_value(&self, indicator: JsValue, entity: JsValue, period: JsValue, gender: JsValue, value: JsValue) -> JsResult<()> {
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let entity = convert::id(&entity, "entity")?;
        let period = convert::id(&period, "period")?;
        let gender = if is_absent(&gender) { attain_core::Gender::T } else { convert::gender(&gender, "gender")? };
        let value = convert::opt_number_arg(&value, "value", ErrorKind::Data)?;
        self.update(|obs| obs.set_value(&indicator, &entity, &period, gender, value))
    }

    /// A copy that later `setValue` calls on either do not share.
    #[wasm_bindgen(js_name = clone)]
    pub fn duplicate(&self) -> JsResult<JsObservations> {
        Ok(JsObservations::new((*self.get()?).clone()))
    }

    /// The rows, as `{indicator, entity, period, gender, value, missing?, count?, source?}`.
    pub fn rows(&self) -> JsResult<JsValue> {
        to_js(self.get()?.rows())
    }

    /// The assignment follow-ups, as `{assignment, period, status, comment}`.
    pub fn assignments(&self) -> JsResult<JsValue> {
        to_js(self.get()?.assignment_updates())
    }

    /// Number of rows.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> JsResult<usize> {
        Ok(self.get()?.rows().len())
    }

    /// Internal: lets `evaluate` recognise this object.
    #[wasm_bindgen(getter, js_name = __attainHandle)]
    pub fn attain_handle(&self) -> u32 {
        self.handle
    }
}

/// The data argument of `evaluate` and friends: `null`/`undefined` (the plan's bundled data),
/// an `Observations`, an array of host rows, `{observations, assignments}`, or CSV text (JSON
/// text when it starts with `[` or `{`).
fn data(plan: &Plan, arg: &JsValue) -> JsResult<Rc<Observations>> {
    if is_absent(arg) {
        return js(plan.bundled_data()).map(Rc::new);
    }
    if let Some(text) = arg.as_string() {
        let head = text.trim_start();
        let parsed = if head.starts_with('[') || head.starts_with('{') {
            Observations::from_json(&text, "data.json")
        } else {
            Observations::from_csv(&text, "data.csv")
        };
        return js(parsed).map(Rc::new);
    }
    if js_sys::Array::is_array(arg) {
        return js(Observations::from_rows(convert::rows(arg)?)).map(Rc::new);
    }
    if arg.is_object() {
        // An `Observations` (its getter throws once freed) ...
        if let Some(h) = handle_of(arg, HANDLE, ErrorKind::Data, "these observations were") {
            return JsObservations::by_handle(h?);
        }
        // ... or {observations, assignments}.
        let keys = convert::keys(arg);
        if !keys.is_empty() && keys.iter().all(|k| k == "observations" || k == "assignments") {
            let rows = convert::get(arg, "observations");
            let rows = if is_absent(&rows) { js_sys::Array::new().into() } else { rows };
            let obs = JsObservations::from_rows(rows, convert::get(arg, "assignments"))?;
            return obs.get();
        }
    }
    Err(invalid(
        ErrorKind::Data,
        "data must be null (the plan's own data), an Observations, an array of rows, {observations, assignments} or CSV text",
    ))
}

// ------------------------------------------------------------------ plan

/// A loaded, validated plan: goals, indicators and compiled rules.
#[wasm_bindgen(js_name = Plan)]
pub struct JsPlan {
    handle: u32,
}

impl JsPlan {
    fn new(plan: Plan) -> JsPlan {
        JsPlan { handle: keep(&PLANS, plan) }
    }

    fn get(&self) -> JsResult<Rc<Plan>> {
        kept(&PLANS, self.handle, ErrorKind::Plan, "this plan was")
    }

    /// The plan `arg` is (a `Plan`), or an error naming the argument.
    fn of_arg(arg: &JsValue, name: &str) -> JsResult<Rc<Plan>> {
        match handle_of(arg, PLAN_HANDLE, ErrorKind::Plan, "this plan was") {
            Some(h) => kept(&PLANS, h?, ErrorKind::Plan, "this plan was"),
            None => Err(invalid(ErrorKind::Plan, format!("`{name}` must be a Plan, got {}", convert::type_name(arg)))),
        }
    }
}

impl Drop for JsPlan {
    fn drop(&mut self) {
        forget(&PLANS, self.handle);
    }
}

/// What a page needs to list the plan: ids, titles, links and each indicator's rule.
#[derive(Serialize)]
struct Outline<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    entity: Option<&'a str>,
    period: Option<&'a str>,
    language: attain_core::Language,
    entities: &'a BTreeMap<String, String>,
    goals: Vec<OutlineGoal<'a>>,
    indicators: Vec<OutlineIndicator<'a>>,
}

#[derive(Serialize)]
struct OutlineGoal<'a> {
    id: &'a str,
    title: &'a str,
    parent: Option<&'a str>,
    indicators: Vec<&'a str>,
    key_figures: &'a [String],
}

#[derive(Serialize)]
struct OutlineIndicator<'a> {
    id: &'a str,
    title: &'a str,
    unit: &'a str,
    direction: attain_core::Direction,
    gender: bool,
    rule: &'a str,
    targets: &'a BTreeMap<String, f64>,
}

#[wasm_bindgen(js_class = Plan)]
impl JsPlan {
    /// Builds a plan from `{path: text}`: `plan.toml`, its scripts and optionally `data/`.
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(files: JsValue) -> JsResult<JsPlan> {
        let files = convert::plan_files(&files)?;
        js(Plan::from_files(files)).map(JsPlan::new)
    }

    /// Evaluates for one entity and period (`{entity, period, genders}`, all optional).
    pub fn evaluate(&self, data_arg: JsValue, query: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let obs = data(&plan, &data_arg)?;
        let (q, _) = convert::query(&query, false)?;
        to_js(&js(plan.evaluate(&obs, &q))?)
    }

    /// Evaluates every entity for every period (totals only), entity by entity.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, data_arg: JsValue, entities: JsValue, periods: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let obs = data(&plan, &data_arg)?;
        let entities = convert::ids(&entities, "entities")?;
        let periods = convert::ids(&periods, "periods")?;
        to_js(&js(plan.evaluate_many(&obs, &entities, &periods))?)
    }

    /// Everything one indicator's rule saw and returned, and the goals it feeds
    /// (`{entity, period, gender}`, all optional).
    pub fn explain(&self, data_arg: JsValue, indicator: JsValue, query: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let obs = data(&plan, &data_arg)?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let (q, gender) = convert::query(&query, true)?;
        to_js(&js(plan.explain(&obs, &q, &indicator, gender))?)
    }

    /// The nearest value that moves an indicator to the next better level.
    pub fn required(&self, data_arg: JsValue, indicator: JsValue, query: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let obs = data(&plan, &data_arg)?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let (q, gender) = convert::query(&query, true)?;
        to_js(&js(plan.required(&obs, &q, &indicator, gender))?)
    }

    /// One indicator's rule on inputs given directly instead of data (what-if):
    /// `{value, period, target?, previous?, history?, national?, peers?, percentile?, women?, men?}`
    /// gives `{status, label, reason}`. The inputs are taken as given, as in core and Python: the
    /// indicator's own target is `targetFor(indicator, period)`.
    pub fn assess(&self, indicator: JsValue, inputs: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let inputs = convert::inputs(&inputs)?;
        let a = js(plan.assess(&indicator, &inputs))?;
        to_js(&serde_json::json!({ "status": a.status, "label": a.label, "reason": a.reason }))
    }

    /// The indicator's target for a period: explicit, else on the line between the targets
    /// around it; `null` outside them.
    #[wasm_bindgen(js_name = targetFor)]
    pub fn target_for(&self, indicator: JsValue, period: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let period = convert::id(&period, "period")?;
        let ind = plan
            .indicator(&indicator)
            .ok_or_else(|| error::coded(attain_core::Code::QueryUnknownIndicator, format!("the plan has no indicator `{indicator}`")))?;
        Ok(ind.target_for(&period).map_or(JsValue::NULL, JsValue::from_f64))
    }

    /// The observations in the plan's `data/` folder.
    pub fn data(&self) -> JsResult<JsObservations> {
        js(self.get()?.bundled_data()).map(JsObservations::new)
    }

    /// Id, title, entity, period, goals and indicators (with each one's rule).
    pub fn outline(&self) -> JsResult<JsValue> {
        let plan = self.get()?;
        let p = &*plan;
        to_js(&Outline {
            id: &p.id,
            title: &p.title,
            description: p.description.as_deref(),
            entity: p.entity.as_deref(),
            period: p.period.as_deref(),
            language: p.language,
            entities: &p.entities,
            goals: p
                .goals
                .iter()
                .map(|g| OutlineGoal {
                    id: &g.id,
                    title: &g.title,
                    parent: g.parent.as_deref(),
                    indicators: g.indicators.iter().map(|l| l.id.as_str()).collect(),
                    key_figures: &g.key_figures,
                })
                .collect(),
            indicators: p
                .indicators
                .iter()
                .map(|i| OutlineIndicator {
                    id: &i.id,
                    title: &i.title,
                    unit: &i.unit,
                    direction: i.direction,
                    gender: i.gender,
                    rule: i.rule_id(),
                    targets: &i.targets,
                })
                .collect(),
        })
    }

    /// The plan's files as loaded (`{path: text}`).
    pub fn files(&self) -> JsResult<JsValue> {
        to_js(self.get()?.files())
    }

    /// Internal: lets `check` recognise this object.
    #[wasm_bindgen(getter, js_name = __attainPlan)]
    pub fn attain_plan(&self) -> u32 {
        self.handle
    }
}

// ------------------------------------------------------------------ functions

/// A report as a self-contained HTML page (core's renderer).
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(report: JsValue) -> JsResult<String> {
    Ok(attain_core::render(&convert::report(report)?, Format::Html))
}

/// A report in one of core's formats: `html`, `md`, `csv`, `json` or `table`.
#[wasm_bindgen(js_name = render)]
pub fn render(report: JsValue, format: JsValue) -> JsResult<String> {
    let format = convert::text(&format, "format", ErrorKind::Query)?;
    let Some(f) = Format::parse(&format) else {
        return Err(error::coded(
            attain_core::Code::QueryInvalidFormat,
            format!("unknown format `{format}` (use html, md, csv, json or table)"),
        ));
    };
    Ok(attain_core::render(&convert::report(report)?, f))
}

/// Runs every `*.test.toml` in `{path: text}`, with the plan when `plan.toml` is among them.
#[wasm_bindgen(js_name = runRuleTests)]
pub fn run_rule_tests(files: JsValue) -> JsResult<JsValue> {
    let files = convert::plan_files(&files)?;
    to_js(&js(attain_core::run_rule_tests_in(&files))?)
}

/// Checks every rule of the plan on generated inputs (`{cases: 200, seed: 2023}` by default).
#[wasm_bindgen(js_name = check)]
pub fn check(plan: JsValue, options: JsValue) -> JsResult<JsValue> {
    let plan = JsPlan::of_arg(&plan, "plan")?;
    let options = convert::check_options(&options)?;
    to_js(&js(attain_core::check(&plan, &options))?)
}

/// This binding's version and the report schema tag (`attain-report/1`).
#[wasm_bindgen(js_name = version)]
pub fn version() -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Version {
        binding: &'static str,
        schema: &'static str,
    }
    to_js(&Version { binding: env!("CARGO_PKG_VERSION"), schema: attain_core::REPORT_SCHEMA })
}

/// Internal, for the tests of the JS wrapper (`node.mjs`): traps this instance the way a panic
/// or a failed allocation does under `panic = "abort"`. Not part of the typed API.
#[wasm_bindgen(js_name = __attainTrap)]
pub fn attain_trap() {
    std::process::abort();
}
