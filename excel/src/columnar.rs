//! Columnar data: Arrow record batches (from a Parquet file here, from Python's Arrow
//! PyCapsule interface in the binding) read into core's typed columns, batch by batch.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatchReader};
use arrow_schema::{ArrowError, DataType};
use attain_core::{Code, ColumnReader, Error, Observations, Result, TypedColumn};
use std::path::Path;

/// Whether a data file is a Parquet file, by its extension (`.parquet`, any case).
pub fn is_parquet(path: impl AsRef<Path>) -> bool {
    path.as_ref().extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Observations from a Parquet file at `path`, named `name` in errors: its columns in core's
/// one vocabulary, as [`arrow_observations`] reads them.
///
/// # Errors
/// An io error when the file cannot be read; `data.malformed_parquet` when it is not Parquet (or uses a codec not built in);
/// otherwise those of [`arrow_observations`], at the file.
pub fn read_parquet(path: &Path, name: &str) -> Result<Observations> {
    let file = std::fs::File::open(path).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound { Code::IoNotFound } else { Code::IoRead };
        Error::new(code, format!("cannot read `{name}`: {e}")).in_file(name)
    })?;
    let bad = |e: parquet::errors::ParquetError| {
        Error::new(Code::DataMalformedParquet, format!("the file cannot be read as Parquet: {e}")).in_file(name)
    };
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).map_err(bad)?.build().map_err(bad)?;
    arrow_observations(Box::new(reader), Some(name))
}

/// Observations from a stream of Arrow record batches: each column named in core's one
/// vocabulary, each row checked as a host row is, errors naming the 1-based row over all
/// batches (and `file`, when given). Text columns may be Utf8, LargeUtf8, Utf8View or
/// dictionary-encoded; numbers any integer, float or decimal; a null is an absent cell.
///
/// # Errors
/// A data error for a column of another type (a date, binary, a list) naming it, and every
/// error of [`ColumnReader`].
pub fn arrow_observations(reader: Box<dyn RecordBatchReader + Send>, file: Option<&str>) -> Result<Observations> {
    let at = |e: Error| match file {
        Some(f) => e.in_file(f),
        None => e,
    };
    let schema = reader.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut columns = ColumnReader::new(&names, file)?;
    for batch in reader {
        let batch = batch.map_err(|e| at(stream_error(&e)))?;
        // Casts (dictionaries, views, narrow numbers) made first, so that the cells borrow them.
        let arrays =
            batch.columns().iter().zip(schema.fields()).map(|(a, f)| plain(a, f.name()).map_err(at)).collect::<Result<Vec<_>>>()?;
        columns.push(arrays.iter().map(cells).collect())?;
    }
    columns.finish()
}

fn stream_error(e: &ArrowError) -> Error {
    Error::new(Code::DataInvalidArgument, format!("the Arrow data cannot be read: {e}"))
}

/// A column as one of the four kinds core reads: Utf8 or LargeUtf8 text (dictionaries and
/// views cast to it), Int64, Float64 (any float or decimal), Boolean; Null as text nulls. Any
/// other type (dates, binary, lists) is an error naming the column.
fn plain(array: &ArrayRef, name: &str) -> attain_core::Result<ArrayRef> {
    let to = match array.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Int64 | DataType::Float64 | DataType::Boolean | DataType::Null => {
            return Ok(array.clone());
        }
        DataType::Utf8View => DataType::Utf8,
        DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => DataType::Utf8,
        t if t.is_integer() => DataType::Int64,
        t if t.is_floating() || matches!(t, DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..)) => {
            DataType::Float64
        }
        t => {
            return Err(Error::new(
                Code::DataInvalidType,
                format!("column `{name}` holds Arrow {t}, not text or numbers (an id is text or a whole number, a value a number)"),
            ));
        }
    };
    arrow_cast::cast(array, &to)
        .map_err(|e| Error::new(Code::DataInvalidType, format!("column `{name}` ({}) cannot be read as {to}: {e}", array.data_type())))
}

/// The cells of a column made [`plain`].
fn cells(array: &ArrayRef) -> TypedColumn<'_> {
    match array.data_type() {
        DataType::Utf8 => TypedColumn::Text(array.as_string::<i32>().iter().collect()),
        DataType::LargeUtf8 => TypedColumn::Text(array.as_string::<i64>().iter().collect()),
        DataType::Int64 => TypedColumn::Int(array.as_primitive::<Int64Type>().iter().collect()),
        DataType::Float64 => TypedColumn::Float(array.as_primitive::<Float64Type>().iter().collect()),
        DataType::Boolean => TypedColumn::Bool(array.as_boolean().iter().collect()),
        _ => TypedColumn::Text(vec![None; array.len()]),
    }
}
