//! The host boundary: what every front door (the CLI, Python, JavaScript) asks of core and what it gets back.
//!
//! A binding converts its host's values into these types (through serde: pythonize,
//! serde-wasm-bindgen, or the CLI's flags), makes one call and converts the answer back. Every
//! default, check and policy of a call is decided here, once, so that the hosts cannot disagree;
//! the conformance vectors (tests/conformance) pin the answers.
//!
//! cedar-policy keeps its host boundary the same way (`cedar-policy/src/ffi/`).
//!
//! - `decode`: reading any host's value with the argument's path in the error, and the field
//!   readers the requests share;
//! - `query`: `evaluate`, `explain`, `required` and `check` requests, and the data argument;
//! - `assess`: what-if inputs and the verdict on them;
//! - `outline`: the plan's structure;
//! - `schema`: the JSON Schema of all of it.

mod assess;
mod decode;
mod outline;
mod query;
#[cfg(feature = "schema")]
mod schema;

pub use crate::period::Period;
pub use assess::{AssessRequest, Assessment, HistoryPoint, PeersRequest};
pub use decode::{decode, decode_json};
pub use outline::{Outline, OutlineAssignment, OutlineGoal, OutlineIndicator};
pub use query::{CheckRequest, DataArg, EvaluateManyRequest, EvaluateRequest, IndicatorRequest};
#[cfg(feature = "schema")]
pub use schema::api_schema;
