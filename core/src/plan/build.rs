//! Building a plan from plan.toml as written: one function per table, each error at its place in the file.

use super::raw::{
    MAX_DECIMALS, MAX_WEIGHT, RawAssignment, RawComparison, RawGoal, RawHeader, RawIndicator, RawIndicatorRef, RawParams, RawPeers,
    RawPlan, RawScale, params_table, toml_number,
};
use super::{Assignment, Comparison, Goal, GoalIndicator, Indicator, MinBasis, PLAN_FILE, Plan};
use crate::bound::BoundRule;
use crate::error::{Code, Error, Result};
use crate::files::PlanFiles;
use crate::model::{Direction, Language, Level, Scale, period_year};
use crate::script::{CompiledRule, RuleEngine, info_map, targets_map};
use crate::stdlib::RuleKind;
use crate::target::{Target, TargetInput, polarity};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// An error at a byte range of plan.toml.
pub(super) fn spanned_err(text: &str, span: Range<usize>, code: Code, msg: String) -> Error {
    Error::new(code, msg).in_file(PLAN_FILE).at_offset(text, span.start)
}

/// An error from compiling a referenced script keeps the script's own position; an error about
/// the reference itself is placed at the reference in plan.toml.
fn relocate(e: Error, text: &str, span: Range<usize>) -> Error {
    if e.file().is_some() { e } else { spanned_err(text, span, e.code(), e.message().to_string()) }
}

/// What building the tables shares: the text (for places), the engine, and each script compiled
/// once however many indicators or goals name it.
struct Loader<'a> {
    text: &'a str,
    files: &'a PlanFiles,
    engine: RuleEngine,
    compiled: HashMap<(String, RuleKind), CompiledRule>,
}

impl Loader<'_> {
    fn err(&self, span: Range<usize>, code: Code, msg: String) -> Error {
        spanned_err(self.text, span, code, msg)
    }

    /// The rule named `name` (or `default` at `default_span`) bound to `params`.
    fn bind(
        &mut self,
        name: Option<&Spanned<String>>,
        (default, default_span): (&str, Range<usize>),
        kind: RuleKind,
        params: Option<Spanned<RawParams>>,
    ) -> Result<BoundRule> {
        let (name, span) = name.map_or((default.to_string(), default_span), |n| (n.get_ref().clone(), n.span()));
        let key = (name.clone(), kind);
        let script = match self.compiled.get(&key) {
            Some(script) => script.clone(),
            None => {
                let script = self.engine.compile_named(self.files, &name, kind).map_err(|e| relocate(e, self.text, span.clone()))?;
                self.compiled.insert(key, script.clone());
                script
            }
        };
        let (params, params_span) = match params {
            Some(p) => {
                let span = p.span();
                (params_table(p.into_inner()), span)
            }
            None => (toml::Table::new(), span),
        };
        BoundRule::bind(script, params).map_err(|(code, m)| self.err(params_span, code, m))
    }
}

pub(super) fn build(raw: RawPlan, text: &str, files: Arc<PlanFiles>) -> Result<Plan> {
    let (language, periods) = header(&raw.plan, text)?;
    let engine = RuleEngine::new(language, files.clone());
    let scale = scale(raw.scale, language, text)?;
    let comparison = comparison(&raw.comparison, text, &files)?;
    let max_age = raw.plan.max_age.unwrap_or(2);
    let mut loader = Loader { text, files: &files, engine: engine.clone(), compiled: HashMap::new() };
    let (indicators, indicator_index) = indicators(&mut loader, raw.indicators, max_age)?;
    let plan_min_basis = super::basis::min_basis(raw.plan.min_basis, text)?;
    let (goals, goal_ids, goal_order) = goals(&mut loader, raw.goals, &indicator_index, plan_min_basis)?;
    let assignments = assignments(raw.assignments, &goal_ids, text)?;
    Ok(Plan {
        id: raw.plan.id,
        title: raw.plan.title,
        description: raw.plan.description,
        entity: raw.plan.entity,
        period: raw.plan.period,
        periods,
        language,
        max_age,
        entities: raw.entities,
        comparison,
        scale,
        goals,
        indicators,
        assignments,
        engine,
        files,
        indicator_index,
        goal_order,
        bundled: Arc::default(),
    })
}

