//! What an indicator rule is given, gathered from the data: the value, its history, the national value, peers and percentile.

use crate::data::{Index, Series};
use crate::judgement::Inputs;
use crate::model::{Gender, PeerStats, PeriodValue, period_year};
use crate::plan::{Indicator, Plan};

/// indicator → period → peer statistics per gender (by `data::slot`).
pub(crate) type PeerTable = ahash::AHashMap<String, ahash::AHashMap<String, [Option<PeerStats>; 3]>>;

/// The inputs of one indicator for one entity, period and gender, as the data gives them.
pub(crate) struct Gathered {
    pub inputs: Inputs,
    pub period_used: Option<String>,
    pub gap_reason: Option<String>,
}

impl Plan {
    /// The value judged for `period`: the latest at or before it within the indicator's
    /// `max_age`, with its period; or why there is none.
    fn latest(&self, series: Option<Series<'_>>, ind: &Indicator, period: &str) -> (Option<(String, f64)>, Option<String>) {
        let lang = self.language;
        let year = period_year(period).unwrap_or(0);
        let points = || series.into_iter().flat_map(|s| s.iter()).rev();
        for pt in points().filter(|pt| pt.period <= period) {
            let Some(v) = pt.value else { continue };
            let p = pt.period;
            let age = year - period_year(p).unwrap_or(i64::MIN / 2);
            if age <= i64::from(ind.max_age) {
                return (Some((p.to_string(), v)), None);
            }
            let why = lang.pick(
                format!("the latest value is from {p}, more than {} years before {period}", ind.max_age),
                format!("senaste värdet är från {p}, mer än {} år före {period}", ind.max_age),
            );
            return (None, Some(why));
        }
        let marker = points().find(|pt| pt.period <= period && pt.value.is_none());
        let why = match marker.and_then(|pt| pt.missing.map(|why| (pt.period, why))) {
            Some((p, why)) => lang.pick(format!("the value for {p} is missing ({why})"), format!("värdet för {p} saknas ({why})")),
            None => lang.pick(
                format!("no value for {period} or the {} years before", ind.max_age),
                format!("inget värde för {period} eller de {} åren före", ind.max_age),
            ),
        };
        (None, Some(why))
    }

    /// The value and references an indicator rule sees for one entity, period and gender.
    pub(crate) fn gather(
        &self,
        index: &Index,
        peer_table: Option<&PeerTable>,
        ind: &Indicator,
        entity: &str,
        period: &str,
        gender: Gender,
    ) -> Gathered {
        let series = index.series(&ind.id, entity, gender);
        let (used, gap_reason) = self.latest(series, ind, period);
        let period_used = used.as_ref().map(|(p, _)| p.clone());
        let at = period_used.as_deref().unwrap_or(period);
        let history: Vec<PeriodValue> = series
            .map(|s| {
                s.iter()
                    .filter(|pt| pt.period < at)
                    .filter_map(|pt| Some(PeriodValue { period: pt.period.to_string(), value: pt.value? }))
                    .collect()
            })
            .unwrap_or_default();
        let value_of = |e: &str, g: Gender| index.value_at(&ind.id, e, g, at);
        let national = self.comparison.national.as_deref().and_then(|n| value_of(n, gender));
        let peers = match peer_table {
            Some(t) => t.get(ind.id.as_str()).and_then(|p| p.get(at)).and_then(|g| g[crate::data::slot(gender)].clone()),
            None => self.peer_stats(index, ind, at, gender),
        };
        let target = ind.target_at(at);
        let percentile = used.as_ref().and_then(|(_, v)| self.percentile(index, ind, at, gender, entity, *v));
        let municipal_mean = self.municipal_mean(index, ind, at, gender);
        let (women, men) = if ind.gender { (value_of(entity, Gender::K), value_of(entity, Gender::M)) } else { (None, None) };
        Gathered {
            inputs: Inputs {
                value: used.as_ref().map(|(_, v)| *v),
                target: target.and_then(|t| t.value),
                target_op: target.map(|t| t.op),
                previous: history.last().map(|h| h.value),
                history,
                national,
                peers,
                percentile,
                municipal_mean,
                women,
                men,
                period: at.to_string(),
            },
            period_used,
            gap_reason,
        }
    }

