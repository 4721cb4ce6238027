//! Every conversion between JS values and core's types lives here.
//!
//! JS to core: plan files, host rows, assignment follow-ups, reports given back, and every
//! request (queries, what-if inputs, check options) as a serde value tree that core's request
//! types read ([`request`]: core decides every default and check). Core to JS: anything serde
//! can serialise becomes plain objects, arrays, strings, numbers and `null` (never `Map`s), in
//! exactly core's JSON shape.

use crate::error::{JsResult, from_core, invalid};
use attain_core::{ErrorKind, Gender, PlanFiles, Report};
use js_sys::{Array, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// The most items an array argument may hold (rows, follow-ups, ids, history, peer values):
/// 16,777,216. A longer array is an error naming the argument, not an allocation that traps.
pub const MAX_ITEMS: u32 = 1 << 24;
/// The longest text argument, in UTF-16 code units: core's limit for one file (64 MiB).
pub const MAX_TEXT: u32 = 64 << 20;
/// Room reserved up front for an array's items, whatever length it claims; more is reserved
/// as the items come (`push`).
const FIRST_RESERVE: usize = 1 << 12;

/// Any serialisable core value as plain JS values, through core's JSON text. `JSON.parse`
/// builds the objects in one call: exactly core's JSON shape, as fast as building them field by
/// field from wasm (serde-wasm-bindgen, measured on the Östersund report), and 85 kB smaller.
/// The text handed over is ASCII ([`AsciiJson`]): the JS side decodes it from wasm memory with
/// `TextDecoder`, which in Node 20 is 15 times faster on ASCII than on text with any `ö` in it
/// (0.02 against 0.29 ms for the Östersund report); `JSON.parse` gives the same strings back.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let fail = |e: &dyn std::fmt::Display| invalid(ErrorKind::Data, format!("cannot convert the result to JS: {e}"));
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, AsciiJson)).map_err(|e| fail(&e))?;
    let text = String::from_utf8(out).map_err(|e| fail(&e))?;
    js_sys::JSON::parse(&text).map_err(|_| invalid(ErrorKind::Data, "cannot convert the result to JS"))
}

/// serde_json's compact JSON with every character outside ASCII written as `\u` escapes (a
/// UTF-16 surrogate pair above U+FFFF), as JSON allows: the same value, in ASCII text.
struct AsciiJson;

impl serde_json::ser::Formatter for AsciiJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut rest = fragment;
        while let Some(at) = rest.bytes().position(|b| !b.is_ascii()) {
            w.write_all(&rest.as_bytes()[..at])?;
            let Some(c) = rest[at..].chars().next() else { break };
            for unit in c.encode_utf16(&mut [0; 2]) {
                let u = usize::from(*unit);
                w.write_all(&[b'\\', b'u', HEX[u >> 12], HEX[(u >> 8) & 15], HEX[(u >> 4) & 15], HEX[u & 15]])?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

/// Strings from this many UTF-16 code units on come in through [`long_text`].
const LONG_TEXT: u32 = 256;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The host's `TextEncoder` (Node and every browser have it; wasm-bindgen's glue uses it too).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &js_sys::JsString) -> js_sys::Uint8Array;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JS string's text, as `JsValue::as_string` gives it (a lone surrogate becomes U+FFFD), or
/// `None` when `v` is not a string. A long one (plan files, CSV text) is encoded by the host's
/// `TextEncoder` in one native call and copied in: wasm-bindgen's own way copies ASCII one
/// character at a time in JS, 1.4 ms of the Östersund plan's 5 ms build in Node 20.
pub fn js_string(v: &JsValue) -> Option<String> {
    let s = v.dyn_ref::<js_sys::JsString>()?;
    if s.length() < LONG_TEXT {
        return v.as_string();
    }
    long_text(s).or_else(|| v.as_string())
}

