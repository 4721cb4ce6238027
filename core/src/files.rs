//! Plans are read through a map of relative path to text, so the browser (no files)
//! and the command line (a folder) load plans the same way.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The text files of a plan, keyed by path relative to the plan folder, with `/` separators.
pub type PlanFiles = BTreeMap<String, String>;

/// Largest file read from a plan folder; anything bigger is an error, not a silent skip.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

const PLAN_EXTENSIONS: &[&str] = &["toml", "rhai", "csv", "json"];

/// Reads every plan-related file (`.toml`, `.rhai`, `.csv`, `.json`) under `dir`.
pub(crate) fn read_dir(dir: &Path) -> Result<PlanFiles> {
    if !dir.is_dir() {
        return Err(Error::io(format!("`{}` is not a folder", dir.display())));
    }
    let mut files = PlanFiles::new();
    walk(dir, dir, &mut files)?;
    Ok(files)
}

fn walk(root: &Path, dir: &Path, files: &mut PlanFiles) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(format!("cannot read folder `{}`: {e}", dir.display())))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, files)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| PLAN_EXTENSIONS.contains(&e)) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(key.clone(), read_text(&path).map_err(|e| e.in_file(key))?);
        }
    }
    Ok(())
}

/// Reads one UTF-8 text file with a size limit.
pub fn read_text(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(format!("cannot read `{}`: {e}", path.display())))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::io(format!("`{}` is larger than the limit of {} MiB", path.display(), MAX_FILE_BYTES >> 20)));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("cannot read `{}`: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|e| Error::io(format!("`{}` is not UTF-8 text (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())))
}

/// Joins `base` (a file path inside the plan) with a relative `target`, resolving `.` and `..`.
/// Returns `None` when the result would leave the plan folder.
pub(crate) fn join(base_dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') { Vec::new() } else { base_dir.split('/').filter(|p| !p.is_empty()).collect() };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The folder part of a relative path (`rules/a.rhai` → `rules`).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_stays_inside_the_plan() {
        assert_eq!(join("rules", "a.rhai").as_deref(), Some("rules/a.rhai"));
        assert_eq!(join("rules", "../lib/b.rhai").as_deref(), Some("lib/b.rhai"));
        assert_eq!(join("", "../x.rhai"), None);
    }
}
