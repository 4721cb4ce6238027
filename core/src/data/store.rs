//! The columnar store every reader fills: ids interned once into string tables, one column per field.
//!
//! A row is a position in the columns. Indicator, entity and period are small integer ids into
//! tables of their texts (Kolada: about 6,000 indicators, 290 municipalities, 30 years against
//! millions of rows), so a row costs 21 bytes and no heap allocation; a reason or a source is an
//! id into one table of texts (a handful of distinct ones), kept up to the last row that has one
//! (4 bytes a row more each, or nothing in a file without them), and counts, which only group
//! rows carry, are kept beside their row numbers.

use crate::model::Gender;
use ahash::AHashMap;
use std::sync::Arc;

/// Texts and their ids, each text kept once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    texts: Vec<Arc<str>>,
    ids: AHashMap<Arc<str>, u32>,
    /// The id last asked for: rows of one indicator or entity come in runs, so most look-ups
    /// are a comparison, not a hash.
    last: Option<u32>,
}

impl Table {
    /// The id of `text`, adding it when new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(id) = self.last.filter(|&id| &*self.texts[id as usize] == text) {
            return id;
        }
        let id = match self.ids.get(text) {
            Some(&id) => id,
            None => {
                // Fewer distinct texts than rows, and rows are bounded (MAX_ROWS) far below u32::MAX.
                let id = self.texts.len() as u32;
                let shared: Arc<str> = Arc::from(text);
                self.texts.push(shared.clone());
                self.ids.insert(shared, id);
                id
            }
        };
        self.last = Some(id);
        id
    }
    /// The id of `text`, if any row holds it.
    pub(crate) fn id(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }
    pub(crate) fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }
    pub(crate) fn len(&self) -> usize {
        self.texts.len()
    }
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().map(|t| &**t)
    }
}

/// One row as a reader hands it over, borrowing its texts from the cells it was read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowParts<'a> {
    pub indicator: &'a str,
    pub entity: &'a str,
    pub period: &'a str,
    pub gender: Gender,
    pub value: Option<f64>,
    pub missing: Option<&'a str>,
    pub count: Option<u32>,
    pub source: Option<&'a str>,
}

/// No text (a reason or source not given): id 0 of `Store::texts` is never a text.
const NONE: u32 = 0;

/// The observations' columns and tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    pub indicators: Table,
    pub entities: Table,
    pub periods: Table,
    /// Reasons and sources; a column holds `id + 1`, or 0 for none.
    texts: Table,
    pub indicator: Vec<u32>,
    pub entity: Vec<u32>,
    pub period: Vec<u32>,
    pub gender: Vec<Gender>,
    /// The value; NaN is a gap (a value is always finite, so NaN stands for no other value).
    value: Vec<f64>,
    /// Reason and source ids, up to the last row that has one (a row past a column's end has
    /// none): most files give neither, and then these hold nothing and no page is touched.
    missing: Vec<u32>,
    source: Vec<u32>,
    /// (row, count), in row order: counts are only on group rows.
    counts: Vec<(u32, u32)>,
}

impl Store {
    pub(crate) fn len(&self) -> usize {
        self.value.len()
    }

    fn text_id(&mut self, t: Option<&str>) -> u32 {
        t.map_or(NONE, |t| self.texts.intern(t) + 1)
    }

    /// Appends a row already checked (ids trimmed and not empty, value finite).
    pub(crate) fn push(&mut self, r: RowParts<'_>) {
        let row = self.len() as u32;
        self.indicator.push(self.indicators.intern(r.indicator));
        self.entity.push(self.entities.intern(r.entity));
        self.period.push(self.periods.intern(r.period));
        self.gender.push(r.gender);
        self.value.push(r.value.unwrap_or(f64::NAN));
        let (missing, source) = (self.text_id(r.missing), self.text_id(r.source));
        put(&mut self.missing, row as usize, missing);
        put(&mut self.source, row as usize, source);
        if let Some(c) = r.count {
            self.counts.push((row, c));
        }
    }

