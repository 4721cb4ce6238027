//! What a script returned, as an `Outcome`; anything else is the rule's error, at the statement that gave it where that can be known.

use super::{CompiledRule, values};
use crate::error::{Cause, Code, Error, Result, RuleFailure};
use crate::judgement::{Outcome, Verdict};
use crate::stdlib;
use rhai::{AST, ASTFlags, ASTNode, Dynamic, Stmt};

/// Where a script's value comes from, found in its syntax tree before optimisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultPlace {
    /// The one statement that gives the value: the script's last statement when it has no `return`.
    At(usize, usize),
    /// The script's one `return`, when its last statement gives no value (`let`, a loop, the
    /// `return` itself): a value other than `()` can only have come from the `return`.
    ReturnUnlessUnit(usize, usize),
    /// The value comes from one of this many statements (`return`s, and the last statement):
    /// which one ran is not kept by the interpreter.
    OneOf(usize),
    /// The script has no statement: its value is `()`.
    Empty,
}

impl ResultPlace {
    pub(crate) fn of(ast: &AST) -> ResultPlace {
        let mut returns = Vec::new();
        for stmt in ast.statements() {
            stmt.walk(&mut Vec::new(), &mut |path: &[ASTNode]| {
                if let Some(ASTNode::Stmt(Stmt::Return(_, flags, pos))) = path.last() {
                    if !flags.intersects(ASTFlags::BREAK) {
                        returns.push(*pos);
                    }
                }
                true
            });
        }
        let Some(last) = ast.statements().last() else { return ResultPlace::Empty };
        let last_pos = match last {
            Stmt::Expr(e) => e.start_position(),
            other => other.position(),
        };
        let line_col = |p: rhai::Position| p.line().map(|l| (l, p.position().unwrap_or(1).max(1)));
        match (returns.as_slice(), last) {
            ([], _) => line_col(last_pos).map_or(ResultPlace::OneOf(1), |(l, c)| ResultPlace::At(l, c)),
            ([only], last) if !last.returns_value() => {
                line_col(*only).map_or(ResultPlace::OneOf(2), |(l, c)| ResultPlace::ReturnUnlessUnit(l, c))
            }
            (many, _) => ResultPlace::OneOf(many.len() + 1),
        }
    }
}

/// What a script returned, as a status or a score; anything else is the rule's error.
pub(crate) fn to_outcome(rule: &CompiledRule, out: Dynamic) -> Result<Outcome> {
    if out.is::<Verdict>() {
        return Ok(Outcome::Status(out.cast::<Verdict>()));
    }
    let cause = match values::opt_f64(&out) {
        Some(x) if x.is_finite() && (0.0..=1.0).contains(&x) => return Ok(Outcome::Score(x)),
        Some(x) => Cause::Number(x),
        None => {
            // Show the value, but not all of it: a script can return a map or string of any size.
            let text = out.to_string();
            let mut shown: String = text.chars().take(80).collect();
            if shown.len() < text.len() {
                shown.push('…');
            }
            Cause::Returned { type_name: out.type_name().to_string(), shown }
        }
    };
    let unit = out.is_unit();
    Err(returned_error(rule, Code::RuleInvalidResult, cause, unit))
}

/// A wrong result's error (`unit`: the value was `()`), at the statement that gave it, or
/// saying why that is not known.
pub(crate) fn returned_error(rule: &CompiledRule, code: Code, cause: Cause, unit: bool) -> Error {
    let (at, unplaced) = match rule.result_at {
        ResultPlace::At(l, c) => (Some((l, c)), None),
        ResultPlace::ReturnUnlessUnit(l, c) if !unit => (Some((l, c)), None),
        ResultPlace::ReturnUnlessUnit(..) => (None, Some(2)),
        ResultPlace::OneOf(n) => (None, Some(n)),
        ResultPlace::Empty => (None, None),
    };
    let failure = RuleFailure { rule: rule.id.clone(), cause, within: None, unplaced };
    let err = Error::of_rule(code, failure).in_file(stdlib::rule_file(&rule.id));
    match at {
        Some((line, column)) => err.at(line, column),
        None => err,
    }
}
