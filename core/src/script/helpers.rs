//! The helper library rules call: statuses, `tr`, display, polarity-aware comparisons, numbers and lists.

use super::RunState;
use super::values::opt_f64;
use crate::judgement::{Verdict, assessed, shortfall};
use crate::locale::{format_number, with_unit};
use crate::model::Language;
use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext};

/// Registers every helper on the plan's engine.
pub(crate) fn register(engine: &mut Engine, lang: Language) {
    statuses(engine);
    translation(engine, lang);
    display(engine, lang);
    polarity(engine);
    arithmetic(engine);
    aggregation(engine);
}

/// `attained()`, `partly(reason)`, `status("id", reason)`, … and the `Status` type they return.
fn statuses(engine: &mut Engine) {
    engine.register_type_with_name::<Verdict>("Status");
    engine.register_get("status", |v: &mut Verdict| ImmutableString::from(v.status.as_str()));
    engine.register_get("reason", |v: &mut Verdict| v.reason.clone().map_or(Dynamic::UNIT, Dynamic::from));
    engine.register_get("measures", |v: &mut Verdict| super::values::measures_map(&v.measures));
    for id in ["attained", "partly", "not_attained", "no_data"] {
        engine.register_fn(id, move || verdict(id, None));
        engine.register_fn(id, move |r: ImmutableString| verdict(id, Some(r)));
    }
    engine.register_fn("status", |id: ImmutableString| verdict(&id, None));
    engine.register_fn("status", |id: ImmutableString, r: ImmutableString| verdict(&id, Some(r)));
    engine.register_fn("measure", with_measure);
}

/// `verdict.measure("score", 3.2)`: the verdict with one named figure more. A name is a letter
/// then letters, digits or `_`; a value a finite number; each name once per verdict.
fn with_measure(mut v: Verdict, name: ImmutableString, x: Dynamic) -> Result<Verdict, Box<EvalAltResult>> {
    let (max_count, max_len) = crate::sandbox::limits::MAX_MEASURES;
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed || name.len() > max_len {
        let shown: String = name.chars().take(max_len).collect();
        return Err(
            format!("measure name `{shown}` is not a letter followed by letters, digits or `_` (at most {max_len} characters)").into()
        );
    }
    let value = opt_f64(&x).ok_or_else(|| format!("measure `{name}` must be a number, got `{}`", x.type_name()))?;
    if !value.is_finite() {
        return Err(format!("measure `{name}` is {value}; a measure must be a finite number").into());
    }
    if v.measures.contains_key(name.as_str()) {
        return Err(format!("measure `{name}` is set twice").into());
    }
    if v.measures.len() >= max_count {
        return Err(format!("a verdict carries at most {max_count} measures").into());
    }
    v.measures.insert(name.to_string(), value);
    Ok(v)
}

/// `tr(en, sv)`.
fn translation(engine: &mut Engine, lang: Language) {
    // `tr(en, sv)` is syntax, not a function, so that only the plan's language is built:
    // reasons are most of a std rule's cost. The syntax is static and valid, so this cannot fail.
    let chosen = lang.pick(0, 1);
    let _ = engine.register_custom_syntax(["tr", "(", "$expr$", ",", "$expr$", ")"], false, move |ctx, inputs| {
        ctx.eval_expression_tree(&inputs[chosen])
    });
}

/// `is_missing`, `fmt` and `show`, in the plan's language and the indicator's unit and decimals.
fn display(engine: &mut Engine, lang: Language) {
    engine.register_fn("is_missing", |x: Dynamic| x.is_unit());
    engine.register_fn("fmt", move |x: Dynamic| format_number(opt_f64(&x), RunState::with(|s| s.decimals), lang));
    engine.register_fn("fmt", move |x: Dynamic, d: rhai::INT| format_number(opt_f64(&x), Some(d.clamp(0, 12) as u32), lang));
    engine.register_fn("show", move |x: Dynamic| {
        let n = format_number(opt_f64(&x), RunState::with(|s| s.decimals), lang);
        if x.is_unit() { n } else { RunState::with(|s| with_unit(n, &s.unit)) }
    });
}

