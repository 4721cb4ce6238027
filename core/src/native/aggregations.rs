//! The native twins of the std goal aggregations: `share`, `majority_improving`, `mean_score`, `worst`.

use super::{float_param, rhai_float, verdict};
use crate::judgement::{AggregationInput, Outcome, Verdict, assessed};
use crate::locale::format_number;
use crate::model::Language;
use rhai::{Dynamic, Map};

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
    pub(crate) fn run(&self, input: &AggregationInput<'_>, lang: Language) -> Option<Outcome> {
        let all = || input.all();
        Some(Outcome::Status(match self {
            StdAggregation::Share { attained_share, partly_share } => share(input, *attained_share, *partly_share, lang),
            StdAggregation::MajorityImproving { partly_share } => {
                let known = input.indicators.iter().filter(|p| p.improving.is_some()).count();
                if known == 0 {
                    return Some(Outcome::Status(verdict(
                        "no_data",
                        tr!(lang, ("no indicator has two values to compare"), ("inget nyckeltal har två värden att jämföra")),
                    )));
                }
                let up = input.indicators.iter().filter(|p| p.improving == Some(true)).count();
                #[allow(clippy::cast_precision_loss)]
                let s = up as f64 / known as f64;
                let why = tr!(lang, ("{up} of {known} indicators move the right way"), ("{up} av {known} nyckeltal rör sig åt rätt håll"));
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
                    return Some(Outcome::Status(nothing(lang)));
                }
                let m = sum / weight;
                // The script returns the bare score; out of 0..1 is the script's error to report.
                if !(m.is_finite() && (0.0..=1.0).contains(&m)) {
                    return None;
                }
                return Some(Outcome::Score(m));
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
                let Some((_, status)) = worst else { return Some(Outcome::Status(nothing(lang))) };
                verdict(status, tr!(lang, ("the worst assessed part is {status}"), ("den sämst bedömda delen är {status}")))
            }
        }))
    }
}

/// `share`: the weighted share of assessed parts that are attained, graded by two thresholds.
fn share(input: &AggregationInput<'_>, attained_share: f64, partly_share: f64, lang: Language) -> Verdict {
    // The `share` and `count` helpers, in the script's order.
    let (mut hit, mut weight) = (0.0, 0.0);
    for p in input.all().filter(|p| assessed(&p.status)) {
        weight += p.weight;
        if p.status == "attained" {
            hit += p.weight;
        }
    }
    if weight == 0.0 {
        return nothing(lang);
    }
    let s = hit / weight;
    let n = input.all().filter(|p| p.status == "attained").count();
    let judged = input.all().count() - input.all().filter(|p| p.status == "no_data" || p.status == "error").count();
    let pct = format_number(Some(s * 100.0), Some(0), lang);
    // Number agreement, word for word the script's.
    let (is, uppfyllda, bedomda) =
        (if n == 1 { "is" } else { "are" }, if n == 1 { "uppfyllt" } else { "uppfyllda" }, if judged == 1 { "bedömt" } else { "bedömda" });
    let why = tr!(lang, ("{n} of {judged} assessed {is} attained ({pct} %)"), ("{n} av {judged} {bedomda} är {uppfyllda} ({pct} %)"));
    graded(s, attained_share, partly_share, why)
}

fn nothing(lang: Language) -> Verdict {
    verdict("no_data", tr!(lang, ("nothing could be assessed"), ("inget kunde bedömas")))
}

fn graded(s: f64, attained: f64, partly: f64, why: String) -> Verdict {
    let status = if rhai_float::ge(s, attained) {
        "attained"
    } else if rhai_float::ge(s, partly) {
        "partly"
    } else {
        "not_attained"
    };
    verdict(status, why)
}
