//! Parquet files as data: read through core's typed columns, the same rows as the CSV of the same
//! values, errors at the file and row, and a plan's `data/*.parquet` never skipped in silence.
//!
//! The files are written here with arrow-rs's own writer from the real rows of
//! `rules/ostersund-2023/data/national-N01982-2022.csv` (Kolada's values for 289 municipalities).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use arrow_array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use attain_core::{Code, Observations};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn national_csv() -> String {
    std::fs::read_to_string(repo().join("rules/ostersund-2023/data/national-N01982-2022.csv")).unwrap()
}

/// The CSV's rows (`indicator,entity,period,gender,value,source`) as a batch: ids as text, the
/// period as an int32 column, the value as float64.
fn batch_of(csv: &str) -> RecordBatch {
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let text = |i: usize| -> ArrayRef { Arc::new(StringArray::from(rows.iter().map(|r| r[i]).collect::<Vec<_>>())) };
    let period: ArrayRef = Arc::new(Int32Array::from(rows.iter().map(|r| r[2].parse::<i32>().unwrap()).collect::<Vec<_>>()));
    let value: ArrayRef = Arc::new(Float64Array::from(rows.iter().map(|r| r[4].parse::<f64>().ok()).collect::<Vec<_>>()));
    RecordBatch::try_from_iter([
        ("indicator", text(0)),
        ("entity", text(1)),
        ("period", period),
        ("gender", text(3)),
        ("value", value),
        ("source", text(5)),
    ])
    .unwrap()
}

fn write(path: &Path, batch: &RecordBatch, compression: Compression, rows_per_group: usize) {
    let props = WriterProperties::builder().set_compression(compression).set_max_row_group_row_count(Some(rows_per_group)).build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("attain-parquet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_parquet_file_reads_as_the_same_rows_as_its_csv() {
    let csv = national_csv();
    let expected = Observations::from_csv(&csv, "n.csv").unwrap();
    let dir = temp("same");
    for (name, compression) in [("snappy", Compression::SNAPPY), ("zstd", Compression::ZSTD(ZstdLevel::default()))] {
        let path = dir.join(format!("n-{name}.parquet"));
        // Row groups of 100: the rows of several batches, counted as one file's.
        write(&path, &batch_of(&csv), compression, 100);
        let got = attain_excel::load(&path).unwrap();
        assert_eq!(got.rows().collect::<Vec<_>>(), expected.rows().collect::<Vec<_>>(), "{name}");
        assert_eq!(got.rows().len(), 289);
    }
}

#[test]
fn a_bad_row_names_the_file_and_row() {
    // Row 150 of the real rows with its entity emptied.
    let csv = national_csv();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[150].split(',').collect();
    lines[150] = format!("{},,{},{},{},{}", cells[0], cells[2], cells[3], cells[4], cells[5]);
    let dir = temp("bad");
    let path = dir.join("n.parquet");
    write(&path, &batch_of(&lines.join("\n")), Compression::SNAPPY, 100);
    let e = attain_excel::load(&path).unwrap_err();
    assert_eq!((e.code(), e.row(), e.file()), (Code::DataEmptyId, Some(150), Some(path.display().to_string().as_str())));
    std::fs::write(&path, "indicator,entity\n").unwrap();
    assert_eq!(attain_excel::load(&path).unwrap_err().code(), Code::DataMalformedParquet);
}

#[test]
fn a_plans_parquet_data_is_read_by_load_plan_and_refused_by_core_alone() {
    let dir = temp("plan");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("plan.toml"),
        "[plan]\nid='x'\ntitle='X'\nentity='2380'\n[[goal]]\nid='g'\ntitle='G'\nindicators=['N01982']\n\
         [[indicator]]\nid='N01982'\ntitle='Eftergymnasial utbildning'\nrule='reference'\n",
    )
    .unwrap();
    write(&dir.join("data/national.parquet"), &batch_of(&national_csv()), Compression::SNAPPY, 1000);
    let plan = attain_excel::load_plan(&dir).unwrap();
    assert_eq!(plan.data().unwrap().rows().len(), 289);
    let e = attain_core::Plan::load(&dir).unwrap().data().unwrap_err();
    assert_eq!((e.code(), e.file()), (Code::DataUnreadWorkbook, Some("data/national.parquet")));
    assert!(e.message().contains("Parquet"), "{}", e.message());
}
