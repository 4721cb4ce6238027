//! The index the evaluation reads: series per indicator, entity and gender, and every entity's values ranked.
//!
//! Built from the store's columns and its sorted row order (the one the duplicate check made),
//! with no text copied: a series is a run of row numbers, its points read from the columns.

use crate::model::Gender;
use ahash::AHashMap;
use std::sync::Arc;

use super::Observations;
use super::store::{Store, period_ranks};

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
    rows: &'a [u32],
    gender: Gender,
}

impl<'a> Series<'a> {
    /// The points, oldest first.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = Point<'a>> + 'a {
        let (store, gender) = (&*self.index.store, self.gender);
        let rows = self.rows;
        rows.iter().map(|&r| r as usize).filter(move |&r| store.gender[r] == gender).map(move |r| Point {
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
    /// Row numbers sorted by indicator, entity, period, gender.
    order: Arc<Vec<u32>>,
    /// Each period id's place among the periods sorted as texts.
    rank: Vec<u32>,
    /// (indicator, entity) → its rows in `order`.
    blocks: AHashMap<(u32, u32), Block>,
    /// Per entity id: every period id with a value, sorted by period; `None` for an entity
    /// with gaps only (it is in the data all the same, see `Plan::resolve_query`).
    entity_periods: Vec<Vec<u32>>,
    /// (indicator, period) → the values of every entity that is not a group (`G…`), sorted, per gender.
    ranked: AHashMap<(u32, u32), [Vec<f64>; 3]>,
    /// Per indicator id: the periods in which some entity has a value.
    periods: Vec<Vec<u32>>,
    /// Per indicator id: how many rows the data holds of it (a report warns of ids the plan does not know).
    rows_per_indicator: Vec<usize>,
}

impl Index {
    fn build(store: Arc<Store>, order: Arc<Vec<u32>>) -> Index {
        let s = &*store;
        let rank = period_ranks(&s.periods);
        let group: Vec<bool> = s.entities.texts().map(|e| e.starts_with('G')).collect();
        let mut blocks = AHashMap::with_capacity(s.indicators.len() * 4);
        let mut entity_periods: Vec<Vec<u32>> = vec![Vec::new(); s.entities.len()];
        let mut ranked = AHashMap::new();
        let mut periods = vec![Vec::new(); s.indicators.len()];
        let mut rows_per_indicator = vec![0; s.indicators.len()];
        // Per period rank, the values of the indicator being read (its rows are consecutive).
        let mut at: Vec<Option<[Vec<f64>; 3]>> = vec![None; rank.len()];
        let mut by_rank = vec![0; rank.len()];
        for (id, &r) in rank.iter().enumerate() {
            by_rank[r as usize] = id as u32;
        }
        let mut flush = |ind: u32, at: &mut Vec<Option<[Vec<f64>; 3]>>| {
            for (r, slot) in at.iter_mut().enumerate() {
                if let Some(mut values) = slot.take() {
                    for v in &mut values {
                        v.sort_by(f64::total_cmp);
                    }
                    periods[ind as usize].push(by_rank[r]);
                    ranked.insert((ind, by_rank[r]), values);
                }
            }
        };
        let mut i = 0;
        while i < order.len() {
            let first = order[i] as usize;
            let (ind, ent) = (s.indicator[first], s.entity[first]);
            let start = i;
            let mut genders = 0u8;
            let last_periods = &mut entity_periods[ent as usize];
            while i < order.len() && s.indicator[order[i] as usize] == ind && s.entity[order[i] as usize] == ent {
                let r = order[i] as usize;
                genders |= 1 << slot(s.gender[r]);
                if let Some(v) = s.value(r) {
                    let p = s.period[r];
                    if last_periods.last() != Some(&p) {
                        last_periods.push(p);
                    }
                    let values = at[rank[p as usize] as usize].get_or_insert_with(Default::default);
                    if !group[ent as usize] {
                        values[slot(s.gender[r])].push(v);
                    }
                }
                i += 1;
            }
            rows_per_indicator[ind as usize] += i - start;
            blocks.insert((ind, ent), Block { start: start as u32, end: i as u32, genders });
            if i == order.len() || s.indicator[order[i] as usize] != ind {
                flush(ind, &mut at);
            }
        }
        for p in &mut entity_periods {
            p.sort_by_key(|&id| rank[id as usize]);
            p.dedup();
        }
        Index { store, order, rank, blocks, entity_periods, ranked, periods, rows_per_indicator }
    }

    fn ids(&self, indicator: &str, entity: &str) -> Option<(u32, u32)> {
        Some((self.store.indicators.id(indicator)?, self.store.entities.id(entity)?))
    }

    /// The series of one indicator, entity and gender.
    pub fn series(&self, indicator: &str, entity: &str, gender: Gender) -> Option<Series<'_>> {
        let b = self.blocks.get(&self.ids(indicator, entity)?)?;
        (b.genders & (1 << slot(gender)) != 0).then(|| Series { index: self, rows: &self.order[b.start as usize..b.end as usize], gender })
    }
    /// The value of one indicator, entity and gender in exactly this period.
    pub fn value_at(&self, indicator: &str, entity: &str, gender: Gender, period: &str) -> Option<f64> {
        let s = &*self.store;
        let b = self.blocks.get(&self.ids(indicator, entity)?)?;
        let rank = self.rank[s.periods.id(period)? as usize];
        let rows = &self.order[b.start as usize..b.end as usize];
        // The block is sorted by period: the first row of that period by binary search.
        let from = rows.partition_point(|&r| self.rank[s.period[r as usize] as usize] < rank);
        rows[from..]
            .iter()
            .map(|&r| r as usize)
            .take_while(|&r| self.rank[s.period[r] as usize] == rank)
            .find(|&r| s.gender[r] == gender)
            .and_then(|r| s.value(r))
    }
    /// The values of every entity that is not a group (`G…`) in a period, sorted ascending.
    pub fn ranked_at(&self, indicator: &str, period: &str, gender: Gender) -> Option<&[f64]> {
        let key = (self.store.indicators.id(indicator)?, self.store.periods.id(period)?);
        self.ranked.get(&key).map(|v| v[slot(gender)].as_slice())
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
