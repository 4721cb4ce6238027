//! The JSON Schema of everything that crosses the host boundary (`schema/api.schema.json`).

use super::{AssessRequest, Assessment, CheckRequest, EvaluateManyRequest, EvaluateRequest, IndicatorRequest, Outline};

/// The JSON Schema of everything that crosses the host boundary, as shipped in
/// `schema/api.schema.json`: requests as core reads them, answers as core writes them. The
/// TypeScript declarations of the WebAssembly package are generated from it.
#[cfg(feature = "schema")]
pub fn api_schema() -> String {
    use schemars::generate::SchemaSettings;
    let mut defs = serde_json::Map::new();
    let mut read = SchemaSettings::draft2020_12().for_deserialize().into_generator();
    read.subschema_for::<AssessRequest>();
    read.subschema_for::<EvaluateRequest>();
    read.subschema_for::<EvaluateManyRequest>();
    read.subschema_for::<IndicatorRequest>();
    read.subschema_for::<CheckRequest>();
    read.subschema_for::<crate::TestOptions>();
    let mut write = SchemaSettings::draft2020_12().for_serialize().into_generator();
    write.subschema_for::<Assessment>();
    write.subschema_for::<crate::Observation>();
    write.subschema_for::<crate::AssignmentUpdate>();
    write.subschema_for::<Outline>();
    write.subschema_for::<crate::Explanation>();
    write.subschema_for::<crate::Required>();
    write.subschema_for::<crate::CheckReport>();
    write.subschema_for::<crate::TestReport>();
    write.subschema_for::<crate::Report>();
    write.subschema_for::<crate::Error>();
    for (name, schema) in read.take_definitions(true).into_iter().chain(write.take_definitions(true)) {
        defs.entry(name).or_insert(schema);
    }
    let doc = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "attain API",
        "description": "Everything that crosses attain's host boundary (core/src/host/).",
        "$defs": defs,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(all(test, feature = "schema"))]
mod schema_tests {
    /// The shipped schema is the one the types produce; `UPDATE_SCHEMA=1` rewrites it.
    #[test]
    fn shipped_api_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/api.schema.json");
        let generated = super::api_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/api.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p attain-core --features schema shipped_api_schema`"
        );
    }
}
