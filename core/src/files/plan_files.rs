//! `PlanFiles`, a plan's files in memory: each path normalised when it is added, a bad one refused.

use crate::error::{Code, Error, Result};
use serde::Serialize;
use std::collections::{BTreeMap, btree_map};

/// The text files of a plan, keyed by path relative to the plan folder, with `/` separators.
///
/// A path is normalised when a file is added, so that every host names a file the same way: `\`
/// becomes `/`, a leading `./` (and any other `.` segment) is dropped and `//` is collapsed. A path
/// with a `..` segment, an absolute path (a leading `/` or a drive letter such as `C:`), an empty
/// path, one that ends in `/` or holds a NUL, and a second file at a path already held (`a\b` and
/// `a/b`) are refused with a `plan.file_path` error.
///
/// [`insert`](PlanFiles::insert) returns the refusal. Built from an array or an iterator, which
/// cannot fail, the files keep the first refusal and [`Plan::from_files`](crate::Plan::from_files)
/// returns it: nothing is dropped in silence.
///
/// ```
/// use attain_core::PlanFiles;
/// let mut files = PlanFiles::new();
/// files.insert("rules\\x.rhai", "attained()".to_string())?;
/// assert!(files.contains_key("rules/x.rhai"));
/// let e = files.insert("../x.rhai", "attained()".to_string()).unwrap_err();
/// assert_eq!(e.code().as_str(), "plan.file_path");
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PlanFiles {
    files: BTreeMap<String, String>,
    /// The first path refused while building from an array or an iterator.
    #[serde(skip)]
    refused: Option<Error>,
    /// The workbooks under `data/` a folder walk found and did not read (not text).
    #[serde(skip)]
    workbooks: Vec<String>,
}

impl PlanFiles {
    /// No files.
    pub fn new() -> Self {
        PlanFiles::default()
    }

    /// Adds a file at `path`, normalised.
    ///
    /// # Errors
    /// A `plan.file_path` error naming the path when it is empty, absolute, leaves the plan
    /// folder (`..`), ends in `/`, holds a NUL, or normalises to a path already held.
    pub fn insert(&mut self, path: &str, text: String) -> Result<()> {
        let key = normalise(path)?;
        if self.files.contains_key(&key) {
            let message = if key == path {
                format!("file path `{}` is given twice", shown(path))
            } else {
                format!("file path `{}` is `{key}`, which is given twice", shown(path))
            };
            return Err(Error::new(Code::PlanFilePath, message));
        }
        self.files.insert(key, text);
        Ok(())
    }

    /// The workbooks (`.xlsx`) under `data/` of the folder read, in walk order: not text, so
    /// not among the files. A reader of workbooks reads them from the folder
    /// (`attain_excel::load_plan`); without one, the plan's data is an error naming the first
    /// (`data.unread_workbook`), never the rest of the data without them.
    pub fn workbooks(&self) -> &[String] {
        &self.workbooks
    }

    pub(crate) fn add_workbook(&mut self, key: String) {
        self.workbooks.push(key);
    }

    /// Adds a file at `path` from its bytes, read as the plan reader reads a file: UTF-8, at most
    /// [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES), a byte-order mark dropped (Node's `Plan.load`).
    ///
    /// # Errors
    /// As [`insert`](PlanFiles::insert), and an io error at the file (with the line and column of
    /// the first byte that is not UTF-8) when the bytes are too many or not UTF-8.
    pub fn insert_bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<()> {
        if bytes.len() as u64 > super::MAX_FILE_BYTES {
            let message = format!("the file is larger than the limit of {} MiB", super::MAX_FILE_BYTES >> 20);
            return Err(Error::new(Code::IoLimit, message).in_file(path));
        }
        let text = super::decode(bytes).map_err(|e| e.in_file(path))?;
        self.insert(path, text)
    }

    /// The text of the file at `path` (normalised, as every key is).
    pub fn get(&self, path: &str) -> Option<&String> {
        self.files.get(path)
    }

    /// Whether there is a file at `path` (normalised, as every key is).
    pub fn contains_key(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The paths, in order.
    pub fn keys(&self) -> btree_map::Keys<'_, String, String> {
        self.files.keys()
    }

    /// The texts, in the order of their paths.
    pub fn values(&self) -> btree_map::Values<'_, String, String> {
        self.files.values()
    }

    /// Path and text of every file, in order of the paths.
    pub fn iter(&self) -> btree_map::Iter<'_, String, String> {
        self.files.iter()
    }

    /// The first refusal kept while building from an array or an iterator.
    pub(crate) fn check(&self) -> Result<()> {
        self.refused.clone().map_or(Ok(()), Err)
    }

    /// The texts, to change in place (the paths stay as they are).
    pub(crate) fn texts_mut(&mut self) -> btree_map::ValuesMut<'_, String, String> {
        self.files.values_mut()
    }

    /// Adds a file, keeping the first refusal instead of returning it.
    fn add(&mut self, path: &str, text: String) {
        if let Err(e) = self.insert(path, text)
            && self.refused.is_none()
        {
            self.refused = Some(e);
        }
    }
}

impl<'a> IntoIterator for &'a PlanFiles {
    type Item = (&'a String, &'a String);
    type IntoIter = btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.files.iter()
    }
}

