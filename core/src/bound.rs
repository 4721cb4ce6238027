//! The one shape every rule runs in: a compiled script bound to its params and, for a std script, its native twin.

use crate::error::{Cause, Code, Result};
use crate::judgement::{AggregationInput, IndicatorContext, Inputs, Outcome, Verdict};
use crate::locale::format_number;
use crate::model::{Language, Scale};
use crate::native::Twin;
use crate::script::{CompiledRule, RuleEngine, params_to_dynamic, returned_error};
use crate::stdlib;
use rhai::Dynamic;

/// A rule ready to run for indicators, goals, rule tests and checks alike.
#[derive(Debug, Clone)]
pub(crate) struct BoundRule {
    pub(crate) script: CompiledRule,
    /// The params as the script sees them, shared (each run copies a pointer).
    pub(crate) params: Dynamic,
    /// The params as written, for `explain`.
    pub(crate) params_toml: toml::Table,
    /// The std script's native twin with these params (`None`: the script runs).
    twin: Option<Twin>,
}

impl BoundRule {
    /// Binds `params` to `script`. A param the script does not read, or one it reads with no
    /// default (`params.x` not before `??`, never tested with `"x" in params`) that `params` does
    /// not give, is an error (its code and message; the caller knows where the params stand).
    pub(crate) fn bind(script: CompiledRule, params: toml::Table) -> Result<BoundRule, (Code, String)> {
        if let Some(key) = params.keys().find(|k| !script.reads.params.contains(*k)) {
            let takes: Vec<&str> = script.reads.params.iter().map(String::as_str).collect();
            return Err((
                Code::PlanUnknownParam,
                format!(
                    "rule `{}` takes no param `{key}` ({})",
                    script.id,
                    if takes.is_empty() { "it takes none".to_string() } else { format!("it takes {}", takes.join(", ")) }
                ),
            ));
        }
        if let Some((key, (line, col))) = script.reads.required_params.iter().find(|(k, _)| !params.contains_key(*k)) {
            return Err((
                Code::PlanMissingParam,
                format!(
                    "rule `{}` reads `params.{key}` at {}:{line}:{col} with no default, and no `{key}` is given (give `params = {{ {key} = … }}`, or write `params.{key} ?? default` in the rule)",
                    script.id,
                    stdlib::rule_file(&script.id)
                ),
            ));
        }
        let dynamic = params_to_dynamic(&params).into_shared();
        let twin = if stdlib::std_source(&script.id).is_some() { Twin::new(script.kind, &script.id, &dynamic) } else { None };
        Ok(BoundRule { script, params: dynamic, params_toml: params, twin })
    }

    /// Std name or script path.
    pub(crate) fn id(&self) -> &str {
        &self.script.id
    }

    /// The comparisons the rule judges against: `national` (riket), `peers` (the peer group),
    /// `mean` (the unweighted mean of the municipalities), `rank` (the position among them),
    /// `fixed` (a number in the params). A std twin knows its own; a script names those it reads.
    pub(crate) fn compared_with(&self) -> Vec<String> {
        if let Some(Twin::Rule(r)) = &self.twin {
            return r.compared_with().into_iter().map(String::from).collect();
        }
        let r = &self.script.reads;
        [(r.national, "national"), (r.peers, "peers"), (r.municipal_mean, "mean"), (r.percentile, "rank")]
            .into_iter()
            .filter(|(read, _)| *read)
            .map(|(_, name)| name.to_string())
            .collect()
    }

    /// The twin, unless a coverage recording wants the script's own lines run or a mutant of a
    /// script is being tested.
    fn twin(&self) -> Option<&Twin> {
        if crate::script::coverage::recording() || crate::script::mutation::active() { None } else { self.twin.as_ref() }
    }

    /// Runs the rule for an indicator: the twin where it answers, else the script.
    pub(crate) fn judge(&self, engine: &RuleEngine, lang: Language, ctx: &IndicatorContext<'_>, inputs: &Inputs) -> Result<Outcome> {
        match self.twin().and_then(|t| t.judge(inputs, ctx, lang)) {
            Some(outcome) => Ok(outcome),
            None => engine.run_indicator(&self.script, &self.params, inputs, ctx),
        }
    }

    /// Runs the rule as a goal aggregation: the twin where it answers, else the script.
    pub(crate) fn aggregate(&self, engine: &RuleEngine, lang: Language, input: &AggregationInput<'_>) -> Result<Outcome> {
        match self.twin().and_then(|t| t.aggregate(input, lang)) {
            Some(outcome) => Ok(outcome),
            None => engine.run_aggregation(&self.script, &self.params, input),
        }
    }
}

/// An outcome on the plan's scale: a score becomes the nearest level (its reason the score), a
/// status must be a level or `no_data` (else the rule's error, at the statement that gave it).
pub(crate) fn settle(scale: &Scale, lang: Language, rule: &CompiledRule, outcome: Outcome) -> Result<Verdict> {
    match outcome {
        Outcome::Score(x) => {
            let reason = format!("{}{}", lang.pick("score ", "poäng "), format_number(Some(x), Some(2), lang));
            Ok(Verdict { score: Some(x), ..Verdict::new(scale.level_for_score(x).id.clone(), Some(reason)) })
        }
        Outcome::Status(v) if v.status == "no_data" || scale.rank(&v.status).is_some() => Ok(v),
        Outcome::Status(v) => {
            let ids: Vec<&str> = scale.levels().iter().map(|l| l.id.as_str()).collect();
            Err(returned_error(rule, Code::RuleUnknownStatus, Cause::UnknownStatus { status: v.status, levels: ids.join(", ") }, false))
        }
    }
}
