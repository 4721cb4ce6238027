//! The native twins of the std indicator rules: `target`, `reference`, `quartile`, `trend`, `trajectory`, `okr`.

use super::target::{TargetParams, target};
use super::{float_param, rhai_float, to_int, verdict};
use crate::judgement::{IndicatorContext, Inputs, Outcome, Verdict, shortfall};
use crate::locale::{format_number, with_unit};
use crate::model::Language;
use crate::sandbox::limits;
use rhai::{Dynamic, Map};

/// A std rule with its params read once, when the plan is built.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StdRule {
    Target(TargetParams),
    Reference { against: Against, tolerance: f64 },
    Quartile,
    Trend { n: i64, flat: f64 },
    Trajectory { baseline: Option<f64>, baseline_period: Option<String>, tolerance: f64 },
    Okr { baseline: Option<f64> },
}

/// What `reference` compares with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Against {
    National,
    Peers,
    /// The unweighted mean of the municipalities.
    Mean,
    Fixed(f64),
}

/// Histories longer than this are left to the script, whose array and operation limits decide.
const MAX_HISTORY: usize = 1_000;

/// How a twin words numbers and compares them: the plan's language, the indicator's unit,
/// decimals and polarity, as the script's helpers do.
pub(crate) struct Say<'a> {
    pub(super) lang: Language,
    unit: &'a str,
    decimals: Option<u32>,
    pub(super) higher: bool,
}

impl Say<'_> {
    pub(super) fn sv(&self) -> bool {
        self.lang.pick(false, true)
    }
    pub(super) fn show(&self, x: f64) -> String {
        with_unit(self.fmt(x), self.unit)
    }
    pub(super) fn fmt(&self, x: f64) -> String {
        format_number(Some(x), self.decimals, self.lang)
    }
    pub(super) fn fmt_d(&self, x: f64, d: u32) -> String {
        format_number(Some(x), Some(d), self.lang)
    }
    pub(super) fn better(&self, a: f64, b: f64) -> bool {
        if self.higher { a > b } else { a < b }
    }
    pub(super) fn at_least_as_good(&self, a: f64, b: f64) -> bool {
        if self.higher { a >= b } else { a <= b }
    }
}

impl StdRule {
    /// The comparisons the rule judges against, as the report's `compared_with` names them.
    pub(crate) fn compared_with(&self) -> Vec<&'static str> {
        match self {
            StdRule::Reference { against: Against::National, .. } => vec!["national"],
            StdRule::Reference { against: Against::Peers, .. } => vec!["peers"],
            StdRule::Reference { against: Against::Mean, .. } => vec!["mean"],
            StdRule::Reference { against: Against::Fixed(_), .. } => vec!["fixed"],
            StdRule::Quartile => vec!["rank"],
            _ => vec![],
        }
    }

    /// The twin of std rule `name` with these params; `None` when the script must run.
    pub(crate) fn new(name: &str, params: &Dynamic) -> Option<StdRule> {
        let params = params.read_lock::<Map>()?;
        let p = |n: &str, d: Option<f64>| float_param(&params, n, d);
        Some(match name {
            "target" => StdRule::Target(TargetParams::new(&params)?),
            "reference" => {
                let against = match params.get("against") {
                    None => Against::National,
                    Some(d) if d.is_unit() => Against::National,
                    Some(d) => match (d.as_float(), d.read_lock::<rhai::ImmutableString>()) {
                        (Ok(x), _) => Against::Fixed(x),
                        (_, Some(s)) if s.as_str() == "national" => Against::National,
                        (_, Some(s)) if s.as_str() == "peers" => Against::Peers,
                        (_, Some(s)) if s.as_str() == "mean" => Against::Mean,
                        _ => return None,
                    },
                };
                StdRule::Reference { against, tolerance: p("tolerance", Some(0.0))?? }
            }
            "quartile" => StdRule::Quartile,
            "trend" => {
                let n = to_int(p("n", Some(1.0))??)?.max(1);
                StdRule::Trend { n, flat: p("flat", Some(0.01))?? }
            }
            "trajectory" => {
                let baseline_period = match params.get("baseline_period") {
                    None => None,
                    Some(d) if d.is_unit() => None,
                    Some(d) => match (d.as_float(), d.read_lock::<rhai::ImmutableString>()) {
                        (Ok(x), _) => Some(to_int(x)?.to_string()),
                        (_, Some(s)) => Some(s.to_string()),
                        _ => return None,
                    },
                };
                StdRule::Trajectory { baseline: p("baseline", None)?, baseline_period, tolerance: p("tolerance", Some(0.0))?? }
            }
            "okr" => StdRule::Okr { baseline: p("baseline", None)? },
            _ => return None,
        })
    }

    /// The verdict the script would give, or `None` when the script must run to give it.
    pub(crate) fn run(&self, i: &Inputs, ctx: &IndicatorContext<'_>, lang: Language) -> Option<Outcome> {
        let say = Say { lang, unit: ctx.unit, decimals: ctx.decimals, higher: ctx.higher_is_better };
        let Some(value) = i.value else { return Some(Outcome::Status(verdict("no_data", tr!(say.lang, ("no value"), ("inget värde"))))) };
        let out = match self {
            StdRule::Target(tp) => target(tp, i, &say, value)?,
            StdRule::Reference { against, tolerance } => reference(against, *tolerance, i, &say, value),
            StdRule::Quartile => quartile(i, &say, value),
            StdRule::Trend { n, flat } => trend(*n, *flat, i, &say, value)?,
            StdRule::Trajectory { baseline, baseline_period, tolerance } => {
                trajectory(*baseline, baseline_period.as_deref(), *tolerance, i, ctx, &say, value)?
            }
            StdRule::Okr { baseline } => okr(*baseline, i, &say, value)?,
        };
        // The script's strings are capped by the sandbox; near the cap, let the script decide.
        if out.reason.as_ref().is_some_and(|r| r.len() > limits::MAX_STRING_SIZE / 4) {
            return None;
        }
        Some(Outcome::Status(out))
    }
}

