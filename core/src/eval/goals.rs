//! A goal's judgement from its parts: linked indicators, assignments and sub-goals, children before parents.

use crate::bound::settle;
use crate::data::Observations;
use crate::error::Error;
use crate::judgement::{AggregationInput, Part, PartKind, Verdict, assessed};
use crate::model::{AssignmentStatus, Direction, Gender, period_year};
use crate::plan::{Goal, Plan};
use crate::report::{AssignmentResult, Basis, GoalResult, IndicatorResult, WeightedId};
use std::collections::HashMap;

impl Plan {
    /// Every goal's result, in plan order; judged children before parents.
    pub(super) fn judge_goals(&self, data: &Observations, period: &str, results: &[IndicatorResult]) -> Vec<GoalResult> {
        // Indicator id → its result for everyone.
        let total: HashMap<&str, &IndicatorResult> = results.iter().filter(|r| r.gender == Gender::T).map(|r| (r.id.as_str(), r)).collect();
        let mut done: Vec<Option<GoalResult>> = vec![None; self.goals.len()];
        for &gi in &self.goal_order {
            let goal = &self.goals[gi];
            let children: Vec<&GoalResult> = self
                .goals
                .iter()
                .enumerate()
                .filter(|(_, c)| c.parent.as_deref() == Some(goal.id.as_str()))
                .filter_map(|(ci, _)| done[ci].as_ref())
                .collect();
            let result = self.judge_goal(goal, &total, self.assignment_results(goal, data, period), &children);
            done[gi] = Some(result);
        }
        done.into_iter().flatten().collect()
    }

    fn judge_goal(
        &self,
        goal: &Goal,
        total: &HashMap<&str, &IndicatorResult>,
        assignments: Vec<AssignmentResult>,
        children: &[&GoalResult],
    ) -> GoalResult {
        let indicators = indicator_parts(goal, total);
        let assignment_parts: Vec<Part> = assignments.iter().map(|a| self.assignment_part(a)).collect();
        let child_parts: Vec<Part> = children
            .iter()
            .map(|c| Part { measures: c.measures.clone(), ..Part::new(PartKind::Goal, &c.id, &c.status, c.score, 1.0) })
            .collect();
        let input = AggregationInput { indicators: &indicators, assignments: &assignment_parts, children: &child_parts };
        // Every linked indicator counts in `of`, found in the results or not (a goal's link is
        // to an indicator of the plan, so each has a result unless the call was stopped).
        let basis = Basis { assessed: indicators.iter().filter(|p| assessed(&p.status)).count(), of: goal.indicators.len() };
        let (verdict, error) = self.aggregate(goal, &input, basis);
        let level = self.scale.level(&verdict.status).unwrap_or(&self.scale.error);
        let reason = self.with_errored(goal, total, verdict.reason.unwrap_or_default());
        GoalResult {
            id: goal.id.clone(),
            title: goal.title.clone(),
            text: goal.text.clone(),
            parent: goal.parent.clone(),
            status: level.id.clone(),
            label: level.label.clone(),
            color: level.color.clone(),
            score: level.score,
            reason,
            measures: verdict.measures,
            rule: goal.aggregate.id().to_string(),
            indicators: goal.indicators.iter().map(|l| WeightedId { id: l.id.clone(), weight: l.weight }).collect(),
            key_figures: goal.key_figures.clone(),
            children: children.iter().map(|c| c.id.clone()).collect(),
            assignments,
            error,
            basis,
        }
    }

    /// The goal's aggregation over its parts (`no_data` when no part could be assessed, or when
    /// its indicators' basis is below the goal's `min_basis`); a failed rule is the status `error`
    /// with its message.
    fn aggregate(&self, goal: &Goal, input: &AggregationInput<'_>, basis: Basis) -> (Verdict, Option<Error>) {
        let anything = input.indicators.iter().chain(input.assignments).chain(input.children).any(|p| assessed(&p.status));
        if !anything {
            let why = self
                .language
                .text("nothing linked to the goal could be assessed", "inget av målets nyckeltal, uppdrag eller delmål kunde bedömas");
            return (Verdict::new("no_data", Some(why)), None);
        }
        if let Some(min) = goal.min_basis.filter(|m| !m.holds(basis.assessed, basis.of)) {
            let lang = self.language;
            let (basis, min) = (basis.text(lang), min.text(lang));
            let why = lang.pick(format!("too little to judge on: {basis}, {min} needed"), format!("underlag saknas: {basis}, {min} krävs"));
            return (Verdict::new("no_data", Some(why)), None);
        }
        let rule = &goal.aggregate;
        match rule.aggregate(&self.engine, self.language, input).and_then(|o| settle(&self.scale, self.language, &rule.script, o)) {
            Ok(v) => (v, None),
            Err(e) => (Verdict::new("error", Some(crate::warning::rule_error_reason(&e, self.language))), Some(e)),
        }
    }

    /// The goal's reason, with a word on its linked indicators whose rule failed:
    /// "…; 1 nyckeltal kunde inte bedömas: regelfel i rules/x.rhai rad 3, kolumn 1".
    fn with_errored(&self, goal: &Goal, total: &HashMap<&str, &IndicatorResult>, reason: String) -> String {
        let lang = self.language;
        let places: Vec<String> = goal
            .indicators
            .iter()
            .filter_map(|l| total.get(l.id.as_str()).and_then(|r| r.error.as_ref()))
            .map(|e| crate::warning::rule_place(e, lang))
            .collect();
        if places.is_empty() {
            return reason;
        }
        let (n, list) = (places.len(), places.join("; "));
        let said = lang.pick(
            format!("{n} {} could not be assessed: rule error in {list}", if n == 1 { "indicator" } else { "indicators" }),
            format!("{n} nyckeltal kunde inte bedömas: regelfel i {list}"),
        );
        if reason.is_empty() { said } else { format!("{reason}; {said}") }
    }

    /// The goal's assignments with their latest follow-up of the period's year, up to the period.
    fn assignment_results(&self, goal: &Goal, data: &Observations, period: &str) -> Vec<AssignmentResult> {
        self.assignments
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
            .collect()
    }

    fn assignment_part(&self, a: &AssignmentResult) -> Part {
        let status = a.status.as_deref().and_then(AssignmentStatus::parse).map_or("no_data", |s| s.scale_status());
        let score = self.scale.level(status).and_then(|l| l.score);
        Part { progress: a.status.clone(), ..Part::new(PartKind::Assignment, &a.id, status, score, 1.0) }
    }
}

/// The goal's linked indicators as parts, with their weights and whether each improved.
fn indicator_parts(goal: &Goal, total: &HashMap<&str, &IndicatorResult>) -> Vec<Part> {
    goal.indicators
        .iter()
        .filter_map(|link| total.get(link.id.as_str()).map(|r| (link, *r)))
        .map(|(link, r)| Part {
            value: r.value,
            target: r.target,
            previous: r.previous,
            improving: match (r.value, r.previous) {
                (Some(v), Some(p)) => Some(if r.direction == Direction::Higher { v > p } else { v < p }),
                _ => None,
            },
            measures: r.measures.clone(),
            ..Part::new(PartKind::Indicator, &r.id, &r.status, r.score, link.weight)
        })
        .collect()
}
