//! Native twins of the std rules and aggregations: the same judgement as `rules/std/*.rhai`,
//! without the interpreter. The Rhai scripts stay the specification (they are what users read, copy and
//! test against); a twin only answers where its result is the script's, byte for byte, reason
//! included, and otherwise steps aside so the script runs and reports the problem itself (a
//! param of the wrong type, a `throw`, a history long enough to meet a sandbox limit).
//!
//! This is CPython's accelerator-module pattern (PEP 399: `heapq`/`_heapq`): one reference
//! implementation, one fast one, and tests that run both. The tests in this module compare the
//! twins with the scripts on every std rule test case and on generated inputs.

use crate::model::Language;
use crate::rules::{AggregationInput, IndicatorContext, Inputs, Verdict, assessed, format_number, limits, shortfall, with_unit};
use rhai::{Dynamic, Map};

/// A std rule with its params read once, when the plan is built.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StdRule {
    Target { tolerance: f64 },
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
    Fixed(f64),
}

/// Histories longer than this are left to the script, whose array and operation limits decide.
const MAX_HISTORY: usize = 1_000;

/// A param the script reads as `params.NAME ?? default`: absent is the default, a float is
/// itself, anything else is the script's business (`None`). TOML integers arrive as floats.
fn float_param(params: &Map, name: &str, default: Option<f64>) -> Option<Option<f64>> {
    match params.get(name) {
        None => Some(default),
        Some(d) if d.is_unit() => Some(default),
        Some(d) => d.as_float().ok().map(Some),
    }
}

/// Rhai's `to_int()` of a float: out of range is an error (the script's), else truncation.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn to_int(x: f64) -> Option<i64> {
    if x > i64::MAX as f64 || x < i64::MIN as f64 { None } else { Some(x.trunc() as i64) }
}

/// Float comparisons as a checked Rhai build makes them: relative to the larger magnitude,
/// within `f64::EPSILON` counts as equal (rhai `func/builtin.rs`). Only comparisons the scripts
/// write as operators use these; the helpers (`better`, `at_least_as_good`) compare exactly.
mod rhai_float {
    fn scale(x: f64, y: f64) -> f64 {
        if x * y == 0.0 { 1.0 } else { x.abs().max(y.abs()) }
    }
    pub fn le(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (y - x) / max > -f64::EPSILON
    }
    pub fn ge(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (x - y) / max > -f64::EPSILON
    }
    pub fn lt(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max != 0.0 && (y - x) / max > f64::EPSILON
    }
    pub fn eq(x: f64, y: f64) -> bool {
        let max = scale(x, y);
        max == 0.0 || (x - y).abs() / max <= f64::EPSILON
    }
}