/// `reference`: at least as good as the national value, the peers or a fixed value.
fn reference(against: &Against, tolerance: f64, i: &Inputs, say: &Say<'_>, value: f64) -> Verdict {
    let period = &i.period;
    let (reference, name) = match against {
        Against::National => (i.national, if say.sv() { "riket" } else { "the national value" }),
        Against::Peers => {
            (i.peers.as_ref().and_then(|p| p.mean), if say.sv() { "jämförelsegruppens genomsnitt" } else { "the peer average" })
        }
        Against::Mean => {
            (i.municipal_mean, if say.sv() { "kommunernas ovägda medel" } else { "the unweighted mean of the municipalities" })
        }
        Against::Fixed(x) => (Some(*x), if say.sv() { "referensvärdet" } else { "the reference value" }),
    };
    let Some(reference) = reference else {
        return verdict("no_data", tr!(say.lang, ("no value for {name} in {period}"), ("inget värde för {name} {period}")));
    };
    let s = shortfall(value, reference, say.higher);
    let (v, r) = (say.show(value), say.show(reference));
    if rhai_float::le(s, 0.0) {
        verdict("attained", tr!(say.lang, ("{v} is at least as good as {name} ({r})"), ("{v} är minst lika bra som {name} ({r})")))
    } else if rhai_float::le(s, tolerance) {
        let pct = say.fmt(tolerance * 100.0);
        verdict(
            "partly",
            tr!(
                say.lang,
                ("{v} is slightly worse than {name} ({r}), within {pct} %"),
                ("{v} är något sämre än {name} ({r}), inom {pct} %")
            ),
        )
    } else {
        verdict("not_attained", tr!(say.lang, ("{v} is worse than {name} ({r})"), ("{v} är sämre än {name} ({r})")))
    }
}

/// `quartile`: among the best or worst quarter of the municipalities.
fn quartile(i: &Inputs, say: &Say<'_>, value: f64) -> Verdict {
    let period = &i.period;
    let Some(percentile) = i.percentile else {
        return verdict(
            "no_data",
            tr!(say.lang, ("too few entities in the data for {period} to rank"), ("för få kommuner i data för {period} för att rangordna")),
        );
    };
    let (pos, v) = (say.fmt_d(percentile * 100.0, 0), say.show(value));
    if rhai_float::ge(percentile, 0.75) {
        verdict(
            "attained",
            tr!(say.lang, ("{v} is among the best 25 % (percentile {pos})"), ("{v} hör till de 25 % bästa (percentil {pos})")),
        )
    } else if rhai_float::le(percentile, 0.25) {
        verdict(
            "not_attained",
            tr!(say.lang, ("{v} is among the worst 25 % (percentile {pos})"), ("{v} hör till de 25 % sämsta (percentil {pos})")),
        )
    } else {
        verdict("partly", tr!(say.lang, ("{v} is in the middle half (percentile {pos})"), ("{v} ligger i mellanskiktet (percentil {pos})")))
    }
}

