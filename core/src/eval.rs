//! Evaluation: for an entity and a period, every indicator's status, then every goal's.

use crate::data::{Index, Observations};
use crate::error::{Code, Error, Result};
use crate::host::{AssessRequest, Assessment, Period};
use crate::model::{Gender, Language, PeerStats, PeriodValue, period_year};
use crate::plan::{Indicator, Plan};
use crate::report::{AssignmentResult, GoalResult, IndicatorResult, PlanInfo, REPORT_SCHEMA, Report, Role, WeightedId};
use crate::rules::{self, AggregationInput, IndicatorContext, Inputs, Part, PartKind, Verdict};
use rhai::Dynamic;
use std::collections::HashMap;

/// What to evaluate. Every field is optional: the plan's entity, the plan's period or the
/// latest period with data, and total plus women and men for gendered indicators.
#[derive(Debug, Clone, Default, PartialEq)]
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
}

pub(crate) fn tr(lang: Language, en: &str, sv: &str) -> String {
    if lang == Language::Sv { sv.to_string() } else { en.to_string() }
}

/// indicator → period → peer statistics per gender (by `data::slot`).
pub(crate) type PeerTable = ahash::AHashMap<String, ahash::AHashMap<String, [Option<PeerStats>; 3]>>;

/// The inputs of one indicator for one entity, period and gender, as the data gives them.
pub(crate) struct Gathered {
    pub inputs: Inputs,
    pub period_used: Option<String>,
    pub gap_reason: Option<String>,
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

    /// The status an indicator's rule gives to inputs given directly instead of gathered from
    /// observations: what-if questions. Core fills in what is not given (see [`AssessRequest`]):
    /// the plan's period, the indicator's own target for it, `previous` from the history. A
    /// missing value is `no_data` without running the rule.
    ///
    /// ```
    /// use attain_core::{AssessRequest, Plan, PlanFiles};
    /// let plan = Plan::from_files(PlanFiles::from([(
    ///     "plan.toml".to_string(),
    ///     "[plan]\nid = \"p\"\ntitle = \"P\"\nperiod = \"2023\"\n[[indicator]]\nid = \"I\"\ntitle = \"Satisfaction\"\nrule = \"reference\"\n".to_string(),
    /// )]))?;
    /// let a = plan.assess("I", &AssessRequest { value: Some(72.0), national: Some(70.0), ..AssessRequest::default() })?;
    /// assert_eq!((a.status.as_str(), a.reason.as_str()), ("attained", "72 is at least as good as the national value (70)"));
    /// # Ok::<(), attain_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// A query error for an indicator the plan does not have or an input [`AssessRequest`]
    /// refuses; the rule's error when it fails.
    pub fn assess(&self, indicator: &str, request: &AssessRequest) -> Result<Assessment> {
        let ind = self.find_indicator(indicator)?;
        self.assess_resolved(ind, request.resolve(self, ind)?)
    }

    /// [`Plan::assess`] for many rows of one indicator; an error names its 1-based row.
    ///
    /// # Errors
    /// As [`Plan::assess`], for the first row that fails.
    pub fn assess_many(&self, indicator: &str, requests: &[AssessRequest]) -> Result<Vec<Assessment>> {
        let ind = self.find_indicator(indicator)?;
        let mut out = Vec::new();
        out.try_reserve_exact(requests.len())
            .map_err(|_| Error::new(Code::QueryLimitRows, format!("out of memory for the results of {} rows", requests.len())))?;
        for (i, r) in requests.iter().enumerate() {
            let at_row = |e: Error| if e.row().is_none() { e.at_row(i + 1) } else { e };
            out.push(r.resolve(self, ind).and_then(|inputs| self.assess_resolved(ind, inputs)).map_err(at_row)?);
        }
        Ok(out)
    }

    fn assess_resolved(&self, ind: &Indicator, inputs: Inputs) -> Result<Assessment> {
        let verdict = if inputs.value.is_none() {
            Verdict::new("no_data", Some(tr(self.language, "no value", "inget värde")))
        } else {
            self.run_rule(ind, &inputs)?
        };
        let level = self.scale.level(&verdict.status).unwrap_or(&self.scale.error);
        Ok(Assessment {
            status: level.id.clone(),
            label: level.label.clone(),
            reason: verdict.reason.unwrap_or_default(),
            score: verdict.score,
            period: inputs.period,
            target: inputs.target,
            previous: inputs.previous,
        })
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
        let periods = index.entity_periods.get(&entity);
        if periods.is_none() && !self.indicators.is_empty() {
            return Err(Error::new(Code::QueryUnknownEntity, format!("entity `{entity}` does not appear in the data")));
        }
        let period = match query.period.as_ref().or(self.period.as_ref()) {
            Some(p) => Period::parse(p)?.as_str().to_string(),
            None => periods.and_then(|p| p.last().cloned()).ok_or_else(|| {
                Error::new(Code::QueryNoData, format!("entity `{entity}` has no values in the data, so there is no latest period"))
            })?,
        };
        if period_year(&period).is_none() {
            return Err(Error::new(Code::QueryInvalidPeriod, format!("period `{period}` does not start with a year")));
        }
        Ok((entity, period))
    }