/// `better`, `at_least_as_good`, `shortfall`, `change`, `pct_change` and `trend`: by the indicator's polarity.
fn polarity(engine: &mut Engine) {
    engine.register_fn("better", |a: Dynamic, b: Dynamic| -> Result<bool, Box<EvalAltResult>> {
        let (a, b) = (num(&a, "better: first value")?, num(&b, "better: second value")?);
        Ok(if higher_is_better() { a > b } else { a < b })
    });
    engine.register_fn("at_least_as_good", |a: Dynamic, b: Dynamic| -> Result<bool, Box<EvalAltResult>> {
        let (a, b) = (num(&a, "at_least_as_good: first value")?, num(&b, "at_least_as_good: second value")?);
        Ok(if higher_is_better() { a >= b } else { a <= b })
    });
    engine.register_fn("shortfall", |v: Dynamic, r: Dynamic| -> Result<f64, Box<EvalAltResult>> {
        Ok(shortfall(num(&v, "shortfall: value")?, num(&r, "shortfall: reference")?, higher_is_better()))
    });
    engine.register_fn("change", |a: Dynamic, b: Dynamic| -> Result<f64, Box<EvalAltResult>> {
        Ok(num(&a, "change: first value")? - num(&b, "change: second value")?)
    });
    engine.register_fn("pct_change", |a: Dynamic, b: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
        let (a, b) = (num(&a, "pct_change: first value")?, num(&b, "pct_change: second value")?);
        Ok(if b == 0.0 { Dynamic::UNIT } else { Dynamic::from_float((a - b) / b.abs() * 100.0) })
    });
    // trend(history, n): polarity-adjusted change per period over the last n steps;
    // positive is improving, () when there are fewer than two points.
    engine.register_fn("trend", |history: Array, n: rhai::INT| -> Result<Dynamic, Box<EvalAltResult>> {
        let values: Vec<f64> = history
            .iter()
            .filter_map(|d| d.read_lock::<Map>().and_then(|m| m.get("value").and_then(opt_f64)).or_else(|| opt_f64(d)))
            .collect();
        let n = (n.max(1) as usize).min(values.len().saturating_sub(1));
        if n == 0 {
            return Ok(Dynamic::UNIT);
        }
        let last = values[values.len() - 1];
        let first = values[values.len() - 1 - n];
        let per = (last - first) / n as f64;
        Ok(Dynamic::from_float(if higher_is_better() { per } else { -per }))
    });
}

/// `gap`, `mean`, `median`, `quantile`, `clamp`, `abs` and a `sort` that cannot panic.
fn arithmetic(engine: &mut Engine) {
    engine.register_fn("gap", |w: Dynamic, m: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
        match (opt_f64(&w), opt_f64(&m)) {
            (Some(w), Some(m)) => Ok(Dynamic::from_float(w - m)),
            _ => Ok(Dynamic::UNIT),
        }
    });
    engine.register_fn("mean", |a: Array| -> Result<Dynamic, Box<EvalAltResult>> {
        let xs = numbers(&a)?;
        Ok(if xs.is_empty() { Dynamic::UNIT } else { Dynamic::from_float(xs.iter().sum::<f64>() / xs.len() as f64) })
    });
    engine.register_fn("median", |a: Array| -> Result<Dynamic, Box<EvalAltResult>> { Ok(quantile_of(numbers(&a)?, 0.5)) });
    engine.register_fn("quantile", |a: Array, q: f64| -> Result<Dynamic, Box<EvalAltResult>> { Ok(quantile_of(numbers(&a)?, q)) });
    engine.register_fn("clamp", |x: f64, lo: f64, hi: f64| {
        if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            x
        }
    });
    engine.register_fn("abs", |x: f64| x.abs());
    // Rhai's `sort(comparer)` is the slice sort, which panics on a comparer that is not a total
    // order and relies on unwinding to turn that into an error; WebAssembly aborts instead. A
    // merge sort has no such case: any answers give some order.
    for name in ["sort", "sort_by"] {
        engine.register_fn(name, |ctx: NativeCallContext, array: &mut Array, comparer: FnPtr| merge_sort(&ctx, array, &comparer));
    }
}