/// `trend`: better or worse than `n` periods before, or about unchanged.
fn trend(n: i64, flat: f64, i: &Inputs, say: &Say<'_>, value: f64) -> Option<Verdict> {
    let h = &i.history;
    if h.len() > MAX_HISTORY {
        return None;
    }
    if h.is_empty() {
        return Some(verdict("no_data", tr!(say.lang, ("no earlier value to compare with"), ("inget tidigare värde att jämföra med"))));
    }
    let steps = usize::try_from(n).map_or(h.len(), |n| n.min(h.len()));
    let base = &h[h.len() - steps];
    let s = shortfall(value, base.value, say.higher);
    let (v, b, since) = (say.show(value), say.show(base.value), &base.period);
    let out = if rhai_float::le(s.abs(), flat) {
        verdict(
            "partly",
            tr!(say.lang, ("{v} is about unchanged since {since} ({b})"), ("{v} är i stort sett oförändrat sedan {since} ({b})")),
        )
    } else if rhai_float::lt(s, 0.0) {
        verdict("attained", tr!(say.lang, ("{v} has improved since {since} ({b})"), ("{v} har förbättrats sedan {since} ({b})")))
    } else {
        verdict("not_attained", tr!(say.lang, ("{v} has worsened since {since} ({b})"), ("{v} har försämrats sedan {since} ({b})")))
    };
    Some(out)
}

/// `trajectory`: on the straight line from a baseline to the last target.
fn trajectory(
    baseline: Option<f64>,
    baseline_period: Option<&str>,
    tolerance: f64,
    i: &Inputs,
    ctx: &IndicatorContext<'_>,
    say: &Say<'_>,
    value: f64,
) -> Option<Verdict> {
    let period = &i.period;
    if i.history.len() > MAX_HISTORY {
        return None;
    }
    // The last target by period, as the script's `k > goal_period` finds it.
    let Some((goal_period, goal_value)) = ctx.targets.last_key_value() else {
        return Some(verdict("no_data", tr!(say.lang, ("the indicator has no target"), ("nyckeltalet saknar målvärde"))));
    };
    let (mut base_value, mut base_period) = (baseline, baseline_period);
    if base_value.is_none() || base_period.is_none() {
        if let Some(h) = i.history.iter().find(|h| base_period.is_none_or(|p| p == h.period)) {
            base_period = Some(&h.period);
            base_value = base_value.or(Some(h.value));
        }
    }
    let (Some(base_value), Some(base_period)) = (base_value, base_period) else {
        return Some(verdict("no_data", tr!(say.lang, ("no baseline value"), ("inget utgångsvärde"))));
    };
    // `parse_float(p.sub_string(0, 4))`: a period that is no year is the script's error.
    let year = |p: &str| p[..p.char_indices().nth(4).map_or(p.len(), |(at, _)| at)].trim().parse::<f64>().ok();
    let (y0, y1, y) = (year(base_period)?, year(goal_period)?, year(period)?);
    if rhai_float::le(y1, y0) {
        return None;
    }
    let line = base_value + (goal_value - base_value) * (y - y0) / (y1 - y0);
    let (v, g, l) = (say.show(value), say.show(*goal_value), say.show(line));
    let out = if say.at_least_as_good(value, line) {
        verdict(
            "attained",
            tr!(
                say.lang,
                ("{v} is on track towards {g} in {goal_period} (the line is at {l})"),
                ("{v} ligger i fas mot {g} år {goal_period} (linjen ligger på {l})")
            ),
        )
    } else if rhai_float::le(shortfall(value, line, say.higher), tolerance) {
        verdict(
            "partly",
            tr!(
                say.lang,
                ("{v} is slightly behind the line towards {g} in {goal_period} ({l})"),
                ("{v} ligger något efter linjen mot {g} år {goal_period} ({l})")
            ),
        )
    } else {
        verdict(
            "not_attained",
            tr!(
                say.lang,
                ("{v} is behind the line towards {g} in {goal_period} ({l})"),
                ("{v} ligger efter linjen mot {g} år {goal_period} ({l})")
            ),
        )
    };
    Some(out)
}

/// `okr`: the share of the way from a baseline to the target, as a score.
fn okr(baseline: Option<f64>, i: &Inputs, say: &Say<'_>, value: f64) -> Option<Verdict> {
    let period = &i.period;
    let Some(target) = i.target else {
        return Some(verdict("no_data", tr!(say.lang, ("no target for {period}"), ("inget målvärde för {period}"))));
    };
    let Some(baseline) = baseline.or_else(|| i.history.first().map(|h| h.value)) else {
        return Some(verdict("no_data", tr!(say.lang, ("no baseline value"), ("inget utgångsvärde"))));
    };
    if rhai_float::eq(target, baseline) {
        return None; // the script throws
    }
    let raw = (value - baseline) / (target - baseline);
    // As the `clamp` helper: NaN passes through.
    let score = raw.clamp(0.0, 1.0);
    let (sc, b, t) = (say.fmt_d(score, 2), say.show(baseline), say.show(target));
    let why = tr!(say.lang, ("score {sc} from {b} towards {t}"), ("poäng {sc} från {b} mot {t}"));
    let status = if rhai_float::ge(score, 0.7) {
        "attained"
    } else if rhai_float::ge(score, 0.4) {
        "partly"
    } else {
        "not_attained"
    };
    let out = verdict(status, why);
    Some(out)
}