/// `[plan]`: the language and the period kind.
fn header(h: &RawHeader, text: &str) -> Result<(Language, String)> {
    let language = match h.language.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("en", _)) => Language::En,
        Some(("sv", _)) => Language::Sv,
        Some((other, span)) => {
            return Err(spanned_err(text, span, Code::PlanInvalidValue, format!("unknown language `{other}` (use `sv` or `en`)")));
        }
    };
    let periods = match h.periods.as_ref() {
        None => "year".to_string(),
        Some(p) if ["year", "tertial", "quarter", "month"].contains(&p.get_ref().as_str()) => p.get_ref().clone(),
        Some(p) => {
            return Err(spanned_err(
                text,
                p.span(),
                Code::PlanInvalidValue,
                format!("unknown period kind `{}` (use year, tertial, quarter or month)", p.get_ref()),
            ));
        }
    };
    Ok((language, periods))
}

/// `[scale]`: the plan's levels (best first) or a shipped preset (`preset = "sdg"`), else the
/// default scale in the plan's language.
fn scale(raw: Option<Spanned<RawScale>>, language: Language, text: &str) -> Result<Scale> {
    let default = Scale::default_for(language);
    let Some(s) = raw else { return Ok(default) };
    let span = s.span();
    let s = s.into_inner();
    if let Some(name) = &s.preset {
        let err = |m: String| spanned_err(text, span.clone(), Code::PlanInvalidValue, m);
        if !s.levels.is_empty() {
            return Err(err(format!("the scale names preset `{name}` and levels of its own; give one or the other")));
        }
        let mut preset = Scale::preset(name, language)
            .ok_or_else(|| err(format!("unknown scale preset `{name}` (the presets are {})", Scale::PRESETS.join(", "))))?;
        if let Some(nd) = s.no_data {
            preset.no_data = Level { id: "no_data".into(), label: nd.label, color: nd.color.unwrap_or(preset.no_data.color), score: None };
        }
        return Ok(preset);
    }
    let n = s.levels.len();
    let mut seen = BTreeSet::new();
    let mut levels = Vec::new();
    for (i, l) in s.levels.into_iter().enumerate() {
        if !seen.insert(l.id.clone()) || l.id == "no_data" || l.id == "error" {
            return Err(spanned_err(
                text,
                span,
                Code::PlanDuplicateId,
                format!("scale level `{}` is defined twice or uses a reserved id", l.id),
            ));
        }
        let score = l.score.unwrap_or(if n == 1 { 1.0 } else { 1.0 - i as f64 / (n - 1) as f64 });
        if !score.is_finite() || !(0.0..=1.0).contains(&score) {
            return Err(spanned_err(
                text,
                span,
                Code::PlanInvalidValue,
                format!("scale level `{}` has score {score}; scores are between 0 and 1", l.id),
            ));
        }
        levels.push(Level { id: l.id, label: l.label, color: l.color.unwrap_or_else(|| "#607d8b".into()), score: Some(score) });
    }
    let no_data = match s.no_data {
        Some(nd) => Level { id: "no_data".into(), label: nd.label, color: nd.color.unwrap_or(default.no_data.color), score: None },
        None => default.no_data,
    };
    Scale::new(levels, no_data, default.error)
        .ok_or_else(|| spanned_err(text, span, Code::PlanInvalidValue, "the scale has no levels".into()))
}

