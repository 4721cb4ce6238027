//! The standard library of rules and aggregations, compiled into the engine so every platform (the browser too) has it.

/// The standard library, compiled into the engine so every platform (the browser too) has it.
pub(crate) const STD_RULES: &[(&str, &str)] = &[
    ("target", include_str!("../../rules/std/target.rhai")),
    ("reference", include_str!("../../rules/std/reference.rhai")),
    ("quartile", include_str!("../../rules/std/quartile.rhai")),
    ("trend", include_str!("../../rules/std/trend.rhai")),
    ("trajectory", include_str!("../../rules/std/trajectory.rhai")),
    ("okr", include_str!("../../rules/std/okr.rhai")),
    ("sdg_progress", include_str!("../../rules/std/sdg_progress.rhai")),
];

/// The standard goal aggregations.
pub(crate) const STD_AGGREGATIONS: &[(&str, &str)] = &[
    ("share", include_str!("../../rules/std/share.rhai")),
    ("majority_improving", include_str!("../../rules/std/majority_improving.rhai")),
    ("mean_score", include_str!("../../rules/std/mean_score.rhai")),
    ("worst", include_str!("../../rules/std/worst.rhai")),
    ("sdg_mean_score", include_str!("../../rules/std/sdg_mean_score.rhai")),
];

/// What a script judges: an indicator, or a goal from its parts. It decides the names in scope,
/// which std names it may use and which native twins exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RuleKind {
    /// An indicator rule (`rule = …`).
    Indicator,
    /// A goal aggregation (`aggregate = …`).
    Aggregation,
}

impl RuleKind {
    /// The std scripts of this kind, by name.
    pub(crate) fn std(self) -> &'static [(&'static str, &'static str)] {
        match self {
            RuleKind::Indicator => STD_RULES,
            RuleKind::Aggregation => STD_AGGREGATIONS,
        }
    }

    /// The source of the std script `name` of this kind.
    pub(crate) fn std_source(self, name: &str) -> Option<&'static str> {
        self.std().iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// The names a script of this kind sees, besides those it declares.
    pub(crate) fn scope(self) -> &'static [&'static str] {
        match self {
            RuleKind::Indicator => &[
                "value",
                "target",
                "target_op",
                "previous",
                "history",
                "national",
                "peers",
                "percentile",
                "municipal_mean",
                "women",
                "men",
                "higher_is_better",
                "direction",
                "period",
                "indicator",
                "targets",
                "params",
            ],
            RuleKind::Aggregation => &["indicators", "assignments", "children", "params"],
        }
    }

    /// "rule" or "aggregation", for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            RuleKind::Indicator => "rule",
            RuleKind::Aggregation => "aggregation",
        }
    }
}

/// Source of a std rule or aggregation by name (`import "std/NAME"` reaches both).
pub(crate) fn std_source(name: &str) -> Option<&'static str> {
    RuleKind::Indicator.std_source(name).or_else(|| RuleKind::Aggregation.std_source(name))
}

/// The file a std script is named by in errors and imports: `std/NAME.rhai`.
pub(crate) fn std_file(name: &str) -> String {
    format!("std/{name}.rhai")
}

/// The file errors of a rule name: `std/NAME.rhai` for the std library, else the script's path.
pub(crate) fn rule_file(rule: &str) -> String {
    if std_source(rule).is_some() { std_file(rule) } else { rule.to_string() }
}
