//! Arrow out (the Arrow PyCapsule interface, pyo3-arrow): core's report table and the
//! assessments of `assess_many` as Arrow batches. Arrow in is attain-excel's
//! [`attain_excel::arrow_observations`], shared with the CLI's Parquet reader.

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use attain_core::{Code, Error};
use std::sync::Arc;

/// The report's indicator results ([`attain_core::indicator_table`], the CSV's columns) as an
/// Arrow batch: the number columns core names as Float64 (an empty cell a null), the rest Utf8.
pub fn report_table(report: &attain_core::Report) -> attain_core::Result<RecordBatch> {
    use arrow_array::builder::{Float64Builder, StringBuilder};
    use attain_core::ReportCell;
    let (names, rows) = attain_core::indicator_table(report);
    let mut fields = Vec::with_capacity(names.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let column = rows.iter().map(|r| r.get(i));
        if attain_core::INDICATOR_NUMBER_COLUMNS.contains(name) {
            let mut b = Float64Builder::with_capacity(rows.len());
            b.extend(column.map(|c| if let Some(ReportCell::Number(x)) = c { Some(*x) } else { None }));
            fields.push(Field::new(*name, DataType::Float64, true));
            arrays.push(Arc::new(b.finish()));
        } else {
            let mut b = StringBuilder::new();
            for c in column {
                match c {
                    Some(ReportCell::Text(s)) => b.append_value(s),
                    Some(ReportCell::Number(x)) => b.append_value(x.to_string()),
                    None => b.append_null(),
                }
            }
            fields.push(Field::new(*name, DataType::Utf8, false));
            arrays.push(Arc::new(b.finish()));
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::new(Code::DataInvalidArgument, format!("cannot build the report's Arrow table: {e}")))
}

/// The columns of `assess_many`'s assessments as an Arrow batch: texts as Utf8, numbers as
/// Float64, `measures` as the report's CSV writes them (`name=value;…`, in name order).
#[allow(clippy::too_many_arguments)]
pub fn assessments_table(
    status: Vec<String>,
    label: Vec<String>,
    reason: Vec<String>,
    score: Vec<Option<f64>>,
    period: Vec<String>,
    target: Vec<Option<f64>>,
    previous: Vec<Option<f64>>,
    target_op: Vec<Option<String>>,
    measures: Vec<std::collections::BTreeMap<String, f64>>,
) -> attain_core::Result<RecordBatch> {
    use arrow_array::{Float64Array, StringArray};
    let text = |v: Vec<String>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    let number = |v: Vec<Option<f64>>| -> ArrayRef { Arc::new(Float64Array::from(v)) };
    let measures: Vec<String> = measures.iter().map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")).collect();
    let columns = [
        ("status", text(status)),
        ("label", text(label)),
        ("reason", text(reason)),
        ("score", number(score)),
        ("period", text(period)),
        ("target", number(target)),
        ("previous", number(previous)),
        ("target_op", Arc::new(StringArray::from(target_op)) as ArrayRef),
        ("measures", text(measures)),
    ];
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), a.null_count() > 0 || a.data_type() == &DataType::Float64 || *n == "target_op"))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect())
        .map_err(|e| Error::new(Code::DataInvalidArgument, format!("cannot build the assessments' Arrow table: {e}")))
}

/// The numbers of an Arrow array stream as floats (`None` for a null): any integer, float or
/// decimal type, cast with arrow-cast; another type is a data error naming `arg`.
pub fn floats(reader: Box<dyn pyo3_arrow::ffi::ArrayReader + Send>, arg: &str) -> attain_core::Result<Vec<Option<f64>>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    let field = reader.field();
    let t = field.data_type();
    if !(t.is_numeric() || t == &DataType::Null) {
        return Err(Error::new(Code::DataInvalidType, format!("`{arg}` holds Arrow {t}, not numbers")));
    }
    let mut out = Vec::new();
    for array in reader {
        let array = array.map_err(|e| Error::new(Code::DataInvalidArgument, format!("`{arg}`: the Arrow data cannot be read: {e}")))?;
        let array = arrow_cast::cast(&array, &DataType::Float64)
            .map_err(|e| Error::new(Code::DataInvalidType, format!("`{arg}` ({t}) cannot be read as numbers: {e}")))?;
        out.try_reserve(array.len()).map_err(|_| Error::new(Code::DataInvalidArgument, format!("out of memory reading `{arg}`")))?;
        out.extend(array.as_primitive::<Float64Type>().iter());
    }
    Ok(out)
}
