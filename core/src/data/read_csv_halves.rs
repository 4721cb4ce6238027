//! A large CSV text with no quote read in two halves on two threads, merged into one store.
//!
//! Without a quote every line end is a record's end, so the text splits at the first line end
//! after its middle. The columns are made once at their full length (a row per line), each
//! half writes its stretch with tables of its own, and the join maps the second's ids into the
//! first's tables in their order of first appearance and moves its rows up to the first's: the
//! ids, the rows and their order of one reading in order, and no column grown or copied twice. A half that meets any error gives
//! up and the whole text is read again in order, so an error is always the sequential one.
//! Without the `parallel` feature (wasm32) or with one thread, the text is read in order.

use super::header::Columns;
use super::store::Store;
#[cfg(feature = "parallel")]
use super::store::{Block, Part};

/// Below this many bytes a text is read in order: a second thread is not worth its start.
pub(super) const MIN_PARALLEL: usize = 1 << 20;

/// Where the second half starts: just after the first line end past the middle, when the
/// text is at least `min` bytes, holds no quote (a quoted cell may hold a line end) and the
/// first half holds more than the header line.
#[cfg(feature = "parallel")]
pub(super) fn split_point(text: &str, min: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.len() < min.max(2) || bytes.contains(&b'"') {
        return None;
    }
    let header_end = bytes.iter().position(|&b| b == b'\n')?;
    let middle = (bytes.len() / 2).max(header_end + 1);
    let end = middle + bytes[middle..].iter().position(|&b| b == b'\n')?;
    (end + 1 < bytes.len()).then_some(end + 1)
}

/// The rows of both halves in one store, or `None` to read in order: no split, one thread,
/// or an error in either half (a record of `fields` cells is what the header asks).
#[cfg(feature = "parallel")]
pub(super) fn read(text: &str, delimiter: u8, columns: &Columns, fields: usize, min: usize) -> Option<Store> {
    if rayon::current_num_threads() < 2 {
        return None;
    }
    let split = split_point(text, min)?;
    let (first, second) = text.split_at(split);
    // A line is at most one record: the first half's rows fit before `at`, the second's after.
    let per_record = columns.per_record();
    let at = lines(first).saturating_mul(per_record);
    let rows = at.saturating_add(lines(second).saturating_mul(per_record));
    if rows > super::MAX_ROWS + 1 {
        return None;
    }
    let mut block = Block::new(rows);
    let (mut a, mut b) = block.split_at(at);
    let (b_read, a_read) =
        rayon::join(|| half(second, false, delimiter, columns, fields, &mut b), || half(first, true, delimiter, columns, fields, &mut a));
    a_read?;
    b_read?;
    let (a, b) = (a.finish(), b.finish());
    if a.1 + b.1 > super::MAX_ROWS {
        return None;
    }
    Some(block.join(a, b, at))
}

#[cfg(not(feature = "parallel"))]
pub(super) fn read(_text: &str, _delimiter: u8, _columns: &Columns, _fields: usize, _min: usize) -> Option<Store> {
    None
}

/// How many lines `text` holds, counting a last one without a line end.
#[cfg(feature = "parallel")]
fn lines(text: &str) -> usize {
    text.as_bytes().iter().filter(|&&b| b == b'\n').count() + 1
}