/// `[comparison]`: the national entity, the groups, and the peers (a group's members or a list).
fn comparison(raw: &RawComparison, text: &str, files: &PlanFiles) -> Result<Comparison> {
    let (groups, kolada_groups) = super::groups::groups(&raw.groups, files)?;
    let mut comparison = Comparison { national: raw.national.clone(), mean: raw.mean.clone(), groups, kolada_groups, ..Default::default() };
    if let Some(p) = &raw.peers {
        match p.get_ref() {
            RawPeers::Group(id) => {
                let (_, members) = comparison.groups.get(id).ok_or_else(|| {
                    spanned_err(
                        text,
                        p.span(),
                        Code::PlanUnknownReference,
                        format!("peer group `{id}` is not defined in [comparison.groups]"),
                    )
                })?;
                comparison.peers = members.clone();
                comparison.peer_group = Some(id.clone());
            }
            RawPeers::List(ids) => comparison.peers = ids.clone(),
        }
    }
    Ok(comparison)
}

/// `[[indicator]]`, in file order, and where each id stands in it.
fn indicators(loader: &mut Loader<'_>, raw: Vec<RawIndicator>, max_age: u32) -> Result<(Vec<Indicator>, HashMap<String, usize>)> {
    let mut indicators = Vec::new();
    let mut index = HashMap::new();
    for ri in raw {
        let id = ri.id.get_ref().clone();
        if id.trim().is_empty() {
            return Err(loader.err(ri.id.span(), Code::PlanInvalidValue, "indicator id is empty".into()));
        }
        if index.insert(id.clone(), indicators.len()).is_some() {
            return Err(loader.err(ri.id.span(), Code::PlanDuplicateId, format!("indicator `{id}` is defined twice")));
        }
        indicators.push(indicator(loader, ri, id, max_age)?);
    }
    Ok((indicators, index))
}

fn indicator(loader: &mut Loader<'_>, ri: RawIndicator, id: String, max_age: u32) -> Result<Indicator> {
    let explicit = match ri.direction.as_ref().map(|d| (d.get_ref().as_str(), d.span())) {
        None => None,
        Some(("higher", _)) => Some(true),
        Some(("lower", _)) => Some(false),
        Some((other, span)) => {
            return Err(loader.err(span, Code::PlanInvalidValue, format!("direction `{other}` is neither `higher` nor `lower`")));
        }
    };
    let written = targets(ri.targets, explicit, loader.text)?;
    let direction = if written.higher_is_better { Direction::Higher } else { Direction::Lower };
    let rule = loader.bind(ri.rule.as_ref(), ("target", ri.id.span()), RuleKind::Indicator, ri.params)?;
    let targets: BTreeMap<String, f64> = written.targets.iter().filter_map(|(p, t)| Some((p.clone(), t.value?))).collect();
    let (kolada, source_url) = ri.source.map_or((None, None), |s| {
        let _ = s.note;
        (s.kolada, s.url)
    });
    let _ = ri.description;
    let unit = ri.unit.unwrap_or_default();
    let decimals = match ri.decimals {
        None => None,
        Some(d) if *d.get_ref() <= MAX_DECIMALS => Some(d.into_inner()),
        Some(d) => {
            return Err(loader.err(d.span(), Code::PlanInvalidValue, format!("decimals `{}` is more than {MAX_DECIMALS}", d.get_ref())));
        }
    };
    Ok(Indicator {
        rhai_info: info_map(&id, &ri.title, &unit),
        rhai_targets: targets_map(&targets),
        id,
        title: ri.title,
        unit,
        direction,
        gender: ri.gender,
        kolada,
        source_url,
        targets,
        written_targets: written.targets,
        max_age: ri.max_age.unwrap_or(max_age),
        decimals,
        rule,
    })
}

/// An indicator's targets as written, and the polarity they and its `direction` give.
struct Written {
    targets: BTreeMap<String, Target>,
    higher_is_better: bool,
}

