//! What a script reads, found in its syntax tree: the params it takes, and whether it reads `history`, `peers` or another comparison.

use rhai::{AST, ASTNode, Expr};
use std::collections::{BTreeMap, BTreeSet};

/// What a compiled script reads. A plan param outside `params` is an error; `history` and
/// `peers` are built only for a script that names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Names read as `params.NAME`, `params?.NAME` or `params["NAME"]`.
    pub params: BTreeSet<String>,
    /// Params read with no default: not before a `??` and never tested with `"NAME" in params`;
    /// each at the line and column of its first such read. A plan must give these.
    pub required_params: BTreeMap<String, (usize, usize)>,
    pub history: bool,
    pub peers: bool,
    /// The comparisons named (`national`, `municipal_mean`, `percentile`; `peers` above), for
    /// the report's `compared_with`.
    pub national: bool,
    pub municipal_mean: bool,
    pub percentile: bool,
}

impl Reads {
    /// Walks every expression of the script and its functions (comments and strings are not
    /// in the tree, so a comment mentioning `params.x` is no read of `x`).
    pub(crate) fn of(ast: &AST) -> Reads {
        let mut reads = Reads::default();
        let mut tested = BTreeSet::new();
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(expr)) = path.last() {
                reads.note(expr);
                if let Some(name) = param_read(expr) {
                    if !before_coalesce(path) && !reads.required_params.contains_key(&name) {
                        let pos = expr.start_position();
                        reads.required_params.insert(name, (pos.line().unwrap_or(0), pos.position().unwrap_or(1).max(1)));
                    }
                }
                if let Some(name) = in_params(expr) {
                    tested.insert(name);
                }
            }
            true
        });
        reads.required_params.retain(|name, _| !tested.contains(name));
        reads
    }

    fn note(&mut self, expr: &Expr) {
        match expr {
            Expr::Variable(v, _, _) if v.2.is_empty() => match v.1.as_str() {
                "history" => self.history = true,
                "peers" => self.peers = true,
                "national" => self.national = true,
                "municipal_mean" => self.municipal_mean = true,
                "percentile" => self.percentile = true,
                _ => {}
            },
            Expr::Dot(chain, _, _) | Expr::Index(chain, _, _) if is_params(&chain.lhs) => {
                if let Some(name) = first_key(&chain.rhs) {
                    self.params.insert(name);
                }
            }
            _ => {}
        }
    }
}

/// The param a `params.NAME` or `params["NAME"]` expression reads.
fn param_read(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Dot(chain, _, _) | Expr::Index(chain, _, _) if is_params(&chain.lhs) => first_key(&chain.rhs),
        _ => None,
    }
}

/// Whether the expression at the end of `path` is an operand of `??` before its last (so a
/// default follows it).
fn before_coalesce(path: &[ASTNode]) -> bool {
    path.windows(2).any(|w| match (&w[0], &w[1]) {
        (ASTNode::Expr(Expr::Coalesce(ops, _)), ASTNode::Expr(child)) => {
            ops.iter().take(ops.len().saturating_sub(1)).any(|op| std::ptr::eq(op, *child))
        }
        _ => false,
    })
}

/// The NAME of `"NAME" in params` (Rhai's `contains(params, "NAME")`).
fn in_params(expr: &Expr) -> Option<String> {
    match expr {
        Expr::FnCall(call, _) if call.name.as_str() == "contains" && call.args.len() == 2 && is_params(&call.args[0]) => {
            match &call.args[1] {
                Expr::StringConstant(s, _) => Some(s.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_params(expr: &Expr) -> bool {
    matches!(expr, Expr::Variable(v, _, _) if v.2.is_empty() && v.1.as_str() == "params")
}

/// The key right after `params`: `.x` and `["x"]`, also where the chain goes on (`params.x.y`
/// is `params . (x . y)` in Rhai's tree).
fn first_key(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Property(p, _) => Some(p.2.to_string()),
        Expr::StringConstant(s, _) => Some(s.to_string()),
        Expr::Dot(chain, _, _) | Expr::Index(chain, _, _) => first_key(&chain.lhs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(source: &str) -> Reads {
        let mut engine = rhai::Engine::new_raw();
        engine.set_optimization_level(rhai::OptimizationLevel::Full);
        let mut scope = rhai::Scope::new();
        scope.push_dynamic("params", rhai::Dynamic::UNIT);
        Reads::of(&engine.compile_with_scope(&scope, source).unwrap())
    }

    #[test]
    fn params_are_found_in_the_tree_not_the_text() {
        let r = reads(
            "// params.in_a_comment\nlet s = \"params.in_a_string\";\nlet t = params.tolerance ?? 0.1;\n\
             let a = params[\"against\"]; let d = params?.deep.inner; let myparams = #{no: 1}; myparams.no",
        );
        assert_eq!(r.params.into_iter().collect::<Vec<_>>(), vec!["against", "deep", "tolerance"]);
        assert!(!r.history && !r.peers);
    }

    #[test]
    fn a_param_without_a_default_is_required_at_its_place() {
        let r = reads(
            "let a = params.tolerance ?? 0.1;\nlet b = if \"flat\" in params { params.flat } else { 0.0 };\nlet d = params.days;\n\
             let e = params.x ?? params.y ?? 2; params.days",
        );
        assert_eq!(r.required_params.into_iter().collect::<Vec<_>>(), vec![("days".to_string(), (3, 9))]);
    }

    #[test]
    fn history_and_peers_count_only_as_names() {
        let mut scope = rhai::Scope::new();
        for n in ["history", "peers", "params"] {
            scope.push_dynamic(n, rhai::Dynamic::UNIT);
        }
        let engine = rhai::Engine::new_raw();
        let r = Reads::of(&engine.compile_with_scope(&scope, "// history\nlet m = #{peers: 1}; m.peers").unwrap());
        assert!(!r.history && !r.peers, "{r:?}");
        let r = Reads::of(&engine.compile_with_scope(&scope, "fn f(h) { h.len() } f(history) + peers.count").unwrap());
        assert!(r.history && r.peers, "{r:?}");
    }
}
