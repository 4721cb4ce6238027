//! Evaluation: for an entity and a period, every indicator's status, then every goal's; and what-if assessments.

mod gather;
mod goals;
mod warnings;

use crate::bound::settle;
use crate::data::{Index, Observations};
use crate::error::{Code, Error, Result};
use crate::judgement::{Inputs, Verdict};
use crate::model::{Gender, Language, period_year};
use crate::period::Period;
use crate::plan::{Indicator, Plan};
use crate::report::{IndicatorResult, PlanInfo, REPORT_SCHEMA, Report, Role};
use std::collections::HashMap;

pub(crate) use gather::{Gathered, PeerTable};

/// Pairs judged at a time by [`Plan::evaluate_each`].
const BATCH: usize = 512;

/// What to evaluate. Every field is optional: the plan's entity, the plan's period or the
/// latest period with data, and total plus women and men for gendered indicators.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Query {
    /// Entity id.
    pub entity: Option<String>,
    /// Period id.
    pub period: Option<String>,
    /// Genders to evaluate; total is always evaluated because goals use it.
    pub genders: Option<Vec<Gender>>,
}

impl Query {
    /// A query for one entity and period.
    pub fn new(entity: impl Into<String>, period: impl Into<String>) -> Query {
        Query { entity: Some(entity.into()), period: Some(period.into()), genders: None }
    }

    /// The same query for these genders only (total is still evaluated).
    pub fn with_genders(mut self, genders: &[Gender]) -> Query {
        self.genders = Some(genders.to_vec());
        self
    }
}

impl Plan {
    /// Evaluates the plan for one entity and period.
    ///
    /// A rule that fails (a script error, a sandbox limit) gives its indicator the status
    /// `error` with the message; the rest of the report completes.
    ///
    /// # Errors
    /// A query error when no entity is given and the plan has none, or when the entity has no
    /// observations at all.
    pub fn evaluate(&self, data: &Observations, query: &Query) -> Result<Report> {
        let index = data.index();
        let (entity, period) = self.resolve_query(&index, query)?;
        let genders = query.genders.clone().unwrap_or_else(|| Gender::ALL.to_vec());
        Ok(self.evaluate_at(&index, None, data, &entity, &period, &genders))
    }

    /// The entity and period a query means: given, else the plan's, else (period) the entity's
    /// latest period with data. An entity that does not appear in the data at all, not even in a
    /// row with a gap, is an error (a mistyped id would otherwise give a report of gaps), unless
    /// the plan judges no indicator.
    pub(crate) fn resolve_query(&self, index: &Index, query: &Query) -> Result<(String, String)> {
        let entity = match query.entity.as_ref().or(self.entity.as_ref()) {
            Some(e) => e.clone(),
            None => return Err(Error::new(Code::QueryNoEntity, "no entity given and the plan sets none ([plan] entity)")),
        };
        let periods = index.entity_periods(&entity);
        if periods.is_none() && !self.indicators.is_empty() {
            let mut message = format!("entity `{entity}` does not appear in the data");
            if let Some(found) = crate::warning::without_leading_zeros(&entity, |e| index.has_entity(e)) {
                message = format!("{message}; {}", crate::warning::leading_zeros_said(found, Language::En));
            }
            return Err(Error::new(Code::QueryUnknownEntity, message));
        }
        let period = match query.period.as_ref().or(self.period.as_ref()) {
            Some(p) => Period::parse(p)?.as_str().to_string(),
            None => periods.and_then(|mut p| p.next_back().map(str::to_string)).ok_or_else(|| {
                Error::new(Code::QueryNoData, format!("entity `{entity}` has no values in the data, so there is no latest period"))
            })?,
        };
        if period_year(&period).is_none() {
            return Err(Error::new(Code::QueryInvalidPeriod, format!("period `{period}` does not start with a year")));
        }
        Ok((entity, period))
    }

