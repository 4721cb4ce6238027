//! The native twin of std `target`: the comparator as written, the partial bands, improvement, and a mean over periods.

use super::rules::Say;
use super::{float_param, rhai_float, to_int, verdict};
use crate::judgement::{Inputs, Verdict, shortfall};
use rhai::Map;

/// Histories longer than this are left to the script, whose array and operation limits decide.
const MAX_HISTORY: usize = 1_000;

/// The params of std `target`, read as the script reads them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TargetParams {
    pub tolerance: f64,
    pub partly_at: Option<f64>,
    pub improving: bool,
    pub average_over: i64,
}

impl TargetParams {
    /// The params as the script reads them; `None` when one is of a type the script fails on.
    pub(super) fn new(params: &Map) -> Option<TargetParams> {
        let p = |n: &str, d: Option<f64>| float_param(params, n, d);
        let improving = match params.get("improving") {
            None => true,
            Some(d) if d.is_unit() => true,
            Some(d) => d.as_bool().ok()?,
        };
        let partly_at = p("partly_at", None)?;
        let tolerance = p("tolerance", Some(if improving && partly_at.is_none() { 0.05 } else { 0.0 }))??;
        let average_over = to_int(p("average_over", Some(1.0))??)?.max(1);
        Some(TargetParams { tolerance, partly_at, improving, average_over })
    }
}

/// What is judged: the value or the mean of the last values, the one it is compared with as
/// "before", and how the reason names it.
struct Judged {
    value: f64,
    before: Option<f64>,
    subject: String,
}

/// The mean over `n` periods the script takes, or its `no_data`; `None` for a history the script
/// must walk itself.
fn judged(n: i64, i: &Inputs, say: &Say<'_>, value: f64) -> Option<Result<Judged, Verdict>> {
    let h = &i.history;
    if h.len() > MAX_HISTORY {
        return None;
    }
    if n <= 1 {
        return Some(Ok(Judged { value, before: i.previous, subject: say.show(value) }));
    }
    let period = &i.period;
    let Some(k) = usize::try_from(n - 1).ok().filter(|k| *k <= h.len()) else {
        return Some(Err(verdict(
            "no_data",
            tr!(
                say.lang,
                ("fewer than {n} values for a mean over {n} periods"),
                ("färre än {n} värden för ett medelvärde över {n} perioder")
            ),
        )));
    };
    let count = k as f64 + 1.0;
    let sum = h[h.len() - k..].iter().fold(0.0, |s, pv| s + pv.value);
    let mean = (sum + value) / count;
    let before = (h.len() > k).then(|| h[h.len() - k - 1..].iter().fold(0.0, |s, pv| s + pv.value) / count);
    let (from, m) = (&h[h.len() - k].period, say.show(mean));
    let subject = tr!(say.lang, ("the mean of {n} values ({from}–{period}), {m},"), ("medelvärdet av {n} värden ({from}–{period}), {m},"));
    Some(Ok(Judged { value: mean, before, subject }))
}

/// `target`: the period's target as written, with the script's partial bands.
pub(super) fn target(tp: &TargetParams, i: &Inputs, say: &Say<'_>, value: f64) -> Option<Verdict> {
    let period = &i.period;
    let op = i.target_op.map_or(if say.higher { ">=" } else { "<=" }, |op| op.as_str());
    let travel = op == "increase" || op == "decrease";
    let target = match i.target {
        Some(t) => t,
        None if travel => f64::NAN,
        None => return Some(verdict("no_data", tr!(say.lang, ("no target for {period}"), ("inget målvärde för {period}")))),
    };
    let j = match judged(tp.average_over, i, say, value)? {
        Ok(j) => j,
        Err(v) => return Some(v),
    };
    let s = &j.subject;
    if travel {
        return Some(travel_verdict(op == "increase", &j, say));
    }
    let t = if matches!(op, ">" | "<" | "=") { format!("{op} {}", say.show(target)) } else { say.show(target) };
    let reached = match op {
        "=" => rhai_float::eq(j.value, target),
        ">" | "<" => say.better(j.value, target),
        _ => say.at_least_as_good(j.value, target),
    };
    if reached {
        return Some(verdict("attained", tr!(say.lang, ("{s} reaches the target {t}"), ("{s} når målet {t}"))));
    }
    let mut short = shortfall(j.value, target, say.higher);
    if op == "=" {
        short = short.abs();
    }
    if rhai_float::lt(0.0, tp.tolerance) && rhai_float::le(short, tp.tolerance) {
        let pct = say.fmt(tp.tolerance * 100.0);
        return Some(verdict("partly", tr!(say.lang, ("{s} is within {pct} % of the target {t}"), ("{s} är inom {pct} % från målet {t}"))));
    }
    if let Some(share) = tp.partly_at {
        let near = if say.higher { rhai_float::ge(j.value, target * share) } else { rhai_float::le(j.value * share, target) };
        if near {
            let pct = say.fmt(share * 100.0);
            return Some(verdict(
                "partly",
                tr!(say.lang, ("{s} fulfils at least {pct} % of the target {t}"), ("{s} uppfyller minst {pct} % av målet {t}")),
            ));
        }
    }
    if let Some(before) = j.before.filter(|b| tp.improving && say.better(j.value, *b)) {
        let b = say.show(before);
        return Some(verdict(
            "partly",
            tr!(
                say.lang,
                ("{s} is short of the target {t} but better than before ({b})"),
                ("{s} når inte målet {t} men är bättre än föregående ({b})")
            ),
        ));
    }
    Some(verdict("not_attained", tr!(say.lang, ("{s} is short of the target {t}"), ("{s} når inte målet {t}"))))
}

/// `increase` / `decrease`: better than before, or not attained.
fn travel_verdict(up: bool, j: &Judged, say: &Say<'_>) -> Verdict {
    let Some(before) = j.before else {
        return verdict("no_data", tr!(say.lang, ("no earlier value to compare with"), ("inget tidigare värde att jämföra med")));
    };
    let (s, b) = (&j.subject, say.show(before));
    match (say.better(j.value, before), up) {
        (true, true) => verdict("attained", tr!(say.lang, ("{s} has increased from {b}"), ("{s} har ökat från {b}"))),
        (true, false) => verdict("attained", tr!(say.lang, ("{s} has decreased from {b}"), ("{s} har minskat från {b}"))),
        (false, true) => verdict("not_attained", tr!(say.lang, ("{s} has not increased from {b}"), ("{s} har inte ökat från {b}"))),
        (false, false) => verdict("not_attained", tr!(say.lang, ("{s} has not decreased from {b}"), ("{s} har inte minskat från {b}"))),
    }
}