/// An indicator's `targets`: each period starting with a year, each target a finite number or a
/// comparison; a comparator's polarity must agree with `direction` and with every other
/// comparator, and gives the polarity where `direction` is not written (else higher is better).
fn targets(raw: Option<Spanned<BTreeMap<String, Spanned<TargetInput>>>>, explicit: Option<bool>, text: &str) -> Result<Written> {
    let Some(t) = raw else { return Ok(Written { targets: BTreeMap::new(), higher_is_better: explicit.unwrap_or(true) }) };
    let span = t.span();
    let raw: Vec<(String, Spanned<TargetInput>)> = t.into_inner().into_iter().collect();
    if let Some((period, _)) = raw.iter().find(|(p, _)| period_year(p).is_none()) {
        return Err(spanned_err(text, span, Code::PlanInvalidValue, format!("target period `{period}` does not start with a year")));
    }
    let at = |input: &Spanned<TargetInput>, msg: String| spanned_err(text, input.span(), Code::PlanInvalidValue, msg);
    let inputs: Vec<(&str, &TargetInput)> = raw.iter().map(|(p, t)| (p.as_str(), t.get_ref())).collect();
    let higher_is_better = polarity(explicit, &inputs).map_err(|(i, msg)| at(&raw[i].1, msg))?;
    let mut targets = BTreeMap::new();
    for (period, input) in &raw {
        targets.insert(period.clone(), input.get_ref().target(higher_is_better).map_err(|msg| at(input, msg))?);
    }
    Ok(Written { targets, higher_is_better })
}

/// The goals in file order, where each id stands in it, and the order they are judged in.
type Goals = (Vec<Goal>, HashMap<String, usize>, Vec<usize>);

/// `[[goal]]`, in file order; where each id stands; and the order goals are judged in (children first).
fn goals(
    loader: &mut Loader<'_>,
    raw: Vec<RawGoal>,
    indicator_index: &HashMap<String, usize>,
    min_basis: Option<MinBasis>,
) -> Result<Goals> {
    let mut goal_ids: HashMap<String, usize> = HashMap::new();
    for (i, g) in raw.iter().enumerate() {
        if goal_ids.insert(g.id.get_ref().clone(), i).is_some() {
            return Err(loader.err(g.id.span(), Code::PlanDuplicateId, format!("goal `{}` is defined twice", g.id.get_ref())));
        }
    }
    // Where each goal's id stands, for cycle errors found after the goals are built (turned into
    // a line and column only for the goal named in an error: doing it for every goal made
    // loading quadratic in the plan's size).
    let goal_spans: Vec<usize> = raw.iter().map(|g| g.id.span().start).collect();
    let mut goals = Vec::new();
    for g in raw {
        let mut goal = goal(loader, g, &goal_ids, indicator_index)?;
        goal.min_basis = goal.min_basis.or(min_basis);
        goals.push(goal);
    }
    let order = children_first(&goals, &goal_ids, loader.text, &goal_spans)?;
    Ok((goals, goal_ids, order))
}

fn goal(loader: &mut Loader<'_>, g: RawGoal, goal_ids: &HashMap<String, usize>, indicator_index: &HashMap<String, usize>) -> Result<Goal> {
    if let Some(p) = &g.parent {
        if !goal_ids.contains_key(p.get_ref()) {
            return Err(loader.err(
                p.span(),
                Code::PlanUnknownReference,
                format!("goal `{}` has parent `{}`, which is not a goal", g.id.get_ref(), p.get_ref()),
            ));
        }
    }
    let links = links(loader, &g, indicator_index)?;
    for k in &g.key_figures {
        if !indicator_index.contains_key(k.get_ref()) {
            return Err(loader.err(
                k.span(),
                Code::PlanUnknownReference,
                format!("goal `{}` lists key figure `{}`, which is not defined", g.id.get_ref(), k.get_ref()),
            ));
        }
    }
    let aggregate = loader.bind(g.aggregate.as_ref(), ("share", g.id.span()), RuleKind::Aggregation, g.params)?;
    let min_basis = super::basis::min_basis(g.min_basis, loader.text)?;
    Ok(Goal {
        id: g.id.into_inner(),
        title: g.title,
        text: g.text.unwrap_or_default(),
        parent: g.parent.map(Spanned::into_inner),
        indicators: links,
        key_figures: g.key_figures.into_iter().map(Spanned::into_inner).collect(),
        min_basis,
        aggregate,
    })
}