    /// Every indicator's peer statistics in every period of the data, for a batch; `None` when
    /// the plan has no peers.
    pub(super) fn peer_table(&self, index: &Index) -> Option<PeerTable> {
        if self.comparison.peer_group.is_none() && self.comparison.peers.is_empty() {
            return None;
        }
        let table = self
            .indicators
            .iter()
            .map(|ind| {
                let periods =
                    index.periods_of(&ind.id).map(|p| (p.to_string(), Gender::ALL.map(|g| self.peer_stats(index, ind, p, g)))).collect();
                (ind.id.clone(), periods)
            })
            .collect();
        Some(table)
    }

    fn peer_stats(&self, index: &Index, ind: &Indicator, period: &str, gender: Gender) -> Option<PeerStats> {
        if let Some(group) = &self.comparison.peer_group {
            // The group's own row, under the plan's id or else under its Kolada id.
            let row = std::iter::once(group).chain(self.comparison.kolada_groups.get(group)).find_map(|id| {
                index.series(&ind.id, id, gender).and_then(|s| s.iter().find(|pt| pt.period == period && pt.value.is_some()))
            });
            if let Some(pt) = row {
                return Some(PeerStats { mean: pt.value, count: pt.count.unwrap_or(0) as usize, published: true, ..PeerStats::default() });
            }
        }
        if self.comparison.peers.is_empty() {
            return None;
        }
        let values: Vec<f64> = self.comparison.peers.iter().filter_map(|m| index.value_at(&ind.id, m, gender, period)).collect();
        if values.is_empty() { None } else { Some(PeerStats::from_values(values)) }
    }

    /// The unweighted mean of the municipalities for `period`: the plan's published row
    /// (`[comparison] mean`) where the data has one, else the mean over every municipality in the
    /// data (the entities `percentile` ranks, the entity itself included), from two of them up.
    pub(crate) fn municipal_mean(&self, index: &Index, ind: &Indicator, period: &str, gender: Gender) -> Option<f64> {
        if let Some(v) = self.comparison.mean.as_deref().and_then(|m| index.value_at(&ind.id, m, gender, period)) {
            return Some(v);
        }
        let mut values = index.ranked_at(&ind.id, period, gender)?.to_vec();
        let mut excluded: Vec<&str> = Vec::with_capacity(2 + self.comparison.groups.len());
        excluded.extend(self.comparison.national.as_deref());
        excluded.extend(self.comparison.mean.as_deref());
        excluded.extend(self.comparison.groups.keys().map(String::as_str));
        for (i, e) in excluded.iter().enumerate() {
            if e.starts_with('G') || excluded[..i].contains(e) {
                continue;
            }
            if let Some(at) = index.value_at(&ind.id, e, gender, period).and_then(|v| values.iter().position(|x| *x == v)) {
                values.remove(at);
            }
        }
        // Each value divided first, so that the sum of values near f64::MAX cannot overflow.
        let n = values.len() as f64;
        (values.len() >= 2).then(|| values.iter().map(|v| v / n).sum())
    }

    /// The position of `value` for `entity` among every other municipality with a value (1 = best;
    /// a tie counts half). The entity's own row is left out, so `required` can ask about any value.
    pub(crate) fn percentile(&self, index: &Index, ind: &Indicator, period: &str, gender: Gender, entity: &str, value: f64) -> Option<f64> {
        // Binary search among every non-group entity, then take out the entity itself and the
        // plan's own aggregate entities (national, declared groups) that are not `G…` ids.
        let sorted = index.ranked_at(&ind.id, period, gender)?;
        let below = sorted.partition_point(|v| *v < value);
        let upto = sorted.partition_point(|v| *v <= value);
        let (mut n, mut lower, mut ties, mut higher) = (sorted.len(), below, upto - below, sorted.len() - upto);
        let mut excluded: Vec<&str> = Vec::with_capacity(2 + self.comparison.groups.len());
        excluded.push(entity);
        excluded.extend(self.comparison.national.as_deref());
        excluded.extend(self.comparison.groups.keys().map(String::as_str));
        for (i, e) in excluded.iter().enumerate() {
            if e.starts_with('G') || excluded[..i].contains(e) {
                continue;
            }
            if let Some(v) = index.value_at(&ind.id, e, gender, period) {
                n -= 1;
                if v < value {
                    lower -= 1;
                } else if v > value {
                    higher -= 1;
                } else {
                    ties -= 1;
                }
            }
        }
        if n == 0 {
            return None;
        }
        let worse = if ind.higher_is_better() { lower } else { higher };
        Some((worse as f64 + ties as f64 * 0.5) / n as f64)
    }
}