    /// Evaluates many entities and periods, in parallel where threads exist, and collects the
    /// reports (entity by entity, each period in turn). A national batch that should not hold
    /// every report at once: [`Plan::evaluate_each`] or [`Plan::write_jsonl`].
    ///
    /// # Errors
    /// As [`Plan::evaluate`], for the first pair that fails.
    pub fn evaluate_many(&self, data: &Observations, entities: &[String], periods: &[String]) -> Result<Vec<Report>> {
        let mut out = Vec::new();
        self.evaluate_each(data, entities, periods, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// As [`Plan::evaluate_many`], each report handed to `sink` in the same order as soon as
    /// its batch is judged, so that memory does not grow with the number of reports: the
    /// pairs are judged a batch at a time (in parallel where threads exist), and a batch's
    /// reports are dropped once the sink has them. An error from the sink ends the run.
    ///
    /// ```
    /// let plan = attain_core::Plan::load("../rules/ostersund-2023")?;
    /// let data = plan.data()?;
    /// let mut statuses = Vec::new();
    /// plan.evaluate_each(&data, &["2380".to_string()], &["2022".to_string(), "2023".to_string()], |r| {
    ///     statuses.push((r.period.clone(), r.indicators.len()));
    ///     Ok(())
    /// })?;
    /// assert_eq!(statuses.len(), 2);
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Plan::evaluate`] for a period that is not one; the sink's error.
    pub fn evaluate_each(
        &self,
        data: &Observations,
        entities: &[String],
        periods: &[String],
        mut sink: impl FnMut(Report) -> Result<()>,
    ) -> Result<()> {
        let index = data.index();
        for p in periods {
            Period::parse(p)?;
        }
        let pairs: Vec<(&String, &String)> = entities.iter().flat_map(|e| periods.iter().map(move |p| (e, p))).collect();
        // Peer statistics depend on the indicator and period, not the entity: computed once here.
        let peers = self.peer_table(&index);
        // The caller's `Stop` reaches the pool's threads too.
        let stop = crate::sandbox::budget::current_stop();
        let run = |(e, p): &(&String, &String)| {
            crate::sandbox::budget::with_stop(stop.clone(), || self.evaluate_at(&index, peers.as_ref(), data, e, p, &[Gender::T]))
        };
        // Enough pairs per batch to keep every thread busy, few enough that a batch's reports are small.
        for batch in pairs.chunks(BATCH) {
            #[cfg(feature = "parallel")]
            let reports: Vec<Report> = {
                use rayon::prelude::*;
                batch.par_iter().map(run).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let reports: Vec<Report> = batch.iter().map(run).collect();
            for r in reports {
                sink(r)?;
            }
        }
        Ok(())
    }

    /// As [`Plan::evaluate_each`], each report written as one line of JSON (JSON Lines) to `out`;
    /// the number of reports written.
    ///
    /// # Errors
    /// As [`Plan::evaluate_each`]; an io error when `out` cannot be written.
    pub fn write_jsonl(&self, data: &Observations, entities: &[String], periods: &[String], mut out: impl std::io::Write) -> Result<usize> {
        let mut n = 0;
        let io = |e: std::io::Error| Error::new(Code::IoWrite, format!("cannot write the reports: {e}"));
        self.evaluate_each(data, entities, periods, |r| {
            serde_json::to_writer(&mut out, &r).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)?;
            n += 1;
            Ok(())
        })?;
        out.flush().map_err(io)?;
        Ok(n)
    }

    fn evaluate_at(
        &self,
        index: &Index,
        peers: Option<&PeerTable>,
        data: &Observations,
        entity: &str,
        period: &str,
        genders: &[Gender],
    ) -> Report {
        let results = self.judge_indicators(index, peers, entity, period, genders);
        let goals = self.judge_goals(data, period, &results);
        let warnings = self.warnings(index, entity, period, &results, &goals);
        Report {
            schema: REPORT_SCHEMA.to_string(),
            plan: PlanInfo { id: self.id.clone(), title: self.title.clone(), language: self.language },
            entity: entity.to_string(),
            entity_name: self.entity_name(entity).to_string(),
            period: period.to_string(),
            scale: self.scale.clone(),
            goals,
            indicators: results,
            warnings,
        }
    }

    /// Every indicator's result, in plan order: total, and women and men where asked.
    fn judge_indicators(
        &self,
        index: &Index,
        peers: Option<&PeerTable>,
        entity: &str,
        period: &str,
        genders: &[Gender],
    ) -> Vec<IndicatorResult> {
        let mut roles: HashMap<&str, (Role, Vec<String>)> = HashMap::new();
        for g in &self.goals {
            for l in &g.indicators {
                let e = roles.entry(l.id.as_str()).or_insert((Role::Indicator, vec![]));
                e.0 = Role::Indicator;
                e.1.push(g.id.clone());
            }
            for k in &g.key_figures {
                roles.entry(k.as_str()).or_insert((Role::KeyFigure, vec![])).1.push(g.id.clone());
            }
        }
        let mut results = Vec::new();
        for ind in &self.indicators {
            // A stopped call ends here; `Stop::run` turns what is left into its error.
            if crate::sandbox::budget::stop_fired() {
                break;
            }
            let (role, goals) = roles.get(ind.id.as_str()).cloned().unwrap_or((Role::KeyFigure, vec![]));
            for &g in &Gender::ALL {
                if g != Gender::T && (!ind.gender || !genders.contains(&g)) {
                    continue;
                }
                let gathered = self.gather(index, peers, ind, entity, period, g);
                results.push(self.judge(ind, g, role, goals.clone(), gathered));
            }
        }
        results
    }

    /// Runs an indicator's rule on gathered inputs and builds the result.
    pub(crate) fn judge(&self, ind: &Indicator, gender: Gender, role: Role, goals: Vec<String>, g: Gathered) -> IndicatorResult {
        let (verdict, error) = if g.inputs.value.is_none() {
            (Verdict::new("no_data", g.gap_reason.clone()), None)
        } else {
            match self.run_rule(ind, &g.inputs) {
                Ok(v) => (v, None),
                Err(e) => (Verdict::new("error", Some(crate::warning::rule_error_reason(&e, self.language))), Some(e)),
            }
        };
        let level = self.scale.level(&verdict.status).unwrap_or(&self.scale.error);
        let i = g.inputs;
        IndicatorResult {
            id: ind.id.clone(),
            title: ind.title.clone(),
            unit: ind.unit.clone(),
            decimals: ind.decimals,
            direction: ind.direction,
            gender,
            role,
            goals,
            rule: ind.rule.id().to_string(),
            status: level.id.clone(),
            label: level.label.clone(),
            color: level.color.clone(),
            score: level.score,
            reason: verdict.reason.unwrap_or_default(),
            measures: verdict.measures,
            error,
            period: g.period_used,
            value: i.value,
            target: i.target,
            target_op: i.target_op.map(|op| op.as_str().to_string()),
            national: i.national,
            peers: i.peers,
            percentile: i.percentile,
            municipal_mean: i.municipal_mean,
            compared_with: ind.rule.compared_with(),
            previous: i.previous,
            history: i.history,
            women: i.women,
            men: i.men,
            source: ind.kolada.as_ref().map(|k| format!("Kolada {k}")).or_else(|| ind.source_url.clone()),
        }
    }

    /// Runs an indicator's rule on inputs, settled on the scale.
    pub(crate) fn run_rule(&self, ind: &Indicator, inputs: &Inputs) -> Result<Verdict> {
        let outcome = ind.rule.judge(&self.engine, self.language, &ind.context(), inputs)?;
        settle(&self.scale, self.language, &ind.rule.script, outcome)
    }
}
