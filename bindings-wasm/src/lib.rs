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

use attain_core::{AssessRequest, CheckRequest, DataArg, ErrorKind, EvaluateRequest, Format, IndicatorRequest, Observations, Period, Plan};
use convert::{is_absent, request, to_js};
use error::{JsResult, invalid, js};
use js_sys::Reflect;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::Arc;
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
        let obs = js(Observations::from_host_rows(convert::items(&rows, "rows")?.into_iter().map(convert::de)))?;
        if is_absent(&assignments) {
            return Ok(JsObservations::new(obs));
        }
        let follow_ups = convert::items(&assignments, "assignments")?;
        Ok(JsObservations::new(js(obs.with_host_assignments(follow_ups.into_iter().map(convert::de)))?))
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
        to_js(&self.get()?.rows().collect::<Vec<_>>())
    }

    /// The assignment follow-ups, as `{assignment, period, status, comment}`.
    pub fn assignments(&self) -> JsResult<JsValue> {
        to_js(self.get()?.assignment_updates())
    }

    /// Number of rows.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> JsResult<usize> {
        Ok(self.get()?.len())
    }

    /// Internal: lets `evaluate` recognise this object.
    #[wasm_bindgen(getter, js_name = __attainHandle)]
    pub fn attain_handle(&self) -> u32 {
        self.handle
    }
}

/// The observations a call runs on: the plan's own (read once, kept in the plan) or given.
enum Data {
    Plan(Arc<Observations>),
    Given(Rc<Observations>),
}

impl Deref for Data {
    type Target = Observations;
    fn deref(&self) -> &Observations {
        match self {
            Data::Plan(d) => d,
            Data::Given(d) => d,
        }
    }
}

/// The data argument of `evaluate` and friends, by core's rule (`DataArg`): `null`/`undefined`
/// is the plan's own `data/` folder, an `Observations` is itself, a string is core's error
/// (`Observations.fromCsv`, `fromJson` and `fromRows` say what the text or rows are).
fn data(plan: &Plan, arg: &JsValue) -> JsResult<Data> {
    if is_absent(arg) {
        return js(plan.data_for(DataArg::Absent)).map(Data::Plan);
    }
    if arg.is_string() {
        return js(plan.data_for(DataArg::Text)).map(Data::Plan);
    }
    match handle_of(arg, HANDLE, ErrorKind::Data, "these observations were") {
        Some(h) => JsObservations::by_handle(h?).map(Data::Given),
        None => Err(invalid(
            ErrorKind::Data,
            format!("`data` must be an Observations or null (the plan's own data), got {}", convert::type_name(arg)),
        )),
    }
}

