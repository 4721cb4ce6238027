//! The index the evaluation reads: series per indicator, entity and gender, and every entity's values ranked.

use crate::model::Gender;
use ahash::AHashMap;
use std::sync::Arc;

use super::Observations;

/// One point of a series.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub period: String,
    pub value: Option<f64>,
    pub count: Option<u32>,
    pub missing: Option<String>,
}

/// A series sorted by period.
pub(crate) type Series = Vec<Point>;

/// Every entity's value in one period.
type EntityValues<'a> = Vec<(&'a str, f64)>;

/// Lookups by borrowed ids, so that evaluation does not allocate keys.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// indicator → entity → series per gender (T, K, M).
    series: AHashMap<String, AHashMap<String, [Series; 3]>>,
    /// Every period with a value for an entity, sorted; every entity of the data is a key.
    pub entity_periods: AHashMap<String, Vec<String>>,
    /// indicator → period → the values of every entity that is not a group (`G…`), sorted, per gender.
    ranked: AHashMap<String, AHashMap<String, [Vec<f64>; 3]>>,
    /// indicator → how many rows the data holds of it (a report warns of ids the plan does not know).
    pub rows_per_indicator: AHashMap<String, usize>,
}

/// A gender's place in the per-gender arrays (T, K, M).
pub(crate) fn slot(g: Gender) -> usize {
    match g {
        Gender::T => 0,
        Gender::K => 1,
        Gender::M => 2,
    }
}

impl Index {
    /// The series of one indicator, entity and gender.
    pub fn series(&self, indicator: &str, entity: &str, gender: Gender) -> Option<&Series> {
        self.series.get(indicator)?.get(entity).map(|s| &s[slot(gender)]).filter(|s| !s.is_empty())
    }
    /// The value of one indicator, entity and gender in exactly this period.
    pub fn value_at(&self, indicator: &str, entity: &str, gender: Gender, period: &str) -> Option<f64> {
        // The series is sorted by period: the first point of that period by binary search.
        let s = self.series(indicator, entity, gender)?;
        let i = s.partition_point(|pt| pt.period.as_str() < period);
        s.get(i).filter(|pt| pt.period == period)?.value
    }
    /// The values of every entity that is not a group (`G…`) in a period, sorted ascending.
    pub fn ranked_at(&self, indicator: &str, period: &str, gender: Gender) -> Option<&[f64]> {
        self.ranked.get(indicator)?.get(period).map(|v| v[slot(gender)].as_slice())
    }
    /// Every period in which some entity has a value of the indicator.
    pub fn periods_of(&self, indicator: &str) -> impl Iterator<Item = &str> {
        self.ranked.get(indicator).into_iter().flat_map(|p| p.keys().map(String::as_str))
    }
}

impl Observations {
    pub(crate) fn index(&self) -> Arc<Index> {
        self.index
            .get_or_init(|| {
                let mut idx = Index::default();
                // indicator → period → every (entity, value) present, per gender.
                let mut by_period: AHashMap<&str, AHashMap<&str, [EntityValues<'_>; 3]>> = AHashMap::new();
                for r in &self.rows {
                    *idx.rows_per_indicator.entry(r.indicator.clone()).or_default() += 1;
                    let series = idx.series.entry(r.indicator.clone()).or_default().entry(r.entity.clone()).or_default();
                    series[slot(r.gender)].push(Point {
                        period: r.period.clone(),
                        value: r.value,
                        count: r.count,
                        missing: r.missing.clone(),
                    });
                    if let Some(v) = r.value {
                        let at = by_period.entry(&r.indicator).or_default().entry(&r.period).or_default();
                        at[slot(r.gender)].push((&r.entity, v));
                        idx.entity_periods.entry(r.entity.clone()).or_default().push(r.period.clone());
                    } else {
                        // An entity with gaps only is in the data (see `Plan::resolve_query`).
                        idx.entity_periods.entry(r.entity.clone()).or_default();
                    }
                }
                for per_entity in idx.series.values_mut() {
                    for s in per_entity.values_mut().flat_map(|g| g.iter_mut()) {
                        s.sort_by(|a, b| a.period.cmp(&b.period));
                    }
                }
                for p in idx.entity_periods.values_mut() {
                    p.sort();
                    p.dedup();
                }
                for (indicator, periods) in &by_period {
                    let out = idx.ranked.entry((*indicator).to_string()).or_default();
                    for (period, genders) in periods {
                        let sorted = genders.each_ref().map(|all| {
                            let mut v: Vec<f64> = all.iter().filter(|(e, _)| !e.starts_with('G')).map(|(_, v)| *v).collect();
                            v.sort_by(f64::total_cmp);
                            v
                        });
                        out.insert((*period).to_string(), sorted);
                    }
                }
                Arc::new(idx)
            })
            .clone()
    }
}