/// A goal's `indicators`: each defined, linked once, with a weight in range.
fn links(loader: &Loader<'_>, g: &RawGoal, indicator_index: &HashMap<String, usize>) -> Result<Vec<GoalIndicator>> {
    let mut links = Vec::new();
    let mut seen = BTreeSet::new();
    for r in &g.indicators {
        let (id, weight) = match r.get_ref() {
            RawIndicatorRef::Id(id) => (id.clone(), 1.0),
            RawIndicatorRef::Weighted(w) => (w.id.clone(), w.weight.unwrap_or(1.0)),
        };
        if !indicator_index.contains_key(&id) {
            return Err(loader.err(
                r.span(),
                Code::PlanUnknownReference,
                format!("goal `{}` links indicator `{id}`, which is not defined", g.id.get_ref()),
            ));
        }
        if !(weight.is_finite() && weight > 0.0 && weight <= MAX_WEIGHT) {
            return Err(loader.err(
                r.span(),
                Code::PlanInvalidValue,
                format!("weight of `{id}` is `{}`; a weight is a number above 0 and at most {MAX_WEIGHT}", toml_number(weight)),
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(loader.err(r.span(), Code::PlanDuplicateLink, format!("goal `{}` links indicator `{id}` twice", g.id.get_ref())));
        }
        links.push(GoalIndicator { id, weight });
    }
    Ok(links)
}

/// `[[assignment]]`: each id once, each naming a goal.
fn assignments(raw: Vec<RawAssignment>, goal_ids: &HashMap<String, usize>, text: &str) -> Result<Vec<Assignment>> {
    let mut assignments = Vec::new();
    let mut seen = BTreeSet::new();
    for a in raw {
        if !seen.insert(a.id.get_ref().clone()) {
            return Err(spanned_err(text, a.id.span(), Code::PlanDuplicateId, format!("assignment `{}` is defined twice", a.id.get_ref())));
        }
        if !goal_ids.contains_key(a.goal.get_ref()) {
            return Err(spanned_err(
                text,
                a.goal.span(),
                Code::PlanUnknownReference,
                format!("assignment `{}` names goal `{}`, which is not defined", a.id.get_ref(), a.goal.get_ref()),
            ));
        }
        assignments.push(Assignment { id: a.id.into_inner(), goal: a.goal.into_inner(), text: a.text, boards: a.boards });
    }
    Ok(assignments)
}

fn children_first(goals: &[Goal], ids: &HashMap<String, usize>, text: &str, spans: &[usize]) -> Result<Vec<usize>> {
    // Depth of each goal along its parent chain (1 = a top goal), each found once: a walk up
    // from a goal stops at the first goal whose depth is known, so the whole pass is linear in
    // the number of goals however long the chains are. A walk that meets a goal on its own path
    // is a cycle; goals are walked in file order, so the cycle is named from the first goal
    // (in file order) whose chain has one, as a full walk from every goal would name it.
    const UNKNOWN: usize = 0;
    let mut depth = vec![UNKNOWN; goals.len()];
    let mut on_path = vec![false; goals.len()];
    let mut path: Vec<usize> = Vec::new();
    for i in 0..goals.len() {
        if depth[i] != UNKNOWN {
            continue;
        }
        path.clear();
        let mut cur = Some(i);
        let mut above = 0;
        while let Some(j) = cur {
            if depth[j] != UNKNOWN {
                above = depth[j];
                break;
            }
            if on_path[j] {
                let names: Vec<String> = path.iter().map(|&k| format!("`{}`", goals[k].id)).collect();
                let (line, col) = crate::error::line_column(text, spans[i]);
                return Err(Error::new(Code::PlanCycle, format!("goal parents form a cycle: {} → `{}`", names.join(" → "), goals[j].id))
                    .in_file(PLAN_FILE)
                    .at(line.max(1), col.max(1)));
            }
            on_path[j] = true;
            path.push(j);
            cur = goals[j].parent.as_ref().and_then(|p| ids.get(p).copied());
        }
        for (k, &j) in path.iter().rev().enumerate() {
            depth[j] = above.saturating_add(k + 1);
            on_path[j] = false;
        }
    }
    let mut order: Vec<usize> = (0..goals.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    Ok(order)
}
