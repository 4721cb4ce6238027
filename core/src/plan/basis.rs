//! `min_basis`: the least a goal's verdict may rest on (a count and/or a share of its scored indicators), checked where it stands.

use super::raw::RawMinBasis;
use crate::error::{Code, Result};
use crate::model::Language;
use toml::Spanned;

/// The least a goal's verdict may rest on: at least `count` assessed scored indicators and at
/// least `share` of those it links. Below it the goal is `no_data` ("too little to judge on").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinBasis {
    /// Assessed scored indicators needed (0: no count asked).
    pub count: u32,
    /// Share of the linked scored indicators that must be assessed, 0 to 1 (0: no share asked).
    pub share: f64,
}

impl MinBasis {
    /// Whether `assessed` of `of` scored indicators is enough. A goal that links no indicator
    /// (judged from sub-goals or assignments alone) has no indicator basis to ask for.
    pub fn holds(&self, assessed: usize, of: usize) -> bool {
        of == 0 || (assessed >= self.count as usize && assessed as f64 >= self.share * of as f64)
    }

    /// What it asks, in words: "at least 2 and at least 25 %", "minst 2 och minst 25 %".
    pub fn text(&self, lang: Language) -> String {
        let share = crate::locale::format_number(Some(self.share * 100.0), None, lang);
        let (at_least, and) = lang.pick(("at least", "and"), ("minst", "och"));
        match (self.count > 0, self.share > 0.0) {
            (true, true) => format!("{at_least} {} {and} {at_least} {share} %", self.count),
            (true, false) => format!("{at_least} {}", self.count),
            _ => format!("{at_least} {share} %"),
        }
    }
}

/// `min_basis` as written, checked: `count` a whole number from 0, `share` from 0 to 1, at least
/// one of them; each error at the value (or the table) in plan.toml.
pub(super) fn min_basis(raw: Option<Spanned<RawMinBasis>>, text: &str) -> Result<Option<MinBasis>> {
    let Some(raw) = raw else { return Ok(None) };
    let err = |span: std::ops::Range<usize>, msg: String| Err(super::build::spanned_err(text, span, Code::PlanInvalidValue, msg));
    let span = raw.span();
    let raw = raw.into_inner();
    if raw.count.is_none() && raw.share.is_none() {
        return err(span, "`min_basis` sets neither `count` nor `share`".into());
    }
    let count = match raw.count {
        None => 0,
        Some(c) => match u32::try_from(*c.get_ref()) {
            Ok(n) => n,
            Err(_) => return err(c.span(), format!("`min_basis.count` is `{}`; it is a whole number from 0", c.get_ref())),
        },
    };
    let share = match raw.share {
        None => 0.0,
        Some(s) if (0.0..=1.0).contains(&s.get_ref().0) => s.get_ref().0,
        Some(s) => {
            return err(s.span(), format!("`min_basis.share` is `{}`; it is a share from 0 to 1", super::toml_number(s.get_ref().0)));
        }
    };
    Ok(Some(MinBasis { count, share }))
}