    pub(crate) fn value(&self, row: usize) -> Option<f64> {
        Some(self.value[row]).filter(|v| !v.is_nan())
    }
    pub(crate) fn missing(&self, row: usize) -> Option<&str> {
        self.text(self.missing.get(row).copied().unwrap_or(NONE))
    }
    pub(crate) fn source(&self, row: usize) -> Option<&str> {
        self.text(self.source.get(row).copied().unwrap_or(NONE))
    }
    fn text(&self, id: u32) -> Option<&str> {
        (id != NONE).then(|| self.texts.text(id - 1))
    }
    pub(crate) fn count(&self, row: usize) -> Option<u32> {
        let row = row as u32;
        let at = self.counts.partition_point(|&(r, _)| r < row);
        self.counts.get(at).filter(|(r, _)| *r == row).map(|&(_, c)| c)
    }

    /// A what-if edit of an existing row: the value, and no reason for a gap.
    pub(crate) fn set_value(&mut self, row: usize, value: Option<f64>) {
        self.value[row] = value.unwrap_or(f64::NAN);
        if let Some(m) = self.missing.get_mut(row) {
            *m = NONE;
        }
    }

    /// The row where indicator, entity, period and gender are these.
    pub(crate) fn find(&self, indicator: &str, entity: &str, period: &str, gender: Gender) -> Option<usize> {
        let (i, e, p) = (self.indicators.id(indicator)?, self.entities.id(entity)?, self.periods.id(period)?);
        (0..self.len()).find(|&r| self.indicator[r] == i && self.entity[r] == e && self.period[r] == p && self.gender[r] == gender)
    }

    /// Appends every row of `other`, its ids mapped into these tables.
    pub(crate) fn append(&mut self, other: &Store) {
        let map = |to: &mut Table, from: &Table| -> Vec<u32> { from.texts().map(|t| to.intern(t)).collect() };
        let (ind, ent, per) = (
            map(&mut self.indicators, &other.indicators),
            map(&mut self.entities, &other.entities),
            map(&mut self.periods, &other.periods),
        );
        let texts: Vec<u32> = std::iter::once(NONE).chain(other.texts.texts().map(|t| self.texts.intern(t) + 1)).collect();
        let offset = self.len();
        self.reserve_exact(other.len());
        self.indicator.extend(other.indicator.iter().map(|&i| ind[i as usize]));
        self.entity.extend(other.entity.iter().map(|&i| ent[i as usize]));
        self.period.extend(other.period.iter().map(|&i| per[i as usize]));
        self.gender.extend_from_slice(&other.gender);
        self.value.extend_from_slice(&other.value);
        extend_from(&mut self.missing, offset, &other.missing, &texts);
        extend_from(&mut self.source, offset, &other.source, &texts);
        self.counts.extend(other.counts.iter().map(|&(r, c)| (r + offset as u32, c)));
    }

    /// Room for `rows` more rows in every column, and no more: a column grown by doubling while
    /// another file is appended holds up to twice its rows, each new page faulted and zeroed.
    fn reserve_exact(&mut self, rows: usize) {
        self.indicator.reserve_exact(rows);
        self.entity.reserve_exact(rows);
        self.period.reserve_exact(rows);
        self.gender.reserve_exact(rows);
        self.value.reserve_exact(rows);
    }

    /// Every row's place in the order (indicator, entity, period as text, gender, row): the
    /// order of the index's series, and the one a duplicate check needs (equal keys side by
    /// side). The key of a row packs into one integer, sorted without comparing texts.
    pub(crate) fn sorted_rows(&self) -> Order {
        let rank = period_ranks(&self.periods);
        let bits = |n: usize| usize::BITS - n.saturating_sub(1).leading_zeros();
        let (bi, be, bp, br) = (bits(self.indicators.len()), bits(self.entities.len()), bits(self.periods.len()), bits(self.len()));
        let key = |r: usize| -> u128 {
            let k = u128::from(self.indicator[r]);
            let k = (k << be) | u128::from(self.entity[r]);
            let k = (k << bp) | u128::from(rank[self.period[r] as usize]);
            let k = (k << 2) | super::slot(self.gender[r]) as u128;
            (k << br) | r as u128
        };
        let mask = (1u128 << br) - 1;
        // Rows read in key order, as files written by a tool mostly are, are checked in one
        // pass: no key is kept and no permutation made (12 bytes a row not touched).
        if bi + be + bp + 2 + br <= 64 {
            let key = |r: usize| key(r) as u64;
            if in_order(self.len(), key) {
                return Order::AsRead(self.len());
            }
            let mut keys: Vec<u64> = (0..self.len()).map(key).collect();
            sort(&mut keys);
            Order::Rows(keys.into_iter().map(|k| (u128::from(k) & mask) as u32).collect())
        } else {
            if in_order(self.len(), key) {
                return Order::AsRead(self.len());
            }
            let mut keys: Vec<u128> = (0..self.len()).map(key).collect();
            sort(&mut keys);
            Order::Rows(keys.into_iter().map(|k| (k & mask) as u32).collect())
        }
    }