/// The request of `explain` and `required`: the indicator given apart, with the query's fields.
fn indicator_request(indicator: &JsValue, query: &JsValue) -> JsResult<IndicatorRequest> {
    let indicator = convert::text(indicator, "indicator", ErrorKind::Query)?;
    let mut tree = convert::tree(query, "query", 0, attain_core::ErrorKind::Query)?;
    if tree == serde_value::Value::Unit {
        tree = serde_value::Value::Map(std::collections::BTreeMap::new());
    }
    if let serde_value::Value::Map(m) = &mut tree {
        m.insert(serde_value::Value::String("indicator".into()), serde_value::Value::String(indicator));
    }
    js(attain_core::decode("query", serde_value::ValueDeserializer::<serde_json::Error>::new(tree)))
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
        let query: Option<EvaluateRequest> = request("query", &query)?;
        to_js(&js(plan.evaluate(&obs, &query.unwrap_or_default().query()))?)
    }

    /// Evaluates every entity for every period (totals only), entity by entity.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, data_arg: JsValue, entities: JsValue, periods: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let obs = data(&plan, &data_arg)?;
        let entities: Vec<String> = request("entities", &entities)?;
        let periods: Vec<Period> = request("periods", &periods)?;
        let periods: Vec<String> = periods.iter().map(|p| p.as_str().to_string()).collect();
        to_js(&js(plan.evaluate_many(&obs, &entities, &periods))?)
    }

    /// Everything one indicator's rule saw and returned, and the goals it feeds
    /// (`{entity, period, gender}`, all optional).
    pub fn explain(&self, data_arg: JsValue, indicator: JsValue, query: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let request = indicator_request(&indicator, &query)?;
        let obs = data(&plan, &data_arg)?;
        let (q, gender) = request.query();
        to_js(&js(plan.explain(&obs, &q, &request.indicator, gender))?)
    }

    /// The nearest value that moves an indicator to the next better level.
    pub fn required(&self, data_arg: JsValue, indicator: JsValue, query: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let request = indicator_request(&indicator, &query)?;
        let obs = data(&plan, &data_arg)?;
        let (q, gender) = request.query();
        to_js(&js(plan.required(&obs, &q, &request.indicator, gender))?)
    }

    /// One indicator's rule on inputs given directly instead of data (what-if): core's
    /// `AssessRequest` (`{value, period?, target?, previous?, history?, national?, peers?,
    /// percentile?, women?, men?}`) gives core's `Assessment` (status, label, reason, score, and
    /// the period, target and previous used: core fills in what is not given).
    pub fn assess(&self, indicator: JsValue, inputs: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let inputs: AssessRequest = request("inputs", &inputs)?;
        to_js(&js(plan.assess(&indicator, &inputs))?)
    }

    /// `assess` for many rows of one indicator; an error names its 1-based row.
    #[wasm_bindgen(js_name = assessMany)]
    pub fn assess_many(&self, indicator: JsValue, rows: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let rows: Vec<AssessRequest> = request("rows", &rows)?;
        to_js(&js(plan.assess_many(&indicator, &rows))?)
    }

    /// The indicator's target for a period: explicit, else on the line between the targets
    /// around it; `null` outside them (core's `assess` without a value: the target it would use).
    #[wasm_bindgen(js_name = targetFor)]
    pub fn target_for(&self, indicator: JsValue, period: JsValue) -> JsResult<JsValue> {
        let plan = self.get()?;
        let indicator = convert::text(&indicator, "indicator", ErrorKind::Query)?;
        let period: Period = request("period", &period)?;
        let mut request = AssessRequest::default();
        request.period = Some(period);
        let a = js(plan.assess(&indicator, &request))?;
        Ok(a.target.map_or(JsValue::NULL, JsValue::from_f64))
    }

    /// The observations in the plan's `data/` folder.
    pub fn data(&self) -> JsResult<JsObservations> {
        js(self.get()?.data()).map(|d| JsObservations::new((*d).clone()))
    }

    /// Core's outline: id, title, entity, period, goals, indicators (with each one's rule and
    /// targets) and assignments.
    pub fn outline(&self) -> JsResult<JsValue> {
        to_js(&self.get()?.outline())
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

/// A report in one of core's formats: `html`, `html-fragment`, `md`, `csv`, `json` or `table`.
#[wasm_bindgen(js_name = render)]
pub fn render(report: JsValue, format: JsValue) -> JsResult<String> {
    let format: Format = js(convert::text(&format, "format", ErrorKind::Query)?.parse())?;
    Ok(attain_core::render(&convert::report(report)?, format))
}

/// Node's `Plan.load`: what core's plan reader does with a folder entry (`skip`, `walk` or
/// `read`; a workbook under `data/` is core's `data.unread_workbook`), given its path in the plan (`key`) and what it is (`folder`, `file`, `other`, `link-to-folder`,
/// `link-to-file`, `link-to-other`, `link-outside`, `broken-link`); core's error for an entry it
/// refuses, at `key`.
#[wasm_bindgen(js_name = planFolderEntry)]
pub fn plan_folder_entry(key: &str, kind: &str) -> JsResult<String> {
    use attain_core::{EntryAction, EntryKind};
    let kind = match kind {
        "folder" => EntryKind::Folder,
        "file" => EntryKind::File,
        "other" => EntryKind::Other,
        "link-to-folder" => EntryKind::LinkToFolder,
        "link-to-file" => EntryKind::LinkToFile,
        "link-to-other" => EntryKind::LinkToOther,
        "link-outside" => EntryKind::LinkOutside,
        "broken-link" => EntryKind::BrokenLink,
        other => return Err(invalid(ErrorKind::Plan, format!("`{other}` is not a kind of folder entry"))),
    };
    let action = js(attain_core::folder_entry(key, kind))?;
    Ok(match action {
        EntryAction::Skip => "skip",
        EntryAction::Walk => "walk",
        EntryAction::Read => "read",
        // This package has no workbook reader (its size budget): the workbook's rows would be lost.
        EntryAction::Workbook => return js(Err(attain_core::unread_workbook(key))),
    }
    .into())
}

/// Node's `Plan.load`: core's folder budget on entering the folder at `key`, `depth` below the root.
#[wasm_bindgen(js_name = planFolderEnter)]
pub fn plan_folder_enter(key: &str, depth: usize) -> JsResult<()> {
    js(attain_core::FolderBudget::new().enter(key, depth))
}

/// Node's `Plan.load`: core's folder budget for one more file of `size` bytes at `key`, after
/// `files` files of `bytes` bytes together (JS numbers: sizes are whole and far below 2^53).
#[wasm_bindgen(js_name = planFolderFile)]
pub fn plan_folder_file(files: usize, bytes: f64, key: &str, size: f64) -> JsResult<()> {
    js(attain_core::FolderBudget::after(files, bytes as u64).take(key, size as u64))
}

/// Node's `Plan.load`: core's error for a plan folder that is not one (`exists`: something is there).
#[wasm_bindgen(js_name = planFolderMissing)]
pub fn plan_folder_missing(folder: &str, exists: bool) -> JsResult<()> {
    js(Err(attain_core::not_a_folder(folder, exists)))
}

/// Runs every `*.test.toml` in `{path: text}`, with the plan when `plan.toml` is among them;
/// `options` is core's `TestOptions` (`{coverage: true}`, which this build refuses: see core's
/// `coverage` feature).
#[wasm_bindgen(js_name = runRuleTests)]
pub fn run_rule_tests(files: JsValue, options: JsValue) -> JsResult<JsValue> {
    let files = convert::plan_files(&files)?;
    let options: Option<attain_core::TestOptions> = request("options", &options)?;
    to_js(&js(attain_core::run_rule_tests_in_with(&files, &options.unwrap_or_default()))?)
}

/// Checks every rule of the plan on generated inputs (`{cases: 200, seed: 2023}` by default).
#[wasm_bindgen(js_name = check)]
pub fn check(plan: JsValue, options: JsValue) -> JsResult<JsValue> {
    let plan = JsPlan::of_arg(&plan, "plan")?;
    let options: Option<CheckRequest> = request("options", &options)?;
    to_js(&js(attain_core::check(&plan, &options.unwrap_or_default().options()))?)
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