impl StdRule {
    /// The twin of std rule `name` with these params; `None` when the script must run.
    pub(crate) fn new(name: &str, params: &Dynamic) -> Option<StdRule> {
        let params = params.read_lock::<Map>()?;
        let p = |n: &str, d: Option<f64>| float_param(&params, n, d);
        Some(match name {
            "target" => StdRule::Target { tolerance: p("tolerance", Some(0.05))?? },
            "reference" => {
                let against = match params.get("against") {
                    None => Against::National,
                    Some(d) if d.is_unit() => Against::National,
                    Some(d) => match (d.as_float(), d.read_lock::<rhai::ImmutableString>()) {
                        (Ok(x), _) => Against::Fixed(x),
                        (_, Some(s)) if s.as_str() == "national" => Against::National,
                        (_, Some(s)) if s.as_str() == "peers" => Against::Peers,
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
    pub(crate) fn run(&self, i: &Inputs, ctx: &IndicatorContext<'_>, lang: Language) -> Option<Verdict> {
        let show = |x: f64| with_unit(format_number(Some(x), ctx.decimals, lang), ctx.unit);
        let fmt = |x: f64| format_number(Some(x), ctx.decimals, lang);
        let fmt_d = |x: f64, d: u32| format_number(Some(x), Some(d), lang);
        let sv = lang == Language::Sv;
        // `tr(en, sv)`: only the plan's language is formatted.
        macro_rules! tr {
            (($($en:tt)*), ($($sv:tt)*)) => { if sv { format!($($sv)*) } else { format!($($en)*) } };
        }
        let higher = ctx.higher_is_better;
        let at_least_as_good = |a: f64, b: f64| if higher { a >= b } else { a <= b };
        let better = |a: f64, b: f64| if higher { a > b } else { a < b };
        let Some(value) = i.value else { return Some(verdict("no_data", tr!(("no value"), ("inget värde")))) };
        let period = &i.period;
        let out = match self {
            StdRule::Target { tolerance } => {
                let Some(target) = i.target else {
                    return Some(verdict("no_data", tr!(("no target for {period}"), ("inget målvärde för {period}"))));
                };
                let (v, t) = (show(value), show(target));
                if at_least_as_good(value, target) {
                    verdict("attained", tr!(("{v} reaches the target {t}"), ("{v} når målet {t}")))
                } else if rhai_float::le(shortfall(value, target, higher), *tolerance) {
                    let pct = fmt(tolerance * 100.0);
                    verdict("partly", tr!(("{v} is within {pct} % of the target {t}"), ("{v} är inom {pct} % från målet {t}")))
                } else if let Some(previous) = i.previous.filter(|p| better(value, *p)) {
                    let p = show(previous);
                    verdict(
                        "partly",
                        tr!(
                            ("{v} is short of the target {t} but better than before ({p})"),
                            ("{v} når inte målet {t} men är bättre än föregående ({p})")
                        ),
                    )
                } else {
                    verdict("not_attained", tr!(("{v} is short of the target {t}"), ("{v} når inte målet {t}")))
                }
            }
            StdRule::Reference { against, tolerance } => {
                let (reference, name) = match against {
                    Against::National => (i.national, if sv { "riket" } else { "the national value" }),
                    Against::Peers => {
                        (i.peers.as_ref().and_then(|p| p.mean), if sv { "jämförelsegruppens genomsnitt" } else { "the peer average" })
                    }
                    Against::Fixed(x) => (Some(*x), if sv { "referensvärdet" } else { "the reference value" }),
                };
                let Some(reference) = reference else {
                    return Some(verdict("no_data", tr!(("no value for {name} in {period}"), ("inget värde för {name} {period}"))));
                };
                let s = shortfall(value, reference, higher);
                let (v, r) = (show(value), show(reference));
                if rhai_float::le(s, 0.0) {
                    verdict("attained", tr!(("{v} is at least as good as {name} ({r})"), ("{v} är minst lika bra som {name} ({r})")))
                } else if rhai_float::le(s, *tolerance) {
                    let pct = fmt(tolerance * 100.0);
                    verdict(
                        "partly",
                        tr!(
                            ("{v} is slightly worse than {name} ({r}), within {pct} %"),
                            ("{v} är något sämre än {name} ({r}), inom {pct} %")
                        ),
                    )
                } else {
                    verdict("not_attained", tr!(("{v} is worse than {name} ({r})"), ("{v} är sämre än {name} ({r})")))
                }
            }
            StdRule::Quartile => {
                let Some(percentile) = i.percentile else {
                    return Some(verdict(
                        "no_data",
                        tr!(
                            ("too few entities in the data for {period} to rank"),
                            ("för få kommuner i data för {period} för att rangordna")
                        ),
                    ));
                };
                let (pos, v) = (fmt_d(percentile * 100.0, 0), show(value));
                if rhai_float::ge(percentile, 0.75) {
                    verdict(
                        "attained",
                        tr!(("{v} is among the best 25 % (percentile {pos})"), ("{v} hör till de 25 % bästa (percentil {pos})")),
                    )
                } else if rhai_float::le(percentile, 0.25) {
                    verdict(
                        "not_attained",
                        tr!(("{v} is among the worst 25 % (percentile {pos})"), ("{v} hör till de 25 % sämsta (percentil {pos})")),
                    )
                } else {
                    verdict(
                        "partly",
                        tr!(("{v} is in the middle half (percentile {pos})"), ("{v} ligger i mellanskiktet (percentil {pos})")),
                    )
                }
            }
            StdRule::Trend { n, flat } => {
                let h = &i.history;
                if h.len() > MAX_HISTORY {
                    return None;
                }
                if h.is_empty() {
                    return Some(verdict("no_data", tr!(("no earlier value to compare with"), ("inget tidigare värde att jämföra med"))));
                }
                let steps = usize::try_from(*n).map_or(h.len(), |n| n.min(h.len()));
                let base = &h[h.len() - steps];
                let s = shortfall(value, base.value, higher);
                let (v, b, since) = (show(value), show(base.value), &base.period);
                if rhai_float::le(s.abs(), *flat) {
                    verdict(
                        "partly",
                        tr!(("{v} is about unchanged since {since} ({b})"), ("{v} är i stort sett oförändrat sedan {since} ({b})")),
                    )
                } else if rhai_float::lt(s, 0.0) {
                    verdict("attained", tr!(("{v} has improved since {since} ({b})"), ("{v} har förbättrats sedan {since} ({b})")))
                } else {
                    verdict("not_attained", tr!(("{v} has worsened since {since} ({b})"), ("{v} har försämrats sedan {since} ({b})")))
                }
            }
            StdRule::Trajectory { baseline, baseline_period, tolerance } => {
                if i.history.len() > MAX_HISTORY {
                    return None;
                }
                // The last target by period, as the script's `k > goal_period` finds it.
                let Some((goal_period, goal_value)) = ctx.targets.last_key_value() else {
                    return Some(verdict("no_data", tr!(("the indicator has no target"), ("nyckeltalet saknar målvärde"))));
                };
                let (mut base_value, mut base_period) = (*baseline, baseline_period.as_deref());
                if base_value.is_none() || base_period.is_none() {
                    if let Some(h) = i.history.iter().find(|h| base_period.is_none_or(|p| p == h.period)) {
                        base_period = Some(&h.period);
                        base_value = base_value.or(Some(h.value));
                    }
                }
                let (Some(base_value), Some(base_period)) = (base_value, base_period) else {
                    return Some(verdict("no_data", tr!(("no baseline value"), ("inget utgångsvärde"))));
                };
                // `parse_float(p.sub_string(0, 4))`: a period that is no year is the script's error.
                let year = |p: &str| p[..p.char_indices().nth(4).map_or(p.len(), |(at, _)| at)].trim().parse::<f64>().ok();
                let (y0, y1, y) = (year(base_period)?, year(goal_period)?, year(period)?);
                if rhai_float::le(y1, y0) {
                    return None;
                }
                let line = base_value + (goal_value - base_value) * (y - y0) / (y1 - y0);
                let (v, g, l) = (show(value), show(*goal_value), show(line));
                if at_least_as_good(value, line) {
                    verdict(
                        "attained",
                        tr!(
                            ("{v} is on track towards {g} in {goal_period} (the line is at {l})"),
                            ("{v} ligger i fas mot {g} år {goal_period} (linjen ligger på {l})")
                        ),
                    )
                } else if rhai_float::le(shortfall(value, line, higher), *tolerance) {
                    verdict(
                        "partly",
                        tr!(
                            ("{v} is slightly behind the line towards {g} in {goal_period} ({l})"),
                            ("{v} ligger något efter linjen mot {g} år {goal_period} ({l})")
                        ),
                    )
                } else {
                    verdict(
                        "not_attained",
                        tr!(
                            ("{v} is behind the line towards {g} in {goal_period} ({l})"),
                            ("{v} ligger efter linjen mot {g} år {goal_period} ({l})")
                        ),
                    )
                }
            }
            StdRule::Okr { baseline } => {
                let Some(target) = i.target else {
                    return Some(verdict("no_data", tr!(("no target for {period}"), ("inget målvärde för {period}"))));
                };
                let Some(baseline) = baseline.or_else(|| i.history.first().map(|h| h.value)) else {
                    return Some(verdict("no_data", tr!(("no baseline value"), ("inget utgångsvärde"))));
                };
                if rhai_float::eq(target, baseline) {
                    return None; // the script throws
                }
                let raw = (value - baseline) / (target - baseline);
                // As the `clamp` helper: NaN passes through.
                let score = raw.clamp(0.0, 1.0);
                let (sc, b, t) = (fmt_d(score, 2), show(baseline), show(target));
                let why = tr!(("score {sc} from {b} towards {t}"), ("poäng {sc} från {b} mot {t}"));
                let status = if rhai_float::ge(score, 0.7) {
                    "attained"
                } else if rhai_float::ge(score, 0.4) {
                    "partly"
                } else {
                    "not_attained"
                };
                verdict(status, why)
            }
        };
        // The script's strings are capped by the sandbox; near the cap, let the script decide.
        if out.reason.as_ref().is_some_and(|r| r.len() > limits::MAX_STRING_SIZE / 4) {
            return None;
        }
        Some(out)
    }
}

/// A std goal aggregation with its params read once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StdAggregation {
    Share { attained_share: f64, partly_share: f64 },
    MajorityImproving { partly_share: f64 },
    MeanScore,
    Worst,
}

impl StdAggregation {
    /// The twin of std aggregation `name` with these params; `None` when the script must run.
    pub(crate) fn new(name: &str, params: &Dynamic) -> Option<StdAggregation> {
        let params = params.read_lock::<Map>()?;
        let p = |n: &str, d: f64| float_param(&params, n, Some(d)).flatten();
        Some(match name {
            "share" => StdAggregation::Share { attained_share: p("attained_share", 0.75)?, partly_share: p("partly_share", 0.4)? },
            "majority_improving" => StdAggregation::MajorityImproving { partly_share: p("partly_share", 0.25)? },
            "mean_score" => StdAggregation::MeanScore,
            "worst" => StdAggregation::Worst,
            _ => return None,
        })
    }

    /// The verdict the script would give, or `None` when the script must run to give it.
    pub(crate) fn run(&self, input: &AggregationInput<'_>, lang: Language) -> Option<Verdict> {
        let sv = lang == Language::Sv;
        macro_rules! tr {
            (($($en:tt)*), ($($sv:tt)*)) => { if sv { format!($($sv)*) } else { format!($($en)*) } };
        }
        let all = || input.indicators.iter().chain(input.assignments).chain(input.children);
        let nothing = || verdict("no_data", tr!(("nothing could be assessed"), ("inget kunde bedömas")));
        let graded = |s: f64, attained: f64, partly: f64, why: String| {
            let status = if rhai_float::ge(s, attained) {
                "attained"
            } else if rhai_float::ge(s, partly) {
                "partly"
            } else {
                "not_attained"
            };
            verdict(status, why)
        };
        Some(match self {
            StdAggregation::Share { attained_share, partly_share } => {
                // The `share` and `count` helpers, in the script's order.
                let (mut hit, mut weight) = (0.0, 0.0);
                for p in all().filter(|p| assessed(&p.status)) {
                    weight += p.weight;
                    if p.status == "attained" {
                        hit += p.weight;
                    }
                }
                if weight == 0.0 {
                    return Some(nothing());
                }
                let s = hit / weight;
                let n = all().filter(|p| p.status == "attained").count();
                let judged = all().count() - all().filter(|p| p.status == "no_data" || p.status == "error").count();
                let pct = format_number(Some(s * 100.0), Some(0), lang);
                let why = tr!(("{n} of {judged} assessed are attained ({pct} %)"), ("{n} av {judged} bedömda är uppfyllda ({pct} %)"));
                graded(s, *attained_share, *partly_share, why)
            }
            StdAggregation::MajorityImproving { partly_share } => {
                let known = input.indicators.iter().filter(|p| p.improving.is_some()).count();
                if known == 0 {
                    return Some(verdict(
                        "no_data",
                        tr!(("no indicator has two values to compare"), ("inget nyckeltal har två värden att jämföra")),
                    ));
                }
                let up = input.indicators.iter().filter(|p| p.improving == Some(true)).count();
                #[allow(clippy::cast_precision_loss)]
                let s = up as f64 / known as f64;
                let why = tr!(("{up} of {known} indicators move the right way"), ("{up} av {known} nyckeltal rör sig åt rätt håll"));
                graded(s, 0.5, *partly_share, why)
            }
            StdAggregation::MeanScore => {
                let (mut sum, mut weight) = (0.0, 0.0);
                for p in all().filter(|p| assessed(&p.status)) {
                    if let Some(score) = p.score {
                        sum += p.weight * score;
                        weight += p.weight;
                    }
                }
                if weight == 0.0 {
                    return Some(nothing());
                }
                let m = sum / weight;
                // The script returns the bare score; out of 0..1 is the script's error to report.
                if !(m.is_finite() && (0.0..=1.0).contains(&m)) {
                    return None;
                }
                Verdict { status: String::new(), reason: None, score: Some(m) }
            }
            StdAggregation::Worst => {
                let mut worst: Option<(f64, &str)> = None;
                for p in all().filter(|p| assessed(&p.status)) {
                    if let Some(score) = p.score {
                        if worst.is_none_or(|(w, _)| score < w) {
                            worst = Some((score, &p.status));
                        }
                    }
                }
                let Some((_, status)) = worst else { return Some(nothing()) };
                verdict(status, tr!(("the worst assessed part is {status}"), ("den sämst bedömda delen är {status}")))
            }
        })
    }
}

fn verdict(status: &str, reason: String) -> Verdict {
    Verdict::new(status, Some(reason))
}

#[cfg(test)]
thread_local! {
    static SCRIPTS_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether twins answer; tests turn them off to run the scripts they are compared with.
#[cfg(not(test))]
pub(crate) const fn enabled() -> bool {
    true
}

#[cfg(test)]
pub(crate) fn enabled() -> bool {
    !SCRIPTS_ONLY.get()
}

#[cfg(test)]
mod tests {
    use super::{SCRIPTS_ONLY, StdRule};
    use crate::model::{Language, PeerStats, PeriodValue};
    use crate::rules::{self, IndicatorContext, Inputs, STD_RULES};
    use crate::{Plan, PlanFiles, TestReport};

    fn with_scripts_only<T>(f: impl FnOnce() -> T) -> T {
        SCRIPTS_ONLY.set(true);
        let out = f();
        SCRIPTS_ONLY.set(false);
        out
    }

    fn run_tests(path: &str) -> TestReport {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
        crate::run_rule_tests(&dir).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Every std rule test case, and the Östersund plan's, gives the same status and reason
    /// from the twins as from the scripts.
    #[test]
    fn rule_test_cases_agree_between_scripts_and_twins() {
        for path in ["rules/std", "rules/ostersund-2023"] {
            let twins = run_tests(path);
            let scripts = with_scripts_only(|| run_tests(path));
            assert!(twins.cases.len() > 100, "{path}: only {} cases", twins.cases.len());
            assert_eq!(twins.failed, 0, "{path}: {:?}", twins.cases.iter().find(|c| !c.passed));
            assert_eq!(scripts.failed, 0, "{path}: {:?}", scripts.cases.iter().find(|c| !c.passed));
            for (t, s) in twins.cases.iter().zip(&scripts.cases) {
                assert_eq!((&t.name, &t.reason), (&s.name, &s.reason), "{path}: {}:{}", t.file, t.line);
            }
        }
    }

    /// Generated inputs from `check`'s reproducible generator.
    struct Rng(crate::testing::Rng);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            (self.0.next_u64() % n as u64) as usize
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
        fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
            &xs[self.below(xs.len())]
        }
        /// A number as data has them: small and round, sometimes one of `near` exactly.
        fn number(&mut self, near: &[f64]) -> f64 {
            if !near.is_empty() && self.chance(20) {
                return *self.pick(near);
            }
            let scale = *self.pick(&[1.0, 10.0, 100.0, 1000.0]);
            let x = (self.below(200_001) as f64 - 50_000.0) / scale;
            *self.pick(&[x, x, x, 0.0, 1e7 + x, -x])
        }
    }

    fn param(rng: &mut Rng, name: &str) -> Option<toml::Value> {
        use toml::Value::{Boolean, Float, Integer, String};
        if rng.chance(40) {
            return None;
        }
        Some(match rng.below(10) {
            0 => String((*rng.pick(&["national", "peers", "2019", "2019-T1", "x", ""])).into()),
            1 => Boolean(rng.chance(50)),
            2 => Integer(*rng.pick(&[0, 1, 2, 3, -1, 2019, 2030])),
            3 if name == "baseline_period" => String((*rng.pick(&["2019", "2020", "2021-T1", "20x1"])).into()),
            4 => Float(*rng.pick(&[f64::NAN, f64::INFINITY, 1e300, 2019.0, 2.7])),
            _ => Float(rng.number(&[0.0, 0.05, 0.1, 0.5])),
        })
    }

    /// On generated inputs and params, a twin that answers gives the script's verdict (status and
    /// reason, after the scale check), and twins answer for the well-typed inputs.
    #[test]
    fn twins_agree_with_scripts_on_generated_inputs() {
        let mut rng = Rng(crate::testing::Rng(0x5EED_1234_ABCD_0001));
        let params_of = |rule: &str| -> &[&str] {
            match rule {
                "target" => &["tolerance"],
                "reference" => &["against", "tolerance"],
                "trend" => &["n", "flat"],
                "trajectory" => &["baseline", "baseline_period", "tolerance"],
                "okr" => &["baseline"],
                _ => &[],
            }
        };
        for lang in ["en", "sv"] {
            let plan_toml = format!("[plan]\nid = \"p\"\ntitle = \"P\"\nlanguage = \"{lang}\"\n");
            let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan_toml)])).unwrap();
            let language = if lang == "sv" { Language::Sv } else { Language::En };
            assert_eq!(plan.language, language);
            for (name, source) in STD_RULES {
                let rule = plan.engine.compile(name, source, &format!("std/{name}.rhai")).unwrap();
                let (mut answered, mut statuses) = (0, std::collections::BTreeSet::new());
                let cases = 3_000;
                for _ in 0..cases {
                    let mut table = toml::Table::new();
                    for p in params_of(name) {
                        if let Some(v) = param(&mut rng, p) {
                            table.insert((*p).to_string(), v);
                        }
                    }
                    let params = rules::params_to_dynamic(&table).into_shared();
                    let value = (!rng.chance(5)).then(|| rng.number(&[]));
                    let near: Vec<f64> = value.into_iter().collect();
                    let periods = ["2015", "2018", "2019", "2020", "2021-T1", "2022", "2025", "2030", "20x0"];
                    let mut history: Vec<PeriodValue> = (0..rng.below(5))
                        .map(|_| PeriodValue { period: (*rng.pick(&periods[..8])).into(), value: rng.number(&near) })
                        .collect();
                    history.sort_by(|a, b| a.period.cmp(&b.period));
                    let mut targets = std::collections::BTreeMap::new();
                    for _ in 0..rng.below(3) {
                        targets.insert((*rng.pick(&periods)).to_string(), rng.number(&near));
                    }
                    let inputs = Inputs {
                        value,
                        target: (!rng.chance(15)).then(|| rng.number(&near)),
                        previous: history.last().map(|h| h.value).or_else(|| rng.chance(20).then(|| rng.number(&near))),
                        history,
                        national: (!rng.chance(15)).then(|| rng.number(&near)),
                        peers: (!rng.chance(15)).then(|| {
                            let mut p = PeerStats::from_values((0..rng.below(4)).map(|_| rng.number(&near)).collect());
                            if rng.chance(30) {
                                p.mean = Some(rng.number(&near));
                            }
                            p
                        }),
                        percentile: (!rng.chance(10)).then(|| *rng.pick(&[0.0, 0.25, 0.5, 0.75, 1.0, 0.2468, 0.8123])),
                        women: None,
                        men: None,
                        period: (*rng.pick(&["2023", "2024-T2", "2023", "x"])).into(),
                    };
                    let unit = *rng.pick(&["", "%", "kr", "st/1000 inv"]);
                    let decimals = *rng.pick(&[None, None, Some(0), Some(1), Some(3)]);
                    let info = rules::info_map("I", "Indicator", unit);
                    let twin = StdRule::new(name, &params);
                    let ctx = IndicatorContext {
                        higher_is_better: rng.chance(50),
                        targets: &targets,
                        unit,
                        decimals,
                        params: &params,
                        info: &info,
                        rhai_targets: &rules::targets_map(&targets),
                        native: None,
                    };
                    let script = plan.engine.run_indicator(&rule, &inputs, &ctx).and_then(|v| plan.checked_verdict(name, v));
                    let Some(twin_verdict) = twin.as_ref().and_then(|t| t.run(&inputs, &ctx, language)) else { continue };
                    answered += 1;
                    let twin_verdict = plan.checked_verdict(name, twin_verdict);
                    assert_eq!(
                        twin_verdict.as_ref().map_err(|e| e.to_string()),
                        script.as_ref().map_err(|e| e.to_string()),
                        "{name} ({lang}) with params {table:?}, unit {unit:?}, decimals {decimals:?} on {inputs:#?}"
                    );
                    statuses.insert(script.map(|v| v.status).unwrap_or_default());
                }
                // Not vacuous: most generated cases are well typed and the twin answers them,
                // reaching every level.
                assert!(answered * 2 > cases, "{name} ({lang}): the twin answered {answered} of {cases}");
                for s in ["attained", "partly", "not_attained", "no_data"] {
                    assert!(statuses.contains(s), "{name} ({lang}): no generated case gave {s}: {statuses:?}");
                }
            }
        }
    }

    /// The same for the std aggregations, on generated goals (parts of every kind and status,
    /// weights, improving or not) and params.
    #[test]
    fn aggregation_twins_agree_with_scripts_on_generated_goals() {
        use super::StdAggregation;
        use crate::rules::{AggregationInput, Part, PartKind, STD_AGGREGATIONS};
        let mut rng = Rng(crate::testing::Rng(0x5EED_0000_0000_0A66));
        for lang in ["en", "sv"] {
            let plan_toml = format!("[plan]\nid = \"p\"\ntitle = \"P\"\nlanguage = \"{lang}\"\n");
            let plan = Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan_toml)])).unwrap();
            for (name, source) in STD_AGGREGATIONS {
                let rule = plan.engine.compile(name, source, &format!("std/{name}.rhai")).unwrap();
                let (mut answered, mut statuses) = (0, std::collections::BTreeSet::new());
                let cases = 2_000;
                for _ in 0..cases {
                    let mut table = toml::Table::new();
                    for p in ["attained_share", "partly_share"] {
                        if *name != "mean_score" && *name != "worst" && (*name == "share" || p == "partly_share") {
                            if let Some(v) = param(&mut rng, p) {
                                table.insert(p.to_string(), v);
                            }
                        }
                    }
                    let params = rules::params_to_dynamic(&table);
                    let mut parts = |kind: PartKind| -> Vec<Part> {
                        (0..rng.below(5))
                            .map(|i| {
                                let status = *rng.pick(&["attained", "partly", "not_attained", "no_data", "error"]);
                                let score = plan.scale.level(status).and_then(|l| l.score);
                                let weight = *rng.pick(&[1.0, 1.0, 0.5, 2.0, 0.0, 3.5]);
                                let value = Some(rng.number(&[]));
                                let improving = *rng.pick(&[None, Some(true), Some(false)]);
                                Part { value, improving, ..Part::new(kind, &format!("p{i}"), status, score, weight) }
                            })
                            .collect()
                    };
                    let (indicators, assignments, children) =
                        (parts(PartKind::Indicator), parts(PartKind::Assignment), parts(PartKind::Goal));
                    let input =
                        AggregationInput { indicators: &indicators, assignments: &assignments, children: &children, params: &params };
                    let script = plan.engine.run_aggregation(&rule, &input).and_then(|v| plan.checked_verdict(name, v));
                    let twin = StdAggregation::new(name, &params);
                    let Some(twin_verdict) = twin.as_ref().and_then(|t| t.run(&input, plan.language)) else { continue };
                    answered += 1;
                    assert_eq!(
                        plan.checked_verdict(name, twin_verdict).map_err(|e| e.to_string()),
                        script.clone().map_err(|e| e.to_string()),
                        "{name} ({lang}) with params {table:?} on {input:#?}",
                        input = (&indicators, &assignments, &children)
                    );
                    statuses.insert(script.map(|v| v.status).unwrap_or_default());
                }
                assert!(answered * 2 > cases, "{name} ({lang}): the twin answered {answered} of {cases}");
                for s in ["attained", "partly", "not_attained", "no_data"] {
                    assert!(statuses.contains(s), "{name} ({lang}): no generated goal gave {s}: {statuses:?}");
                }
            }
        }
    }

    /// The twins exist for every std rule with its default params and step aside for params of
    /// the wrong type.
    #[test]
    fn twins_read_params_as_the_scripts_do() {
        let empty = rules::params_to_dynamic(&toml::Table::new());
        for (name, _) in STD_RULES {
            assert!(StdRule::new(name, &empty).is_some(), "{name}");
        }
        for (name, _) in rules::STD_AGGREGATIONS {
            assert!(super::StdAggregation::new(name, &empty).is_some(), "{name}");
        }
        let with = |k: &str, v: toml::Value| rules::params_to_dynamic(&toml::Table::from_iter([(k.to_string(), v)]));
        assert_eq!(StdRule::new("target", &with("tolerance", toml::Value::String("x".into()))), None);
        assert_eq!(StdRule::new("reference", &with("against", toml::Value::String("kommuner".into()))), None);
        assert_eq!(StdRule::new("trend", &with("n", toml::Value::Float(1e30))), None);
        assert_eq!(
            StdRule::new("trend", &with("n", toml::Value::Integer(0))),
            Some(StdRule::Trend { n: 1, flat: 0.01 }),
            "n < 1 is 1, as in the script"
        );
        assert_eq!(
            StdRule::new("trajectory", &with("baseline_period", toml::Value::Float(2019.0))),
            Some(StdRule::Trajectory { baseline: None, baseline_period: Some("2019".into()), tolerance: 0.0 })
        );
        assert_eq!(StdRule::new("no-such-rule", &empty), None);
    }
}