    /// Evaluates many entities and periods, in parallel where threads exist.
    ///
    /// # Errors
    /// As [`Plan::evaluate`], for the first pair that fails.
    pub fn evaluate_many(&self, data: &Observations, entities: &[String], periods: &[String]) -> Result<Vec<Report>> {
        let index = data.index();
        for p in periods {
            Period::parse(p)?;
        }
        let pairs: Vec<(&String, &String)> = entities.iter().flat_map(|e| periods.iter().map(move |p| (e, p))).collect();
        // Peer statistics depend on the indicator and period, not the entity: computed once here.
        let peers = self.peer_table(&index);
        // The caller's `Stop` reaches the pool's threads too.
        let stop = crate::budget::current_stop();
        let run = |(e, p): &(&String, &String)| {
            crate::budget::with_stop(stop.clone(), || self.evaluate_at(&index, peers.as_ref(), data, e, p, &[Gender::T]))
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            Ok(pairs.par_iter().map(run).collect())
        }
        #[cfg(not(feature = "parallel"))]
        {
            Ok(pairs.iter().map(run).collect())
        }
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
        let lang = self.language;
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
            if crate::budget::stop_fired() {
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

        // Goals, children before parents. `total`: indicator id → its result for everyone.
        let total: HashMap<&str, usize> =
            results.iter().enumerate().filter(|(_, r)| r.gender == Gender::T).map(|(i, r)| (r.id.as_str(), i)).collect();
        let mut goal_results: Vec<Option<GoalResult>> = vec![None; self.goals.len()];
        for &gi in &self.goal_order {
            let goal = &self.goals[gi];
            let items: Vec<Part> = goal
                .indicators
                .iter()
                .filter_map(|link| total.get(link.id.as_str()).map(|&ri| (link, &results[ri])))
                .map(|(link, r)| Part {
                    value: r.value,
                    target: r.target,
                    previous: r.previous,
                    improving: match (r.value, r.previous) {
                        (Some(v), Some(p)) => Some(if r.direction == crate::plan::Direction::Higher { v > p } else { v < p }),
                        _ => None,
                    },
                    ..Part::new(PartKind::Indicator, &r.id, &r.status, r.score, link.weight)
                })
                .collect();
            let assignments: Vec<AssignmentResult> = self
                .assignments
                .iter()
                .filter(|a| a.goal == goal.id)
                .map(|a| {
                    let update = data
                        .assignment_updates()
                        .iter()
                        .filter(|u| u.assignment == a.id && u.period.as_str() <= period && period_year(&u.period) == period_year(period))
                        .max_by(|x, y| x.period.cmp(&y.period));
                    AssignmentResult {
                        id: a.id.clone(),
                        text: a.text.clone(),
                        boards: a.boards.clone(),
                        status: update.map(|u| u.status.id().to_string()),
                        period: update.map(|u| u.period.clone()),
                        comment: update.map(|u| u.comment.clone()).filter(|c| !c.is_empty()),
                    }
                })
                .collect();
            let assignment_parts: Vec<Part> = assignments
                .iter()
                .map(|a| {
                    let status =
                        a.status.as_deref().and_then(crate::model::AssignmentStatus::parse).map_or("no_data", |s| s.scale_status());
                    let score = self.scale.level(status).and_then(|l| l.score);
                    Part { progress: a.status.clone(), ..Part::new(PartKind::Assignment, &a.id, status, score, 1.0) }
                })
                .collect();
            let children: Vec<&GoalResult> = self
                .goals
                .iter()
                .enumerate()
                .filter(|(_, c)| c.parent.as_deref() == Some(goal.id.as_str()))
                .filter_map(|(ci, _)| goal_results[ci].as_ref())
                .collect();
            let child_parts: Vec<Part> = children.iter().map(|c| Part::new(PartKind::Goal, &c.id, &c.status, c.score, 1.0)).collect();
            let anything = items.iter().chain(&assignment_parts).chain(&child_parts).any(|p| rules::assessed(&p.status));
            let (verdict, error) = if !anything {
                let why = tr(
                    lang,
                    "nothing linked to the goal could be assessed",
                    "inget av målets nyckeltal, uppdrag eller delmål kunde bedömas",
                );
                (Verdict::new("no_data", Some(why)), None)
            } else {
                let input =
                    AggregationInput { indicators: &items, assignments: &assignment_parts, children: &child_parts, params: &goal.params };
                match self.run_aggregation(&goal.aggregate, goal.native.as_ref(), &input) {
                    Ok(v) => (v, None),
                    Err(e) => (Verdict::new("error", Some(e.message().to_string())), Some(e)),
                }
            };
            let level = self.scale.level(&verdict.status).unwrap_or(&self.scale.error);
            goal_results[gi] = Some(GoalResult {
                id: goal.id.clone(),
                title: goal.title.clone(),
                text: goal.text.clone(),
                parent: goal.parent.clone(),
                status: level.id.clone(),
                label: level.label.clone(),
                color: level.color.clone(),
                score: level.score,
                reason: verdict.reason.unwrap_or_default(),
                rule: goal.aggregate.id.clone(),
                indicators: goal.indicators.iter().map(|l| WeightedId { id: l.id.clone(), weight: l.weight }).collect(),
                key_figures: goal.key_figures.clone(),
                children: children.iter().map(|c| c.id.clone()).collect(),
                assignments,
                error,
            });
        }
        Report {
            schema: REPORT_SCHEMA.to_string(),
            plan: PlanInfo { id: self.id.clone(), title: self.title.clone(), language: self.language },
            entity: entity.to_string(),
            entity_name: self.entity_name(entity).to_string(),
            period: period.to_string(),
            scale: self.scale.clone(),
            goals: goal_results.into_iter().flatten().collect(),
            indicators: results,
        }
    }

    /// Maps a score verdict onto the scale and refuses unknown status ids.
    pub(crate) fn checked_verdict(&self, rule: &str, v: Verdict) -> Result<Verdict> {
        if let Some(x) = v.score {
            let level = self.scale.level_for_score(x);
            let reason = v.reason.unwrap_or_else(|| {
                format!("{}{}", tr(self.language, "score ", "poäng "), rules::format_number(Some(x), Some(2), self.language))
            });
            return Ok(Verdict::new(level.id.clone(), Some(reason)));
        }
        if v.status == "no_data" || self.scale.rank(&v.status).is_some() {
            return Ok(v);
        }
        let ids: Vec<&str> = self.scale.levels.iter().map(|l| l.id.as_str()).collect();
        Err(Error::new(
            Code::RuleUnknownStatus,
            format!("rule `{rule}` returned status `{}`, which is not on the scale ({}, no_data)", v.status, ids.join(", ")),
        )
        .in_file(rules::rule_file(rule)))
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
        let lang = self.language;
        let series = index.series(&ind.id, entity, gender);
        let year = period_year(period).unwrap_or(0);
        let mut used: Option<(String, f64)> = None;
        let mut gap_reason = None;
        if let Some(s) = series {
            for pt in s.iter().rev() {
                let p = &pt.period;
                if p.as_str() > period {
                    continue;
                }
                let age = year - period_year(p).unwrap_or(i64::MIN / 2);
                if let Some(v) = pt.value {
                    if age <= i64::from(ind.max_age) {
                        used = Some((p.clone(), v));
                    } else {
                        gap_reason = Some(tr(
                            lang,
                            &format!("the latest value is from {p}, more than {} years before {period}", ind.max_age),
                            &format!("senaste värdet är från {p}, mer än {} år före {period}", ind.max_age),
                        ));
                    }
                    break;
                }
            }
        }
        if used.is_none() && gap_reason.is_none() {
            let marker = series.and_then(|s| s.iter().rev().find(|pt| pt.period.as_str() <= period && pt.value.is_none()));
            let missing_why = marker.and_then(|pt| pt.missing.as_ref().map(|why| (pt.period.clone(), why.clone())));
            gap_reason = Some(match missing_why {
                Some((p, why)) => tr(lang, &format!("the value for {p} is missing ({why})"), &format!("värdet för {p} saknas ({why})")),
                None => tr(
                    lang,
                    &format!("no value for {period} or the {} years before", ind.max_age),
                    &format!("inget värde för {period} eller de {} åren före", ind.max_age),
                ),
            });
        }
        let period_used = used.as_ref().map(|(p, _)| p.clone());
        let at = period_used.as_deref().unwrap_or(period);
        let history: Vec<PeriodValue> = series
            .map(|s| {
                s.iter()
                    .filter_map(|pt| Some(PeriodValue { period: pt.period.clone(), value: pt.value? }))
                    .filter(|pv| pv.period.as_str() < at)
                    .collect()
            })
            .unwrap_or_default();
        let value_of = |e: &str, g: Gender| index.value_at(&ind.id, e, g, at);
        let national = self.comparison.national.as_deref().and_then(|n| value_of(n, gender));
        let peers = match peer_table {
            Some(t) => t.get(ind.id.as_str()).and_then(|p| p.get(at)).and_then(|g| g[crate::data::slot(gender)].clone()),
            None => self.peer_stats(index, ind, at, gender),
        };
        let percentile = used.as_ref().and_then(|(_, v)| self.percentile(index, ind, at, gender, entity, *v));
        let (women, men) = if ind.gender { (value_of(entity, Gender::K), value_of(entity, Gender::M)) } else { (None, None) };
        Gathered {
            inputs: Inputs {
                value: used.as_ref().map(|(_, v)| *v),
                target: ind.target_for(at),
                previous: history.last().map(|h| h.value),
                history,
                national,
                peers,
                percentile,
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
    fn peer_table(&self, index: &Index) -> Option<PeerTable> {
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
            let row = index.series(&ind.id, group, gender).and_then(|s| s.iter().find(|pt| pt.period == period && pt.value.is_some()));
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

    /// Runs an indicator's rule on gathered inputs and builds the result.
    pub(crate) fn judge(&self, ind: &Indicator, gender: Gender, role: Role, goals: Vec<String>, g: Gathered) -> IndicatorResult {
        let (verdict, error) = if g.inputs.value.is_none() {
            (Verdict::new("no_data", g.gap_reason.clone()), None)
        } else {
            match self.run_rule(ind, &g.inputs) {
                Ok(v) => (v, None),
                Err(e) => (Verdict::new("error", Some(e.message().to_string())), Some(e)),
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
            rule: ind.rule.id.clone(),
            status: level.id.clone(),
            label: level.label.clone(),
            color: level.color.clone(),
            score: level.score,
            reason: verdict.reason.unwrap_or_default(),
            error,
            period: g.period_used,
            value: i.value,
            target: i.target,
            national: i.national,
            peers: i.peers,
            percentile: i.percentile,
            previous: i.previous,
            history: i.history,
            women: i.women,
            men: i.men,
            source: ind.kolada.as_ref().map(|k| format!("Kolada {k}")).or_else(|| ind.source_url.clone()),
        }
    }

    /// Runs a goal aggregation: the native twin of a std aggregation where it answers, else the script.
    pub(crate) fn run_aggregation(
        &self,
        rule: &rules::CompiledRule,
        native: Option<&crate::native::StdAggregation>,
        input: &AggregationInput<'_>,
    ) -> Result<Verdict> {
        if let Some(v) = native.filter(|_| crate::native::enabled()).and_then(|n| n.run(input, self.language)) {
            return self.checked_verdict(&rule.id, v);
        }
        let v = self.engine.run_aggregation(rule, input)?;
        self.checked_verdict(&rule.id, v)
    }

    pub(crate) fn run_rule(&self, ind: &Indicator, inputs: &Inputs) -> Result<Verdict> {
        self.run_rule_with(&ind.rule, ind, &ind.params, inputs)
    }

    pub(crate) fn run_rule_with(&self, rule: &rules::CompiledRule, ind: &Indicator, params: &Dynamic, inputs: &Inputs) -> Result<Verdict> {
        let ctx = IndicatorContext {
            higher_is_better: ind.higher_is_better(),
            targets: &ind.targets,
            unit: &ind.unit,
            decimals: ind.decimals,
            params,
            info: &ind.rhai_info,
            rhai_targets: &ind.rhai_targets,
            native: ind.native.as_ref(),
        };
        self.run_rule_ctx(rule, &ctx, inputs)
    }

    pub(crate) fn run_rule_ctx(&self, rule: &rules::CompiledRule, ctx: &IndicatorContext<'_>, inputs: &Inputs) -> Result<Verdict> {
        if let Some(v) = ctx.native.filter(|_| crate::native::enabled()).and_then(|n| n.run(inputs, ctx, self.language)) {
            return self.checked_verdict(&rule.id, v);
        }
        let v = self.engine.run_indicator(rule, inputs, ctx)?;
        self.checked_verdict(&rule.id, v)
    }
}