    /// Whether rows `a` and `b` are the same indicator, entity, period and gender.
    pub(crate) fn same_key(&self, a: usize, b: usize) -> bool {
        self.indicator[a] == self.indicator[b]
            && self.entity[a] == self.entity[b]
            && self.period[a] == self.period[b]
            && self.gender[a] == self.gender[b]
    }
}

/// Columns made at their full length at once, filled in two parts on two threads (the halves of
/// one text), then joined into one store: no column grows by doubling, and no second store is
/// copied into the first. Reasons and sources, which most rows lack, each part keeps as
/// [`Store`] does (up to its last row with one).
#[cfg(feature = "parallel")]
pub(crate) struct Block {
    indicator: Vec<u32>,
    entity: Vec<u32>,
    period: Vec<u32>,
    gender: Vec<Gender>,
    value: Vec<f64>,
}

/// Rows written into a fixed stretch of a [`Block`]'s columns, with tables of their own.
#[cfg(feature = "parallel")]
pub(crate) struct Part<'a> {
    /// The tables, counts, reasons and sources (its other columns stay empty).
    tables: Store,
    indicator: &'a mut [u32],
    entity: &'a mut [u32],
    period: &'a mut [u32],
    gender: &'a mut [Gender],
    value: &'a mut [f64],
    len: usize,
}

#[cfg(feature = "parallel")]
impl Block {
    /// Columns of `rows` rows (zeroed pages, not written until a row is).
    pub(crate) fn new(rows: usize) -> Block {
        Block {
            indicator: vec![0; rows],
            entity: vec![0; rows],
            period: vec![0; rows],
            gender: vec![Gender::T; rows],
            value: vec![0.0; rows],
        }
    }

    /// The rows before `at` and the rows from `at`, each written by a part of its own.
    pub(crate) fn split_at(&mut self, at: usize) -> (Part<'_>, Part<'_>) {
        let (i0, i1) = self.indicator.split_at_mut(at);
        let (e0, e1) = self.entity.split_at_mut(at);
        let (p0, p1) = self.period.split_at_mut(at);
        let (g0, g1) = self.gender.split_at_mut(at);
        let (v0, v1) = self.value.split_at_mut(at);
        let part =
            |indicator, entity, period, gender, value| Part { tables: Store::default(), indicator, entity, period, gender, value, len: 0 };
        (part(i0, e0, p0, g0, v0), part(i1, e1, p1, g1, v1))
    }

    /// One store of the first part's rows, then the second's (written from `at`): the second's
    /// ids mapped into the first's tables as [`Store::append`] maps them, so the ids are those of
    /// one reading in order.
    pub(crate) fn join(self, first: (Store, usize), second: (Store, usize), at: usize) -> Store {
        let ((mut a, a_len), (b, b_len)) = (first, second);
        let map = |to: &mut Table, from: &Table| -> Vec<u32> { from.texts().map(|t| to.intern(t)).collect() };
        let (ind, ent, per) = (map(&mut a.indicators, &b.indicators), map(&mut a.entities, &b.entities), map(&mut a.periods, &b.periods));
        let texts: Vec<u32> = std::iter::once(NONE).chain(b.texts.texts().map(|t| a.texts.intern(t) + 1)).collect();
        let (from, to) = (at..at + b_len, a_len + b_len);
        let ids = |mut col: Vec<u32>, map: &[u32]| {
            col[from.clone()].iter_mut().for_each(|id| *id = map[*id as usize]);
            col.copy_within(from.clone(), a_len);
            col.truncate(to);
            col
        };
        fn moved<T: Copy>(mut col: Vec<T>, from: std::ops::Range<usize>, a_len: usize, to: usize) -> Vec<T> {
            col.copy_within(from, a_len);
            col.truncate(to);
            col
        }
        let Block { indicator, entity, period, gender, value } = self;
        a.indicator = ids(indicator, &ind);
        a.entity = ids(entity, &ent);
        a.period = ids(period, &per);
        extend_from(&mut a.missing, a_len, &b.missing, &texts);
        extend_from(&mut a.source, a_len, &b.source, &texts);
        a.gender = moved(gender, from.clone(), a_len, to);
        a.value = moved(value, from, a_len, to);
        a.counts.extend(b.counts.iter().map(|&(r, c)| (r + a_len as u32, c)));
        a
    }
}