/// Reads one half (the first begins with the header line) into `part`, or `None` at its first error.
#[cfg(feature = "parallel")]
fn half(text: &str, header: bool, delimiter: u8, columns: &Columns, fields: usize, part: &mut Part<'_>) -> Option<()> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(header).delimiter(delimiter).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).ok()? {
        if record.len() != fields {
            return None;
        }
        let pushed = columns.read(
            &record,
            |e, _| e,
            |o, _| {
                let o = super::checked(o, part.len())?;
                // Never full: the stretch holds a row per line.
                if part.push(o) { Ok(()) } else { Err(crate::error::Error::new(crate::error::Code::DataLimitRows, "")) }
            },
        );
        if pushed.is_err() {
            return None;
        }
    }
    Some(())
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::*;
    use crate::Observations;

    /// A tidy CSV of `n` rows whose ids repeat in an order drawn from `seed`, so that texts
    /// first seen in the second half get ids after the first half's.
    fn random_csv(seed: u64, n: usize) -> String {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let mut text = String::from("indicator,entity,period,gender,value,missing\n");
        for row in 0..n {
            let value = if next(9) == 0 { String::new() } else { format!("{}.{}", next(1000), next(10)) };
            let missing = if value.is_empty() && next(2) == 0 { "no data" } else { "" };
            let gender = ["T", "K", "M"][next(3) as usize];
            text.push_str(&format!("N{:03},{},{},{gender},{value},{missing}\n", next(40), next(300), 2000 + row));
        }
        text
    }

    fn tables(o: &Observations) -> Vec<Vec<String>> {
        let s = &*o.store;
        [&s.indicators, &s.entities, &s.periods].iter().map(|t| t.texts().map(str::to_string).collect()).collect()
    }

    #[test]
    fn halves_give_the_ids_and_rows_of_one_reading_in_order() {
        for seed in 0..40 {
            let text = random_csv(seed, 50 + seed as usize * 13);
            let columns_rows = |min| Observations::read_csv(&text, "r.csv", None, min).unwrap();
            let (whole, halves) = (columns_rows(usize::MAX), columns_rows(0));
            assert_eq!(tables(&whole), tables(&halves), "seed {seed}");
            assert_eq!(format!("{:?}", whole.rows().collect::<Vec<_>>()), format!("{:?}", halves.rows().collect::<Vec<_>>()));
            assert_eq!(whole.store.indicator, halves.store.indicator);
            assert_eq!(whole.store.entity, halves.store.entity);
            assert_eq!(whole.store.period, halves.store.period);
        }
    }

    #[test]
    fn wide_rows_counts_and_sources_read_in_halves_as_in_order() {
        let mut wide = String::from("indicator;entity;2021;2022;2023\n");
        let mut tidy = String::from("indicator,entity,period,value,count,source\n");
        for row in 0..150 {
            wide.push_str(&format!("N{:02};{};{},5;;{}\n", row % 7, row, row % 13, row % 5));
            let (count, source) = if row % 3 == 0 { (format!("{row}"), format!("s{}", row % 4)) } else { (String::new(), String::new()) };
            tidy.push_str(&format!("N{:02},{},{},{}.5,{count},{source}\n", row % 7, row % 11, 2000 + row, row));
        }
        for text in [wide, tidy] {
            let (whole, halves) =
                (Observations::read_csv(&text, "w.csv", None, usize::MAX), Observations::read_csv(&text, "w.csv", None, 0));
            let (whole, halves) = (whole.unwrap(), halves.unwrap());
            assert_eq!(tables(&whole), tables(&halves));
            assert_eq!(format!("{:?}", whole.rows().collect::<Vec<_>>()), format!("{:?}", halves.rows().collect::<Vec<_>>()));
        }
    }

    #[test]
    fn the_split_path_is_taken_for_a_text_without_quotes_only() {
        let text = random_csv(7, 200);
        let split = split_point(&text, 0).unwrap();
        assert!(split > text.len() / 2 && text.as_bytes()[split - 1] == b'\n');
        let mut obs = Observations::from_source(Some("r.csv"));
        let header: Vec<String> = text.lines().next().unwrap().split(',').map(str::to_string).collect();
        let columns = obs.read_header(&header, "r.csv", crate::locale::DecimalMark::Either).unwrap();
        let store = read(&text, b',', &columns, header.len(), 0).expect("two halves");
        assert_eq!(store.indicator.len(), 200);
        assert_eq!(store.len(), 200);
        assert_eq!(split_point(&text, text.len() + 1), None, "too short");
        let quoted = text.replacen("no data", "\"no data\"", 1);
        assert_eq!(split_point(&quoted, 0), None, "a quote reads in order");
        assert!(read(&quoted, b',', &columns, header.len(), 0).is_none());
        assert_eq!(split_point("indicator,entity,period,value\n", 0), None, "no second half");
    }

    #[test]
    fn an_error_in_the_second_half_is_at_its_line_and_row() {
        let text = random_csv(3, 100);
        let lines: Vec<&str> = text.lines().collect();
        let split = split_point(&text, 0).unwrap();
        // The first row after the split: its line (the header is line 1) and row.
        let line = text[..split].matches('\n').count() + 1;
        for (bad, code) in [("N001,2380,2001,X,1.0,", "data.invalid_gender"), ("N001,2380,2001,T", "data.field_count")] {
            let mut edited = lines.clone();
            edited[line - 1] = bad;
            edited[line + 5] = bad;
            let text = edited.join("\n") + "\n";
            let e = Observations::read_csv(&text, "r.csv", None, 0).unwrap_err();
            let e_in_order = Observations::read_csv(&text, "r.csv", None, usize::MAX).unwrap_err();
            assert_eq!(format!("{e:?}"), format!("{e_in_order:?}"));
            assert_eq!((e.line(), e.row(), e.file()), (Some(line), Some(line - 1), Some("r.csv")), "{bad}");
            assert_eq!(e.code().as_str(), code);
        }
        // An error in each half: the first half's, as in order.
        let mut edited = lines.clone();
        edited[3] = "N001,2380,2001,X,1.0,";
        edited[line - 1] = "N001,2380,2001,T";
        let e = Observations::read_csv(&(edited.join("\n") + "\n"), "r.csv", None, 0).unwrap_err();
        assert_eq!((e.line(), e.row()), (Some(4), Some(3)));
    }

    #[test]
    fn a_duplicate_across_the_halves_names_both_rows() {
        let text = random_csv(5, 100);
        let lines: Vec<&str> = text.lines().collect();
        let split = split_point(&text, 0).unwrap();
        let line = text[..split].matches('\n').count() + 1;
        let mut edited = lines.clone();
        edited[line + 2] = lines[2];
        let text = edited.join("\n") + "\n";
        let e = Observations::read_csv(&text, "r.csv", None, 0).unwrap_err();
        let e_in_order = Observations::read_csv(&text, "r.csv", None, usize::MAX).unwrap_err();
        assert_eq!(format!("{e:?}"), format!("{e_in_order:?}"));
        assert_eq!(e.code().as_str(), "data.duplicate_row");
    }
}
