//! A plan's structure as a host shows it: goals, indicators with their rules and targets, assignments.

use crate::model::Direction;
use crate::model::Language;
use crate::plan::Plan;
use serde::Serialize;
use std::collections::BTreeMap;

/// A plan's structure as a host shows it: goals, indicators with their rules and targets,
/// assignments.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outline {
    /// Plan id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Default entity.
    pub entity: Option<String>,
    /// Default period.
    pub period: Option<String>,
    /// Language of labels and reasons.
    pub language: Language,
    /// Display names of entities.
    pub entities: BTreeMap<String, String>,
    /// Goals in file order.
    pub goals: Vec<OutlineGoal>,
    /// Indicators in file order.
    pub indicators: Vec<OutlineIndicator>,
    /// Assignments in file order.
    pub assignments: Vec<OutlineAssignment>,
}

/// A goal in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineGoal {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Parent goal.
    pub parent: Option<String>,
    /// Indicators judged for it.
    pub indicators: Vec<String>,
    /// Key figures shown with it, not judged.
    pub key_figures: Vec<String>,
    /// Aggregation rule.
    pub rule: String,
}

/// An indicator in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineIndicator {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Whether it is judged for women and men too.
    pub gender: bool,
    /// Rule: a std rule id or a script path.
    pub rule: String,
    /// Targets by period: the numbers.
    pub targets: BTreeMap<String, f64>,
    /// How each period's target is judged: `>=`, `>`, `<=`, `<`, `=`, or `increase`/`decrease`
    /// (a target with no number, so not in `targets`).
    pub target_ops: BTreeMap<String, String>,
}

/// An assignment in an [`Outline`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineAssignment {
    /// Id.
    pub id: String,
    /// Goal it serves.
    pub goal: String,
    /// What is to be done.
    pub text: String,
    /// Boards it is given to.
    pub boards: Vec<String>,
}

impl Plan {
    /// The plan's structure: goals, indicators, rules, targets and assignments.
    pub fn outline(&self) -> Outline {
        Outline {
            id: self.id.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            entity: self.entity.clone(),
            period: self.period.clone(),
            language: self.language,
            entities: self.entities.clone(),
            goals: self
                .goals
                .iter()
                .map(|g| OutlineGoal {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    parent: g.parent.clone(),
                    indicators: g.indicators.iter().map(|l| l.id.clone()).collect(),
                    key_figures: g.key_figures.clone(),
                    rule: g.aggregate_id().to_string(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| OutlineIndicator {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    unit: i.unit.clone(),
                    direction: i.direction,
                    gender: i.gender,
                    rule: i.rule_id().to_string(),
                    targets: i.targets.clone(),
                    target_ops: i.written_targets().iter().map(|(p, t)| (p.clone(), t.op.as_str().to_string())).collect(),
                })
                .collect(),
            assignments: self
                .assignments
                .iter()
                .map(|a| OutlineAssignment { id: a.id.clone(), goal: a.goal.clone(), text: a.text.clone(), boards: a.boards.clone() })
                .collect(),
        }
    }
}