/// `count`, `share`, `mean_score` and `worst` over lists of `#{status, weight, score}` maps.
fn aggregation(engine: &mut Engine) {
    engine.register_fn("count", |list: Array, status: ImmutableString| {
        list.iter().filter(|d| d.read_lock::<Map>().is_some_and(|m| field_str(&m, "status") == status.as_str())).count() as rhai::INT
    });
    engine.register_fn("share", |list: Array, status: ImmutableString| -> Dynamic {
        let (mut hit, mut all) = (0.0, 0.0);
        for d in &list {
            if let Some(m) = d.read_lock::<Map>() {
                let s = field_str(&m, "status");
                if assessed(&s) {
                    let w = field_f64(&m, "weight").unwrap_or(1.0);
                    all += w;
                    if s == status.as_str() {
                        hit += w;
                    }
                }
            }
        }
        if all == 0.0 { Dynamic::UNIT } else { Dynamic::from_float(hit / all) }
    });
    engine.register_fn("mean_score", |list: Array| -> Dynamic {
        let (mut sum, mut all) = (0.0, 0.0);
        for d in &list {
            if let Some(m) = d.read_lock::<Map>() {
                if let (true, Some(score)) = (assessed(&field_str(&m, "status")), field_f64(&m, "score")) {
                    let w = field_f64(&m, "weight").unwrap_or(1.0);
                    sum += w * score;
                    all += w;
                }
            }
        }
        if all == 0.0 { Dynamic::UNIT } else { Dynamic::from_float(sum / all) }
    });
    engine.register_fn("worst", |list: Array| -> Dynamic {
        let mut worst: Option<(f64, String)> = None;
        for d in &list {
            if let Some(m) = d.read_lock::<Map>() {
                let s = field_str(&m, "status");
                if let (true, Some(score)) = (assessed(&s), field_f64(&m, "score")) {
                    if worst.as_ref().is_none_or(|(w, _)| score < *w) {
                        worst = Some((score, s));
                    }
                }
            }
        }
        worst.map_or(Dynamic::UNIT, |(_, s)| Dynamic::from(verdict(&s, None)))
    });
}

fn higher_is_better() -> bool {
    RunState::with(|s| s.higher_is_better)
}

fn num(d: &Dynamic, what: &str) -> Result<f64, Box<EvalAltResult>> {
    opt_f64(d).ok_or_else(|| format!("{what} must be a number, got `{}`", d.type_name()).into())
}

fn numbers(arr: &Array) -> Result<Vec<f64>, Box<EvalAltResult>> {
    arr.iter().map(|d| num(d, "list element")).collect()
}

fn quantile_of(mut xs: Vec<f64>, q: f64) -> Dynamic {
    if xs.is_empty() {
        return Dynamic::UNIT;
    }
    xs.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Dynamic::from_float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64))
}

fn verdict(status: &str, reason: Option<ImmutableString>) -> Verdict {
    Verdict::new(status, reason.map(|r| r.to_string()))
}

fn field_str(m: &Map, k: &str) -> String {
    m.get(k).and_then(|d| d.clone().into_immutable_string().ok()).map(|s| s.to_string()).unwrap_or_default()
}

fn field_f64(m: &Map, k: &str) -> Option<f64> {
    m.get(k).and_then(opt_f64)
}

/// A stable merge sort calling a script's comparer: never panics whatever it answers, and stops
/// at the comparer's first error (a limit of the budget, a `throw`).
fn merge_sort(ctx: &NativeCallContext, array: &mut Array, comparer: &FnPtr) -> Result<(), Box<EvalAltResult>> {
    if array.len() <= 1 {
        return Ok(());
    }
    // `a` goes after `b` when the comparer says a > b: a positive integer, or `false` for `a <= b`.
    let after = |a: &Dynamic, b: &Dynamic| -> Result<bool, Box<EvalAltResult>> {
        let v = comparer.call_raw(ctx, None, [a.clone(), b.clone()])?;
        if let Ok(i) = v.as_int() {
            Ok(i > 0)
        } else if let Ok(le) = v.as_bool() {
            Ok(!le)
        } else {
            Err(format!("sort: the comparer must return an integer or a bool, got `{}`", v.type_name()).into())
        }
    };
    // Indices are sorted, so that the array is untouched when the comparer fails half-way.
    let n = array.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut buffer: Vec<usize> = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                if after(&array[order[i]], &array[order[j]])? {
                    buffer.push(order[j]);
                    j += 1;
                } else {
                    buffer.push(order[i]);
                    i += 1;
                }
            }
            buffer.extend_from_slice(&order[i..mid]);
            buffer.extend_from_slice(&order[j..end]);
            start = end;
        }
        std::mem::swap(&mut order, &mut buffer);
        buffer.clear();
        width *= 2;
    }
    let mut items: Vec<Option<Dynamic>> = std::mem::take(array).into_iter().map(Some).collect();
    *array = order.into_iter().filter_map(|k| items.get_mut(k).and_then(Option::take)).collect();
    Ok(())
}
