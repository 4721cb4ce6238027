//! The index the evaluation reads: series per indicator, entity and gender, and every entity's values ranked.
//!
//! Built from the store's columns and its sorted row order (the one the duplicate check made),
//! with no text copied: a series is a run of row numbers, its points read from the columns.

use crate::model::Gender;
use ahash::AHashMap;
use std::sync::Arc;

use super::Observations;
use super::store::{Order, Store, period_ranks};

/// A gender's place in the per-gender arrays (T, K, M).
pub(crate) fn slot(g: Gender) -> usize {
    match g {
        Gender::T => 0,
        Gender::K => 1,
        Gender::M => 2,
    }
}

/// One point of a series, read from the store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point<'a> {
    pub period: &'a str,
    pub value: Option<f64>,
    pub count: Option<u32>,
    pub missing: Option<&'a str>,
}

/// The rows of one indicator and entity, sorted by period then gender: a gender's series is
/// those of its rows.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: u32,
    end: u32,
    /// Bit `slot(g)` set when gender `g` has a row.
    genders: u8,
}

/// One indicator's, entity's and gender's series, sorted by period.
#[derive(Clone, Copy)]
pub(crate) struct Series<'a> {
    index: &'a Index,
    /// Its block's places in the order.
    start: u32,
    end: u32,
    gender: Gender,
}

impl<'a> Series<'a> {
    /// The points, oldest first.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = Point<'a>> + 'a {
        let (store, order, gender) = (&*self.index.store, &*self.index.order, self.gender);
        (self.start as usize..self.end as usize).map(move |i| order.at(i)).filter(move |&r| store.gender[r] == gender).map(move |r| Point {
            period: store.periods.text(store.period[r]),
            value: store.value(r),
            count: store.count(r),
            missing: store.missing(r),
        })
    }
}

/// Lookups by borrowed ids, so that evaluation does not allocate keys.
#[derive(Debug, Default)]
pub(crate) struct Index {
    store: Arc<Store>,
    /// The rows sorted by indicator, entity, period, gender.
    order: Arc<Order>,
    /// Each period id's place among the periods sorted as texts.
    rank: Vec<u32>,
    /// Per indicator id, where its blocks start in `blocks` (and, last, where they all end).
    by_indicator: Vec<u32>,
    /// Each (indicator, entity)'s rows in `order`, with its entity: by indicator, then entity
    /// id, as the order has them (found by binary search, not kept in a hash map rehashed as it grows).
    blocks: Vec<(u32, Block)>,
    /// Per entity id: every period id with a value, sorted by period; `None` for an entity
    /// with gaps only (it is in the data all the same, see `Plan::resolve_query`).
    entity_periods: Vec<Vec<u32>>,
    /// (indicator, period) → where the values of every entity that is not a group (`G…`) are
    /// in `values`, per gender.
    ranked: AHashMap<(u32, u32), [(u32, u32); 3]>,
    /// Every ranked run of values, each sorted: one vector, not three per indicator and period.
    values: Vec<f64>,
    /// Per indicator id: the periods in which some entity has a value.
    periods: Vec<Vec<u32>>,
    /// Per indicator id: how many rows the data holds of it (a report warns of ids the plan does not know).
    rows_per_indicator: Vec<usize>,
}

/// The values of the indicator being read, per period rank and gender (its rows are
/// consecutive in the order), moved into the index's runs when its rows end: the same vectors
/// serve every indicator.
struct Ranking {
    at: Vec<[Vec<f64>; 3]>,
    seen: Vec<bool>,
    by_rank: Vec<u32>,
}

impl Ranking {
    fn new(rank: &[u32]) -> Ranking {
        let mut by_rank = vec![0; rank.len()];
        for (id, &r) in rank.iter().enumerate() {
            by_rank[r as usize] = id as u32;
        }
        Ranking { at: vec![Default::default(); rank.len()], seen: vec![false; rank.len()], by_rank }
    }

    fn flush(&mut self, ind: u32, index: &mut Index) {
        for (r, values) in self.at.iter_mut().enumerate() {
            if !std::mem::take(&mut self.seen[r]) {
                continue;
            }
            let mut runs = [(0, 0); 3];
            for (run, v) in runs.iter_mut().zip(values.iter_mut()) {
                v.sort_by(f64::total_cmp);
                let start = index.values.len() as u32;
                index.values.extend_from_slice(v);
                *run = (start, index.values.len() as u32);
                v.clear();
            }
            index.periods[ind as usize].push(self.by_rank[r]);
            index.ranked.insert((ind, self.by_rank[r]), runs);
        }
    }
}