fn long_text(s: &js_sys::JsString) -> Option<String> {
    let bytes = ENCODER.try_with(|e| e.encode(s)).ok()?;
    let mut out = Vec::new();
    out.try_reserve_exact(bytes.length() as usize).ok()?;
    out.resize(bytes.length() as usize, 0);
    // The lengths are equal (`copy_to` asserts it).
    bytes.copy_to(&mut out);
    String::from_utf8(out).ok()
}

/// `null` or `undefined`.
pub fn is_absent(v: &JsValue) -> bool {
    v.is_null() || v.is_undefined()
}

pub fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_else(|| "value".into())
    }
}

/// A property (`undefined` when absent or when reading it throws).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The own enumerable keys of a plain object.
/// (Also of objects without a prototype, as TOML and JSON parsers make: not `instanceof Object`.)
/// A `Proxy` whose `ownKeys` throws gives no keys: its error does not unwind through wasm.
pub fn keys(obj: &JsValue) -> Vec<String> {
    if !obj.is_object() {
        return Vec::new();
    }
    let Ok(keys) = object_keys(obj) else { return Vec::new() };
    let mut out = with_room(keys.length());
    for k in keys.iter().take(MAX_ITEMS as usize) {
        if let Some(k) = k.as_string() {
            if out.try_reserve(1).is_err() {
                break;
            }
            out.push(k);
        }
    }
    out
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Object.keys`, its exception caught (js-sys's binding lets it unwind through wasm).
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(obj: &JsValue) -> Result<Array, JsValue>;
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_function()
}

/// A text argument: a JS string of at most [`MAX_TEXT`] code units. `arg` names it in errors.
pub fn text(v: &JsValue, arg: &str, kind: ErrorKind) -> JsResult<String> {
    let Some(s) = v.dyn_ref::<js_sys::JsString>() else {
        return Err(invalid(kind, format!("`{arg}` must be a string, got {}", type_name(v))));
    };
    let n = s.length();
    if n > MAX_TEXT {
        return Err(invalid(kind, format!("`{arg}` has {n} characters, more than the limit of {MAX_TEXT}")));
    }
    js_string(v).ok_or_else(|| invalid(kind, format!("`{arg}` must be a string, got {}", type_name(v))))
}

/// An optional text argument: `null`/`undefined` is `None`.
pub fn opt_text_arg(v: &JsValue, arg: &str, kind: ErrorKind) -> JsResult<Option<String>> {
    if is_absent(v) { Ok(None) } else { text(v, arg, kind).map(Some) }
}

/// An optional number argument: `null`/`undefined` is `None`; NaN and infinities reach core.
pub fn opt_number_arg(v: &JsValue, arg: &str, kind: ErrorKind) -> JsResult<Option<f64>> {
    if is_absent(v) {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| invalid(kind, format!("`{arg}` must be a number or null, got {}", type_name(v))))
}

/// A whole number in `0..=u32::MAX` (handles), or `None`.
pub fn as_u32(v: &JsValue) -> Option<u32> {
    let x = v.as_f64()?;
    // The range check makes the cast exact.
    (x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x)).then_some(x as u32)
}

/// Appends `item`, growing the vector without aborting when memory runs out.
pub fn push<T>(out: &mut Vec<T>, item: T, what: &str) -> JsResult<()> {
    out.try_reserve(1).map_err(|_| invalid(ErrorKind::Data, format!("out of memory reading {what}")))?;
    out.push(item);
    Ok(())
}

/// The items of an array argument, one by one: at most [`MAX_ITEMS`], each read so that a
/// throwing getter or a `Proxy` is an error naming the item, never a trap. `arg` names it.
pub fn each_item(v: &JsValue, arg: &str, kind: ErrorKind, mut f: impl FnMut(usize, JsValue) -> JsResult<()>) -> JsResult<()> {
    let n = array_length(v, arg, kind)?;
    for i in 0..n {
        let item = Reflect::get_u32(v, i).map_err(|_| invalid(kind, format!("cannot read `{arg}[{i}]`")))?;
        f(i as usize, item)?;
    }
    Ok(())
}

/// The length of an array argument, checked against [`MAX_ITEMS`].
pub fn array_length(v: &JsValue, arg: &str, kind: ErrorKind) -> JsResult<u32> {
    if !Array::is_array(v) {
        return Err(invalid(kind, format!("`{arg}` must be an array, got {}", type_name(v))));
    }
    let n = Reflect::get(v, &JsValue::from_str("length")).ok().and_then(|n| as_u32(&n)).unwrap_or(u32::MAX);
    if n > MAX_ITEMS {
        return Err(invalid(kind, format!("`{arg}` has {n} items, more than the limit of {MAX_ITEMS}")));
    }
    Ok(n)
}

/// A vector for the items of an array of `n`: capacity capped, never trusting `n`.
fn with_room<T>(n: u32) -> Vec<T> {
    let mut out = Vec::new();
    // A failure here only means less room reserved up front.
    let _ = out.try_reserve((n as usize).min(FIRST_RESERVE));
    out
}

/// A plan given as `{path: text}` (an object or a `Map`).
pub fn plan_files(files: &JsValue) -> JsResult<PlanFiles> {
    let plan_error = |m: String| invalid(ErrorKind::Plan, m);
    let mut out = PlanFiles::new();
    let mut add = |path: JsValue, text: JsValue| -> JsResult<()> {
        let path = path.as_string().ok_or_else(|| plan_error(format!("a plan file path must be a string, got {}", type_name(&path))))?;
        // A file's bytes (Node's `Plan.load` reads them): core decodes them as it reads a file.
        if let Some(bytes) = text.dyn_ref::<js_sys::Uint8Array>() {
            return out.insert_bytes(&path, bytes.to_vec()).map_err(|e| from_core(&e));
        }
        let text =
            js_string(&text).ok_or_else(|| plan_error(format!("the text of `{path}` must be a string, got {}", type_name(&text))))?;
        // Core normalises the path (`\` to `/`) and refuses one that leaves the plan.
        out.insert(&path, text).map_err(|e| from_core(&e))
    };
    if let Some(map) = files.dyn_ref::<js_sys::Map>() {
        for entry in map.entries() {
            let pair: Array = entry.map_err(|_| plan_error("cannot read the files Map".into()))?.unchecked_into();
            add(pair.get(0), pair.get(1))?;
        }
    } else if is_plain_object(files) {
        for key in keys(files) {
            let text = get(files, &key);
            add(JsValue::from_str(&key), text)?;
        }
    } else {
        return Err(plan_error(format!("plan files must be an object of path to text, got {}", type_name(files))));
    }
    Ok(out)
}

/// Host rows or follow-ups: an array whose items become value trees for core's own reader
/// ([`attain_core::Observations::from_host_rows`]), under the same caps as every argument.
pub fn items(v: &JsValue, arg: &str) -> JsResult<Vec<serde_value::Value>> {
    let mut out = with_room(array_length(v, arg, ErrorKind::Data)?);
    each_item(v, arg, ErrorKind::Data, |i, item| {
        // A row that cannot be read is named by its 1-based row, as core names a bad row.
        let read = tree(&item, &format!("{arg}[{i}]"), 0, ErrorKind::Data).inspect_err(|e| {
            let _ = Reflect::set(e, &JsValue::from_str("row"), &JsValue::from_f64((i + 1) as f64));
        })?;
        push(&mut out, read, arg)
    })?;
    Ok(out)
}

/// A value tree as a serde deserializer.
pub fn de(tree: serde_value::Value) -> serde_value::ValueDeserializer<serde_json::Error> {
    serde_value::ValueDeserializer::new(tree)
}

/// A required id argument (entity, period of `setValue`): a string or an integer.
pub fn id(v: &JsValue, arg: &str) -> JsResult<String> {
    if v.is_string() {
        return text(v, arg, ErrorKind::Query);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(format!("{}", x as i64)),
        _ => Err(invalid(ErrorKind::Query, format!("`{arg}` must be a string, got {}", type_name(v)))),
    }
}

/// A gender code (`T`, `K`, `M`, or core's other spellings).
pub fn gender(v: &JsValue, field: &str) -> JsResult<Gender> {
    let s = v.as_string().ok_or_else(|| invalid(ErrorKind::Query, format!("`{field}` must be a string, got {}", type_name(v))))?;
    s.parse::<Gender>().map_err(|e| from_core(&e))
}

/// A report given back: the object `evaluate` returned, or its JSON text.
pub fn report(v: JsValue) -> JsResult<Report> {
    let not_a_report = || {
        invalid(ErrorKind::Data, format!("not an attain report: `report` must be a report object or its JSON text, got {}", type_name(&v)))
    };
    let text = if v.is_string() {
        text(&v, "report", ErrorKind::Data)?
    } else if is_plain_object(&v) {
        js_sys::JSON::stringify(&v).ok().and_then(|s| js_string(&s)).ok_or_else(not_a_report)?
    } else {
        return Err(not_a_report());
    };
    Report::from_json(&text).map_err(|e| from_core(&e))
}

/// How deep a request may nest: a cyclic object is an error, not a recursion that overflows.
const MAX_DEPTH: usize = 32;

/// A JS request argument read into core's request type `T` (`AssessRequest`, `EvaluateRequest`,
/// ...) by `attain_core::decode`, whose errors name `what` and the path inside it. Every
/// default and check is core's; this only carries the value across.
pub fn request<T: DeserializeOwned>(what: &str, v: &JsValue) -> JsResult<T> {
    let tree = tree(v, what, 0, ErrorKind::Query)?;
    crate::error::js(attain_core::decode(what, serde_value::ValueDeserializer::<serde_json::Error>::new(tree)))
}

/// The value tree of `v`. Not serde-wasm-bindgen's deserializer: it reads only the fields a
/// struct declares (so `deny_unknown_fields` never fires and `{valeu: 60}` would pass), its
/// property reads let a throwing getter unwind through wasm, and it walks a sparse array's whole
/// length. Here every read is caught, arrays and texts are capped ([`MAX_ITEMS`], [`MAX_TEXT`])
/// and NaN stays a number for core to refuse. A property that is `null` or `undefined` is left
/// out: not given.
pub fn tree(v: &JsValue, path: &str, depth: usize, kind: ErrorKind) -> JsResult<serde_value::Value> {
    use serde_value::Value as V;
    if is_absent(v) {
        return Ok(V::Unit);
    }
    if let Some(b) = v.as_bool() {
        return Ok(V::Bool(b));
    }
    if let Some(x) = v.as_f64() {
        // A whole number is an integer, so that `2023` reads as a period and `5` as a count.
        return Ok(if x.fract() == 0.0 && x.abs() < 9.0e15 { V::I64(x as i64) } else { V::F64(x) });
    }
    if v.is_string() {
        return text(v, path, kind).map(V::String);
    }
    if depth >= MAX_DEPTH {
        return Err(invalid(kind, format!("`{path}` nests more than {MAX_DEPTH} levels deep")));
    }
    if Array::is_array(v) {
        let mut out = with_room(array_length(v, path, kind)?);
        each_item(v, path, kind, |i, item| {
            let x = tree(&item, &format!("{path}[{i}]"), depth + 1, kind)?;
            push(&mut out, x, path)
        })?;
        return Ok(V::Seq(out));
    }
    if is_plain_object(v) {
        let mut out = BTreeMap::new();
        for key in keys(v) {
            let item = Reflect::get(v, &JsValue::from_str(&key)).map_err(|_| invalid(kind, format!("cannot read `{path}.{key}`")))?;
            if !is_absent(&item) {
                let x = tree(&item, &format!("{path}.{key}"), depth + 1, kind)?;
                out.insert(V::String(key), x);
            }
        }
        return Ok(V::Map(out));
    }
    Err(invalid(kind, format!("`{path}` must be a number, a string, an array or an object, got {}", type_name(v))))
}
