//! `[comparison.groups]` naming a Kolada group (`kolada = "G124026"`): its members from `data/kolada-groups.toml`.

use super::raw::RawGroup;
use crate::error::{Code, Error, Result};
use crate::files::PlanFiles;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file `attain fetch` writes with the members of each Kolada group the plan names.
pub const KOLADA_GROUPS_FILE: &str = "data/kolada-groups.toml";

/// One group of `data/kolada-groups.toml`, keyed by its Kolada id.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchedGroup {
    #[allow(dead_code)]
    title: Option<String>,
    members: Vec<String>,
}

/// The plan's groups (id → title, members) and the Kolada id of each group that names one.
///
/// A group's members are those listed in plan.toml; a group naming a Kolada id and listing none
/// takes them from [`KOLADA_GROUPS_FILE`] (none when the file or the group is not there yet:
/// the group's own published rows still count).
pub(super) fn groups(raw: &BTreeMap<String, RawGroup>, files: &PlanFiles) -> Result<(Groups, BTreeMap<String, String>)> {
    let fetched = match (raw.values().any(|g| g.kolada.is_some()), files.get(KOLADA_GROUPS_FILE)) {
        (true, Some(text)) => read(text)?,
        _ => BTreeMap::new(),
    };
    let mut groups = BTreeMap::new();
    let mut kolada = BTreeMap::new();
    for (id, g) in raw {
        let mut members = g.members.clone();
        if let Some(k) = &g.kolada {
            kolada.insert(id.clone(), k.clone());
            if members.is_empty() {
                members = fetched.get(k).map(|f| f.members.clone()).unwrap_or_default();
            }
        }
        groups.insert(id.clone(), (g.title.clone().unwrap_or_else(|| id.clone()), members));
    }
    Ok((groups, kolada))
}

type Groups = BTreeMap<String, (String, Vec<String>)>;

fn read(text: &str) -> Result<BTreeMap<String, FetchedGroup>> {
    toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', "; ");
        let err = Error::new(Code::PlanInvalidValue, msg).in_file(KOLADA_GROUPS_FILE);
        match e.span() {
            Some(span) => err.at_offset(text, span.start),
            None => err,
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::{Code, Plan, PlanFiles};

    const PLAN: &str = "[plan]\nid = \"p\"\ntitle = \"P\"\nentity = \"2380\"\n[comparison]\npeers = \"LIKE\"\n\
                        [comparison.groups]\nLIKE = { title = \"Like\", kolada = \"G124026\" }\n";

    fn load(files: &[(&str, &str)]) -> crate::Result<Plan> {
        Plan::from_files(files.iter().map(|(p, t)| ((*p).to_string(), (*t).to_string())).collect::<PlanFiles>())
    }

    #[test]
    fn a_kolada_group_takes_its_members_from_the_fetched_file() {
        let groups = "[G124026]\ntitle = \"Fetched\"\nmembers = [\"0180\", \"1480\"]\n";
        let plan = load(&[("plan.toml", PLAN), ("data/kolada-groups.toml", groups)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.comparison().peers, ["0180", "1480"]);
        assert_eq!(plan.comparison().kolada_groups.get("LIKE").map(String::as_str), Some("G124026"));
        // Not fetched yet: no members, the group's own rows still count.
        let plan = load(&[("plan.toml", PLAN)]).unwrap_or_else(|e| panic!("{e}"));
        assert!(plan.comparison().peers.is_empty());
        // Members written in plan.toml stand.
        let listed = PLAN.replace("kolada = \"G124026\"", "kolada = \"G124026\", members = [\"2380\"]");
        let plan = load(&[("plan.toml", &listed), ("data/kolada-groups.toml", groups)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.comparison().peers, ["2380"]);
    }

    #[test]
    fn a_bad_members_file_is_an_error_at_its_line() {
        let Err(e) = load(&[("plan.toml", PLAN), ("data/kolada-groups.toml", "[G124026]\nmembers = [1]\n")]) else {
            panic!("a number is not a member id")
        };
        assert_eq!((e.code(), e.file(), e.line()), (Code::PlanInvalidValue, Some("data/kolada-groups.toml"), Some(2)), "{e}");
    }
}
