//! Every error that reaches JS is a JS `Error` built here.
//!
//! `message` is core's message (lowercase, no location); `name` is `AttainError`; the fields
//! of core's one serialised error shape are properties: `type` (`plan`, `rule`, `data`,
//! `query`, `test`, `io`), `code` (core's stable code, `plan.duplicate_id`), `file`, `line`,
//! `column` and `row` (`null` when unknown).

use attain_core::{Code, Error, ErrorKind};
use wasm_bindgen::JsValue;

/// The result of an exported function or of a conversion.
pub type JsResult<T> = Result<T, JsValue>;

/// Where an error happened, as core's `Location` has it.
#[derive(Default)]
struct Place<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    row: Option<usize>,
}

fn build(code: Code, message: &str, place: Place<'_>) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("AttainError");
    let number = |n: Option<usize>| n.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64));
    let fields = [
        ("type", JsValue::from_str(code.kind().as_str())),
        ("code", JsValue::from_str(code.as_str())),
        ("file", place.file.map_or(JsValue::NULL, JsValue::from_str)),
        ("line", number(place.line)),
        ("column", number(place.column)),
        ("row", number(place.row)),
    ];
    for (key, value) in fields {
        // Setting an own property of a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(key), &value);
    }
    err.into()
}

/// A core error as a JS `Error` with the structured fields as properties.
pub fn from_core(e: &Error) -> JsValue {
    build(e.code(), e.message(), Place { file: e.file(), line: e.line(), column: e.column(), row: e.row() })
}

/// Core's result as a binding result.
pub fn js<T>(result: attain_core::Result<T>) -> JsResult<T> {
    result.map_err(|e| from_core(&e))
}

/// A JS argument of the wrong shape, in core's kinds (code `KIND.invalid_argument`).
pub fn invalid(kind: ErrorKind, message: impl AsRef<str>) -> JsValue {
    build(Code::invalid_argument(kind), message.as_ref(), Place::default())
}
