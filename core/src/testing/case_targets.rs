//! A rule case's `target` and `targets` as written, read as the plan reads an indicator's, each error at the target.

use crate::error::{Code, Error, Result, line_column};
use crate::target::{Target, TargetInput, polarity};
use std::collections::BTreeMap;
use toml::Spanned;

/// A rule case's targets: the polarity from `direction` or the comparators, and each target
/// read (an unknown `direction` is the case's own error, when it runs).
pub(super) struct CaseTargets {
    pub higher: bool,
    pub target: Option<Target>,
    pub targets: BTreeMap<String, Target>,
}

impl CaseTargets {
    /// The case's `direction`, `period`, `target` and `targets`, in the test file `text` named
    /// `file`: a malformed target, or one contradicting `direction` or another, is an error at it.
    pub(super) fn read(
        direction: Option<&str>,
        period: Option<&str>,
        target: Option<&Spanned<TargetInput>>,
        targets: &BTreeMap<String, Spanned<TargetInput>>,
        (text, file): (&str, &str),
    ) -> Result<CaseTargets> {
        let at = |span: std::ops::Range<usize>, msg: String| {
            let (line, column) = line_column(text, span.start);
            Error::new(Code::TestInvalidValue, msg).in_file(file).at(line, column)
        };
        let explicit = match direction {
            Some("lower") => Some(false),
            Some(_) => Some(true),
            None => None,
        };
        let period = period.unwrap_or("2023");
        let written: Vec<(&str, &Spanned<TargetInput>)> =
            target.iter().map(|t| (period, *t)).chain(targets.iter().map(|(p, t)| (p.as_str(), t))).collect();
        let inputs: Vec<(&str, &TargetInput)> = written.iter().map(|(p, t)| (*p, t.get_ref())).collect();
        let higher = polarity(explicit, &inputs).map_err(|(i, msg)| at(written[i].1.span(), msg))?;
        let read = |t: &Spanned<TargetInput>| t.get_ref().target(higher).map_err(|msg| at(t.span(), msg));
        let target = target.map(read).transpose()?;
        let targets = targets.iter().map(|(p, t)| Ok((p.clone(), read(t)?))).collect::<Result<_>>()?;
        Ok(CaseTargets { higher, target, targets })
    }
}