#[cfg(feature = "parallel")]
impl Part<'_> {
    /// Writes a row already checked, as [`Store::push`] does; `false` when the stretch is full.
    pub(crate) fn push(&mut self, r: RowParts<'_>) -> bool {
        let i = self.len;
        if i >= self.value.len() {
            return false;
        }
        let s = &mut self.tables;
        self.indicator[i] = s.indicators.intern(r.indicator);
        self.entity[i] = s.entities.intern(r.entity);
        self.period[i] = s.periods.intern(r.period);
        self.gender[i] = r.gender;
        self.value[i] = r.value.unwrap_or(f64::NAN);
        let (missing, source) = (s.text_id(r.missing), s.text_id(r.source));
        put(&mut s.missing, i, missing);
        put(&mut s.source, i, source);
        if let Some(c) = r.count {
            s.counts.push((i as u32, c));
        }
        self.len += 1;
        true
    }

    /// How many rows were written.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The tables and counts, and how many rows were written.
    pub(crate) fn finish(self) -> (Store, usize) {
        (self.tables, self.len)
    }
}

/// Each period id's place among the periods sorted as texts (`2022` < `2022-T1` < `2023`).
pub(crate) fn period_ranks(periods: &Table) -> Vec<u32> {
    let mut order: Vec<u32> = (0..periods.len() as u32).collect();
    order.sort_by(|&a, &b| periods.text(a).cmp(periods.text(b)));
    let mut rank = vec![0; order.len()];
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    rank
}

/// Whether the keys of rows `0..n` rise (each holds its row number, so no two are equal).
fn in_order<T: Ord>(n: usize, key: impl Fn(usize) -> T) -> bool {
    let mut last = None;
    (0..n).all(|r| {
        let k = key(r);
        let rises = last.as_ref().is_none_or(|l| *l < k);
        last = Some(k);
        rises
    })
}

/// A column of ids up to its last row with one: `id` at `row` (the rows' count), when not none.
fn put(col: &mut Vec<u32>, row: usize, id: u32) {
    if id != NONE {
        col.resize(row, NONE);
        col.push(id);
    }
}

/// The ids of `from` (a column up to its last row with one) after the `offset` rows of `to`,
/// each mapped by `map`.
fn extend_from(to: &mut Vec<u32>, offset: usize, from: &[u32], map: &[u32]) {
    if !from.is_empty() {
        to.reserve_exact(offset + from.len() - to.len().min(offset));
        to.resize(offset, NONE);
        to.extend(from.iter().map(|&i| map[i as usize]));
    }
}

/// Rows in the order of [`Store::sorted_rows`].
#[derive(Debug)]
pub(crate) enum Order {
    /// The rows as read, which already are in that order: no permutation kept.
    AsRead(usize),
    /// Row numbers.
    Rows(Vec<u32>),
}

impl Default for Order {
    fn default() -> Order {
        Order::AsRead(0)
    }
}

impl Order {
    pub(crate) fn len(&self) -> usize {
        match self {
            Order::AsRead(n) => *n,
            Order::Rows(rows) => rows.len(),
        }
    }
    /// The row at place `i` of the order.
    pub(crate) fn at(&self, i: usize) -> usize {
        match self {
            Order::AsRead(_) => i,
            Order::Rows(rows) => rows[i] as usize,
        }
    }
}

/// Sorts the keys (each holds its row number, so no two are equal and the order is one).
fn sort<T: Ord + Send>(keys: &mut [T]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::slice::ParallelSliceMut;
        keys.par_sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    keys.sort_unstable();
}
