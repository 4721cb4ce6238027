//! Rust values as a script sees them: the scope of an indicator rule, parts, history, peers and params.

use super::CompiledRule;
use crate::judgement::{IndicatorContext, Inputs, Measures, Part, PartKind};
use crate::model::{PeerStats, PeriodValue};
use rhai::{Array, Dynamic, Map, Scope};

/// A number a script holds, float or integer.
pub(crate) fn opt_f64(d: &Dynamic) -> Option<f64> {
    if let Ok(f) = d.as_float() {
        Some(f)
    } else if let Ok(i) = d.as_int() {
        Some(i as f64)
    } else {
        None
    }
}

fn opt(x: Option<f64>) -> Dynamic {
    x.map_or(Dynamic::UNIT, Dynamic::from_float)
}

fn history_array(h: &[PeriodValue]) -> Dynamic {
    let arr: Array = h
        .iter()
        .map(|pv| {
            let mut m = Map::new();
            m.insert("period".into(), pv.period.as_str().into());
            m.insert("value".into(), Dynamic::from_float(pv.value));
            Dynamic::from_map(m)
        })
        .collect();
    Dynamic::from_array(arr)
}

fn peers_map(p: &PeerStats) -> Dynamic {
    let mut m = Map::new();
    m.insert("mean".into(), opt(p.mean));
    m.insert("median".into(), opt(p.median));
    m.insert("min".into(), opt(p.min));
    m.insert("max".into(), opt(p.max));
    m.insert("count".into(), Dynamic::from_int(p.count as rhai::INT));
    m.insert("values".into(), Dynamic::from_array(p.values.iter().map(|v| Dynamic::from_float(*v)).collect()));
    Dynamic::from_map(m)
}

/// Converts TOML params (from plan.toml or a test file) into a Rhai map.
pub(crate) fn params_to_dynamic(params: &toml::Table) -> Dynamic {
    fn conv(v: &toml::Value) -> Dynamic {
        match v {
            toml::Value::String(s) => s.as_str().into(),
            toml::Value::Integer(i) => Dynamic::from_float(*i as f64),
            toml::Value::Float(f) => Dynamic::from_float(*f),
            toml::Value::Boolean(b) => (*b).into(),
            toml::Value::Datetime(d) => d.to_string().into(),
            toml::Value::Array(a) => Dynamic::from_array(a.iter().map(conv).collect()),
            toml::Value::Table(t) => Dynamic::from_map(t.iter().map(|(k, v)| (k.as_str().into(), conv(v))).collect()),
        }
    }
    Dynamic::from_map(params.iter().map(|(k, v)| (k.as_str().into(), conv(v))).collect())
}

/// The map a script sees for a part: `#{id, status, score, weight, measures}` and the fields of its kind.
pub(crate) fn part_map(part: &Part) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), part.id.as_str().into());
    m.insert("status".into(), part.status.as_str().into());
    m.insert("score".into(), opt(part.score));
    m.insert("weight".into(), Dynamic::from_float(part.weight));
    m.insert("measures".into(), measures_map(&part.measures));
    match part.kind {
        PartKind::Indicator => {
            m.insert("value".into(), opt(part.value));
            m.insert("target".into(), opt(part.target));
            m.insert("previous".into(), opt(part.previous));
            m.insert("improving".into(), part.improving.map_or(Dynamic::UNIT, Dynamic::from_bool));
        }
        PartKind::Assignment => {
            m.insert("progress".into(), part.progress.as_deref().map_or(Dynamic::UNIT, |p| p.into()));
        }
        PartKind::Goal => {}
    }
    Dynamic::from_map(m)
}

/// A verdict's or a part's measures as a script sees them: `#{name: number}`.
pub(crate) fn measures_map(measures: &Measures) -> Dynamic {
    Dynamic::from_map(measures.iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_float(*v))).collect())
}

/// The `indicator` map a rule sees, shared so that each evaluation only clones a pointer.
pub(crate) fn info_map(id: &str, title: &str, unit: &str) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), id.into());
    m.insert("title".into(), title.into());
    m.insert("unit".into(), unit.into());
    Dynamic::from_map(m).into_shared()
}

/// The `targets` map a rule sees, shared.
pub(crate) fn targets_map<'a>(targets: impl IntoIterator<Item = (&'a String, &'a f64)>) -> Dynamic {
    Dynamic::from_map(targets.into_iter().map(|(k, v)| (k.as_str().into(), Dynamic::from_float(*v))).collect()).into_shared()
}

/// The scope of an indicator rule: every name of [`RuleKind::Indicator`](crate::stdlib::RuleKind), in that order.
pub(crate) fn indicator_scope(rule: &CompiledRule, params: &Dynamic, inputs: &Inputs, ctx: &IndicatorContext<'_>) -> Scope<'static> {
    // 17 names: room for all of them at once, and for a rule's own `let`s.
    let mut scope = Scope::with_capacity(24);
    scope.push_constant_dynamic("value", opt(inputs.value));
    scope.push_constant_dynamic("target", opt(inputs.target));
    scope.push_constant_dynamic("target_op", inputs.target_op.map_or(Dynamic::UNIT, |op| op.as_str().into()));
    scope.push_constant_dynamic("previous", opt(inputs.previous));
    scope.push_constant_dynamic("history", if rule.reads.history { history_array(&inputs.history) } else { Dynamic::UNIT });
    scope.push_constant_dynamic("national", opt(inputs.national));
    scope.push_constant_dynamic(
        "peers",
        if rule.reads.peers { inputs.peers.as_ref().map_or(Dynamic::UNIT, peers_map) } else { Dynamic::UNIT },
    );
    scope.push_constant_dynamic("percentile", opt(inputs.percentile));
    scope.push_constant_dynamic("municipal_mean", opt(inputs.municipal_mean));
    scope.push_constant_dynamic("women", opt(inputs.women));
    scope.push_constant_dynamic("men", opt(inputs.men));
    scope.push_constant("higher_is_better", ctx.higher_is_better);
    scope.push_constant("direction", if ctx.higher_is_better { "higher" } else { "lower" });
    scope.push_constant("period", inputs.period.clone());
    // Copies, not the shared maps: nothing a rule does to its inputs outlives its evaluation.
    scope.push_constant_dynamic("indicator", ctx.info.flatten_clone());
    scope.push_constant_dynamic("targets", ctx.rhai_targets.flatten_clone());
    scope.push_constant_dynamic("params", params.flatten_clone());
    scope
}