impl Index {
    fn build(store: Arc<Store>, order: Arc<Order>) -> Index {
        let held = store.clone();
        let s = &*held;
        let rank = period_ranks(&s.periods);
        let group: Vec<bool> = s.entities.texts().map(|e| e.starts_with('G')).collect();
        let mut ranking = Ranking::new(&rank);
        let mut index = Index {
            store,
            order: order.clone(),
            by_indicator: vec![0; s.indicators.len() + 1],
            entity_periods: vec![Vec::new(); s.entities.len()],
            // At most a value per row: sized once, its pages touched only as far as filled.
            values: Vec::with_capacity(s.len()),
            periods: vec![Vec::new(); s.indicators.len()],
            rows_per_indicator: vec![0; s.indicators.len()],
            ..Index::default()
        };
        let mut i = 0;
        while i < order.len() {
            let first = order.at(i);
            let (ind, ent) = (s.indicator[first], s.entity[first]);
            let start = i;
            let mut genders = 0u8;
            let last_periods = &mut index.entity_periods[ent as usize];
            while i < order.len() && s.indicator[order.at(i)] == ind && s.entity[order.at(i)] == ent {
                let r = order.at(i);
                genders |= 1 << slot(s.gender[r]);
                if let Some(v) = s.value(r) {
                    let p = s.period[r];
                    if last_periods.last() != Some(&p) {
                        last_periods.push(p);
                    }
                    let at = rank[p as usize] as usize;
                    ranking.seen[at] = true;
                    if !group[ent as usize] {
                        ranking.at[at][slot(s.gender[r])].push(v);
                    }
                }
                i += 1;
            }
            index.rows_per_indicator[ind as usize] += i - start;
            index.blocks.push((ent, Block { start: start as u32, end: i as u32, genders }));
            index.by_indicator[ind as usize + 1] = index.blocks.len() as u32;
            if i == order.len() || s.indicator[order.at(i)] != ind {
                ranking.flush(ind, &mut index);
            }
        }
        // An indicator with no rows (none is, as tables are filled from rows) starts where the one before ends.
        for k in 1..index.by_indicator.len() {
            index.by_indicator[k] = index.by_indicator[k].max(index.by_indicator[k - 1]);
        }
        for p in &mut index.entity_periods {
            p.sort_by_key(|&id| rank[id as usize]);
            p.dedup();
        }
        index.rank = rank;
        index
    }

    /// The block of rows of one indicator and entity.
    fn block(&self, indicator: &str, entity: &str) -> Option<&Block> {
        let (i, e) = self.ids(indicator, entity)?;
        let blocks = &self.blocks[self.by_indicator[i as usize] as usize..self.by_indicator[i as usize + 1] as usize];
        blocks.binary_search_by_key(&e, |&(e, _)| e).ok().map(|k| &blocks[k].1)
    }

    fn ids(&self, indicator: &str, entity: &str) -> Option<(u32, u32)> {
        Some((self.store.indicators.id(indicator)?, self.store.entities.id(entity)?))
    }

    /// The series of one indicator, entity and gender.
    pub fn series(&self, indicator: &str, entity: &str, gender: Gender) -> Option<Series<'_>> {
        let b = self.block(indicator, entity)?;
        (b.genders & (1 << slot(gender)) != 0).then_some(Series { index: self, start: b.start, end: b.end, gender })
    }
    /// The value of one indicator, entity and gender in exactly this period.
    pub fn value_at(&self, indicator: &str, entity: &str, gender: Gender, period: &str) -> Option<f64> {
        let (s, order) = (&*self.store, &*self.order);
        let b = self.block(indicator, entity)?;
        let rank = self.rank[s.periods.id(period)? as usize];
        let before = |i: usize| self.rank[s.period[order.at(i)] as usize] < rank;
        // The block is sorted by period: the first row of that period by binary search.
        let (mut from, mut to) = (b.start as usize, b.end as usize);
        while from < to {
            let mid = from + (to - from) / 2;
            if before(mid) { from = mid + 1 } else { to = mid }
        }
        (from..b.end as usize)
            .map(|i| order.at(i))
            .take_while(|&r| self.rank[s.period[r] as usize] == rank)
            .find(|&r| s.gender[r] == gender)
            .and_then(|r| s.value(r))
    }
    /// The values of every entity that is not a group (`G…`) in a period, sorted ascending.
    pub fn ranked_at(&self, indicator: &str, period: &str, gender: Gender) -> Option<&[f64]> {
        let key = (self.store.indicators.id(indicator)?, self.store.periods.id(period)?);
        self.ranked.get(&key).map(|runs| {
            let (start, end) = runs[slot(gender)];
            &self.values[start as usize..end as usize]
        })
    }
    /// Every period in which some entity has a value of the indicator.
    pub fn periods_of(&self, indicator: &str) -> impl Iterator<Item = &str> {
        let ids = self.store.indicators.id(indicator).map_or(&[][..], |i| self.periods[i as usize].as_slice());
        ids.iter().map(|&p| self.store.periods.text(p))
    }
    /// Whether the entity is in the data at all (a row with a gap counts).
    pub fn has_entity(&self, entity: &str) -> bool {
        self.store.entities.id(entity).is_some()
    }
    /// Every period with a value for an entity, sorted; `None` when the entity is not in the data.
    pub fn entity_periods<'a>(&'a self, entity: &str) -> Option<impl DoubleEndedIterator<Item = &'a str> + use<'a>> {
        let e = self.store.entities.id(entity)?;
        Some(self.entity_periods[e as usize].iter().map(|&p| self.store.periods.text(p)))
    }
    /// Every indicator id of the data with its number of rows.
    pub fn rows_per_indicator(&self) -> impl Iterator<Item = (&str, usize)> {
        self.store.indicators.texts().zip(self.rows_per_indicator.iter().copied()).filter(|(_, n)| *n > 0)
    }
}

impl Observations {
    pub(crate) fn index(&self) -> Arc<Index> {
        self.index.get_or_init(|| Arc::new(Index::build(self.store.clone(), self.sorted()))).clone()
    }
}
