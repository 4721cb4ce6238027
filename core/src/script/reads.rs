//! What a script reads, found in its syntax tree: the params it takes, and whether it reads `history`, `peers` or another comparison.

use rhai::{AST, ASTNode, Expr};
use std::collections::BTreeSet;

/// What a compiled script reads. A plan param outside `params` is an error; `history` and
/// `peers` are built only for a script that names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Names read as `params.NAME`, `params?.NAME` or `params["NAME"]`.
    pub params: BTreeSet<String>,
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
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(expr)) = path.last() {
                reads.note(expr);
            }
            true
        });
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