impl<const N: usize> From<[(String, String); N]> for PlanFiles {
    /// The files of path and text pairs; a path refused is kept as the error
    /// [`Plan::from_files`](crate::Plan::from_files) returns.
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl FromIterator<(String, String)> for PlanFiles {
    /// The files of path and text pairs; a path refused is kept as the error
    /// [`Plan::from_files`](crate::Plan::from_files) returns.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut files = PlanFiles::new();
        for (path, text) in pairs {
            files.add(&path, text);
        }
        files
    }
}

/// A path as it is kept: `/` separators, no `.` segments, no repeated `/`; or the refusal.
fn normalise(path: &str) -> Result<String> {
    let refuse = |why: &str| Err(Error::new(Code::PlanFilePath, format!("file path `{}` {why}", shown(path))));
    if path.is_empty() {
        return Err(Error::new(Code::PlanFilePath, "a file path is empty"));
    }
    if path.contains('\0') {
        return refuse("holds a NUL character");
    }
    let slashed = path.replace('\\', "/");
    if slashed.starts_with('/') {
        return refuse("is absolute: give it relative to the plan folder");
    }
    let bytes = slashed.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return refuse("names a drive: give it relative to the plan folder");
    }
    if slashed.ends_with('/') {
        return refuse("ends in `/`: it names a folder, not a file");
    }
    let segments: Vec<&str> = slashed.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if segments.contains(&"..") {
        return refuse("leaves the plan folder (`..`)");
    }
    if segments.is_empty() {
        return refuse("names no file");
    }
    Ok(segments.join("/"))
}

/// A path for a message: a control character (a NUL) written as its escape.
fn shown(path: &str) -> String {
    path.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &str) -> Result<Vec<String>> {
        let mut files = PlanFiles::new();
        files.insert(path, "x".to_string())?;
        Ok(files.keys().cloned().collect())
    }

    #[test]
    fn a_path_is_normalised_when_it_is_added() {
        for (given, kept) in [
            ("plan.toml", "plan.toml"),
            ("rules\\x.rhai", "rules/x.rhai"),
            ("./rules/x.rhai", "rules/x.rhai"),
            ("././rules//lib\\\\y.rhai", "rules/lib/y.rhai"),
            ("rules/./x.rhai", "rules/x.rhai"),
            ("data/a:b.csv", "data/a:b.csv"),
            ("..x/y..rhai", "..x/y..rhai"),
        ] {
            assert_eq!(one(given).ok(), Some(vec![kept.to_string()]), "{given}");
        }
    }

    #[test]
    fn a_path_that_could_leave_the_plan_is_refused_with_its_code() {
        for (given, message) in [
            ("../x.rhai", "file path `../x.rhai` leaves the plan folder (`..`)"),
            ("rules/../../x.rhai", "file path `rules/../../x.rhai` leaves the plan folder (`..`)"),
            ("rules\\..\\x.rhai", "file path `rules\\..\\x.rhai` leaves the plan folder (`..`)"),
            ("/etc/x.rhai", "file path `/etc/x.rhai` is absolute: give it relative to the plan folder"),
            ("\\\\server\\x.rhai", "file path `\\\\server\\x.rhai` is absolute: give it relative to the plan folder"),
            ("C:\\x.rhai", "file path `C:\\x.rhai` names a drive: give it relative to the plan folder"),
            ("c:x.rhai", "file path `c:x.rhai` names a drive: give it relative to the plan folder"),
            ("", "a file path is empty"),
            ("./", "file path `./` ends in `/`: it names a folder, not a file"),
            (".", "file path `.` names no file"),
            ("rules/", "file path `rules/` ends in `/`: it names a folder, not a file"),
            ("a\0b.rhai", "file path `a\\u{0}b.rhai` holds a NUL character"),
        ] {
            let e = one(given).expect_err(given);
            assert_eq!((e.code(), e.message()), (Code::PlanFilePath, message), "{given:?}");
        }
    }

    #[test]
    fn two_paths_that_name_one_file_are_refused() {
        let mut files = PlanFiles::new();
        assert_eq!(files.insert("a/b.rhai", "1".to_string()), Ok(()));
        let e = files.insert("a\\b.rhai", "2".to_string()).expect_err("a second a/b.rhai");
        assert_eq!((e.code(), e.message()), (Code::PlanFilePath, "file path `a\\b.rhai` is `a/b.rhai`, which is given twice"));
        let e = files.insert("a/b.rhai", "3".to_string()).expect_err("a/b.rhai again");
        assert_eq!(e.message(), "file path `a/b.rhai` is given twice");
        assert_eq!((files.len(), files.get("a/b.rhai").map(String::as_str)), (1, Some("1")), "the first file stays");
    }

    #[test]
    fn built_from_pairs_the_files_keep_the_first_refusal() {
        let files = PlanFiles::from([("rules\\x.rhai".to_string(), "x".to_string())]);
        assert_eq!(files.check(), Ok(()));
        assert_eq!(files.keys().collect::<Vec<_>>(), vec!["rules/x.rhai"]);
        let pairs = [("../x.rhai", "1"), ("a/b", "2"), ("a\\b", "3"), ("/y", "4")];
        let files: PlanFiles = pairs.iter().map(|(p, t)| ((*p).to_string(), (*t).to_string())).collect();
        let e = files.check().expect_err("a refusal is kept");
        assert_eq!((e.code(), e.message()), (Code::PlanFilePath, "file path `../x.rhai` leaves the plan folder (`..`)"));
        assert_eq!(files.iter().collect::<Vec<_>>(), vec![(&"a/b".to_string(), &"2".to_string())], "only the files accepted are held");
    }
}
