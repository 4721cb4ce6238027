//! Reading a plan folder into `PlanFiles`: regular files only, within limits, without byte-order marks.
//!
//! Plans are read through a map of relative path to text, so the browser (no files)
//! and the command line (a folder) load plans the same way.

use crate::error::{Code, Error, Result};
use std::io::Read;
use std::path::Path;

mod budget;
mod plan_files;

#[cfg(test)]
use budget::FolderLimits;
pub use budget::{FolderBudget, MAX_FOLDER_DEPTH};
pub use plan_files::PlanFiles;

/// Largest file read from a plan folder or given as data; anything bigger is an error, not a
/// silent skip.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

const PLAN_EXTENSIONS: &[&str] = &["toml", "rhai", "csv", "json"];

/// Whether a file name is one the plan reader reads (`.toml`, `.rhai`, `.csv`, `.json`, in
/// any case).
pub(crate) fn is_plan_file(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| PLAN_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Reads every plan-related file (`.toml`, `.rhai`, `.csv`, `.json`) under `dir`.
///
/// Regular files only: a FIFO, socket or device with a plan file's name is an error, and so is a
/// symbolic link to a folder or to anything outside `dir`. A link to a regular file inside `dir`
/// is read as that file. Hidden entries, `node_modules` and `target` are skipped.
pub(crate) fn read_dir(dir: &Path) -> Result<PlanFiles> {
    if !dir.is_dir() {
        return Err(not_a_folder(&dir.display().to_string(), dir.exists()));
    }
    let root = std::fs::canonicalize(dir).map_err(|e| io_error(&e, format!("cannot read folder `{}`: {e}", dir.display())))?;
    let mut folder = Folder { root, budget: FolderBudget::new(), files: PlanFiles::new() };
    folder.walk(dir, "", 0)?;
    Ok(folder.files)
}

/// The error for a plan folder that is not one: `io.not_found` when nothing is there, else
/// `io.not_a_folder`; the one text for every reader of a folder (core's, Node's `Plan.load`).
pub fn not_a_folder(shown: &str, exists: bool) -> Error {
    let code = if exists { Code::IoNotAFolder } else { Code::IoNotFound };
    Error::new(code, format!("`{shown}` is not a folder"))
}

/// The entries of a folder, sorted by name: the one walk order of the plan reader and the test runner.
pub(crate) fn folder_entries(dir: &Path) -> std::io::Result<Vec<std::fs::DirEntry>> {
    let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    Ok(entries)
}

/// Entries a walk leaves out: hidden ones, `node_modules` and `target` (build output, not plan).
pub(crate) fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// A plan folder being read, and what it holds so far.
struct Folder {
    root: std::path::PathBuf,
    budget: FolderBudget,
    files: PlanFiles,
}

impl Folder {
    /// Keeps one file's text, within the folder's limits.
    fn keep(&mut self, key: String, text: String) -> Result<()> {
        self.budget.take(&key, text.len() as u64)?;
        self.files.insert(&key, text)
    }

    /// Reads the folder `dir`, whose path relative to the plan is `prefix` (empty or ending in `/`).
    fn walk(&mut self, dir: &Path, prefix: &str, depth: usize) -> Result<()> {
        self.budget.enter(prefix, depth)?;
        let folder = if prefix.is_empty() { ".".to_string() } else { prefix.trim_end_matches('/').to_string() };
        let cannot = |e: std::io::Error| io_error(&e, format!("cannot read the folder: {e}")).in_file(folder.clone());
        for entry in folder_entries(dir).map_err(cannot)? {
            let os_name = entry.file_name();
            let Some(name) = os_name.to_str() else {
                if entry.file_type().is_ok_and(|t| t.is_dir()) || is_plan_file(&os_name.to_string_lossy()) {
                    let key = format!("{prefix}{}", os_name.to_string_lossy());
                    return Err(Error::new(Code::IoNotUtf8, "the name is not UTF-8 text; rename it").in_file(key));
                }
                continue;
            };
            let key = format!("{prefix}{name}");
            let path = entry.path();
            let (kind, target) = self.probe(&path, &key)?;
            match folder_entry(&key, kind)? {
                EntryAction::Skip => {}
                EntryAction::Workbook => self.files.add_workbook(key),
                EntryAction::Walk => self.walk(&path, &format!("{key}/"), depth + 1)?,
                EntryAction::Read => {
                    let text = read_text(target.as_deref().unwrap_or(&path)).map_err(|e| e.in_file(key.clone()))?;
                    self.keep(key, text)?;
                }
            }
        }
        Ok(())
    }

    /// What an entry is, for [`folder_entry`]; a link's target when it leads to a file inside the plan.
    fn probe(&self, path: &Path, key: &str) -> Result<(EntryKind, Option<std::path::PathBuf>)> {
        // Not `metadata`: that follows links, and a link must not lead the walk out of the plan.
        let kind = std::fs::symlink_metadata(path).map_err(|e| io_error(&e, format!("cannot read: {e}")).in_file(key))?.file_type();
        if !kind.is_symlink() {
            return Ok((
                if kind.is_dir() {
                    EntryKind::Folder
                } else if kind.is_file() {
                    EntryKind::File
                } else {
                    EntryKind::Other
                },
                None,
            ));
        }
        let target = std::fs::canonicalize(path).ok();
        let Some(meta) = target.as_deref().and_then(|t| std::fs::metadata(t).ok()) else { return Ok((EntryKind::BrokenLink, None)) };
        let inside = target.as_ref().is_some_and(|t| t.starts_with(&self.root));
        let kind = if meta.is_dir() {
            EntryKind::LinkToFolder
        } else if !inside {
            EntryKind::LinkOutside
        } else if meta.is_file() {
            EntryKind::LinkToFile
        } else {
            EntryKind::LinkToOther
        };
        Ok((kind, target))
    }
}

/// A folder entry as a walk finds it (the walk follows no link: it looks where a link leads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A folder.
    Folder,
    /// A regular file.
    File,
    /// A pipe, socket or device.
    Other,
    /// A link to a folder.
    LinkToFolder,
    /// A link to a regular file inside the plan folder.
    LinkToFile,
    /// A link to a pipe, socket or device inside the plan folder.
    LinkToOther,
    /// A link to anything outside the plan folder.
    LinkOutside,
    /// A link whose target does not exist.
    BrokenLink,
}

/// What a walk does with a folder entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryAction {
    /// Leave it out.
    Skip,
    /// Walk into the folder.
    Walk,
    /// Read the file (through the link) as the entry's path.
    Read,
    /// A workbook (`.xlsx`) under `data/`: data, but not text. Core's walk lists it
    /// ([`PlanFiles::workbooks`]) for a reader of workbooks (attain-excel); a reader without
    /// one refuses it with [`unread_workbook`].
    Workbook,
}

/// Whether a plan file's path is a data file that is not text: a workbook or a Parquet file
/// (`data/…/*.xlsx`, `data/…/*.parquet`, any case), read outside core (attain-excel).
fn is_data_workbook(key: &str) -> bool {
    key.starts_with("data/")
        && key.rsplit_once('.').is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("xlsx") || ext.eq_ignore_ascii_case("parquet"))
}

/// The error for a workbook in a plan's data that the reader cannot read (the JavaScript
/// package, core alone): `data.unread_workbook` at the workbook, saying which readers do and
/// the way round. Never skipped in silence, since its rows would be lost.
pub fn unread_workbook(key: &str) -> Error {
    let message = if key.to_ascii_lowercase().ends_with(".parquet") {
        "the plan's data holds this Parquet file, which this reader does not read (the attain CLI and the Python package do, \
         through attain-excel); write the rows as CSV or read the file in the host"
    } else {
        "the plan's data holds this workbook (.xlsx), which this reader does not read (the attain CLI and the Python package do, \
         through attain-excel); save the sheet as CSV (`;` with decimal commas is read) or read it in the host"
    };
    Error::new(Code::DataUnreadWorkbook, message).in_file(key)
}

/// The plan reader's one rule for a folder entry at `key` (its `/`-separated path in the plan), for every reader of a plan folder
/// (core's own walk, Node's `Plan.load`): hidden entries, `node_modules` and `target` are left
/// out, folders walked, `.toml`, `.rhai`, `.csv` and `.json` files read, a workbook under `data/`
/// listed ([`EntryAction::Workbook`]); a link to a folder,
/// out of the plan or to nowhere, and a plan file that is not a regular file, are errors.
///
/// # Errors
/// An io error (`io.link`, `io.not_a_file`) at `key`.
pub fn folder_entry(key: &str, kind: EntryKind) -> Result<EntryAction> {
    let name = key.rsplit('/').next().unwrap_or(key);
    let link = |m: &str| Err(Error::new(Code::IoLink, m).in_file(key));
    if skipped(name) {
        return Ok(EntryAction::Skip);
    }
    match kind {
        EntryKind::Folder => Ok(EntryAction::Walk),
        EntryKind::LinkToFolder => link("a link to a folder, which the plan reader does not follow; put the folder itself in the plan"),
        EntryKind::File | EntryKind::LinkToFile if is_data_workbook(key) => Ok(EntryAction::Workbook),
        _ if !is_plan_file(name) => Ok(EntryAction::Skip),
        EntryKind::File | EntryKind::LinkToFile => Ok(EntryAction::Read),
        EntryKind::Other | EntryKind::LinkToOther => Err(not_regular().in_file(key)),
        EntryKind::LinkOutside => link("a link that leads outside the plan folder, which the plan reader does not follow"),
        EntryKind::BrokenLink => link("a link that leads nowhere (its target does not exist)"),
    }
}

/// An error of the operating system while reading: `io.not_found` when the path does not
/// exist, else `io.read`.
pub(crate) fn io_error(e: &std::io::Error, message: String) -> Error {
    let code = if e.kind() == std::io::ErrorKind::NotFound { Code::IoNotFound } else { Code::IoRead };
    Error::new(code, message)
}

fn not_regular() -> Error {
    Error::new(Code::IoNotAFile, "not a regular file (a pipe, socket or device), which the plan reader does not open")
}

/// Reads one UTF-8 text file of at most [`MAX_FILE_BYTES`], without a UTF-8 byte-order mark.
///
/// # Errors
/// An io error naming the file when it cannot be read, is not a regular file (a folder, pipe or
/// device), is larger than the limit, or is not UTF-8 (with the line and column of the first
/// byte that is not).
pub fn read_text(path: &Path) -> Result<String> {
    let shown = path.display().to_string();
    let io = |code: Code, m: String| Error::new(code, m).in_file(shown.clone());
    let read = |e: std::io::Error| io_error(&e, format!("cannot read the file: {e}")).in_file(shown.clone());
    let meta = std::fs::metadata(path).map_err(read)?;
    if !meta.is_file() {
        return Err(io(Code::IoNotAFile, "not a regular file (a folder, pipe, socket or device)".into()));
    }
    let too_big = |len: u64| {
        io(Code::IoLimit, format!("the file ({} MiB) is larger than the limit of {} MiB", len.div_ceil(1 << 20), MAX_FILE_BYTES >> 20))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(read)?;
    // Sized once from `metadata` (and one byte to see the end): grown by doubling, the text
    // was copied and its fresh pages faulted and zeroed again at each step.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // The size may change after `metadata`: never read more than the limit and one byte.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    decode(bytes).map_err(|e| e.in_file(shown.clone()))
}

/// UTF-8 text without a byte-order mark, or an io error at the line and column of the first
/// byte that is not UTF-8.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(without_bom(text)),
        Err(e) => {
            let bytes = e.as_bytes();
            if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
                return Err(Error::new(
                    Code::IoNotUtf8,
                    "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8",
                )
                .at(1, 1));
            }
            let valid = e.utf8_error().valid_up_to();
            let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let (line, column) = crate::error::line_column(before, before.len());
            let byte = bytes.get(valid).copied().unwrap_or_default();
            Err(Error::new(
                Code::IoNotUtf8,
                format!("the file is not UTF-8 text (byte 0x{byte:02x} at line {line}, column {column}); save it as UTF-8"),
            )
            .at(line, column))
        }
    }
}

/// The text without a leading UTF-8 byte-order mark.
pub(crate) fn without_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// Every file of a plan without a leading UTF-8 byte-order mark, whoever read it.
pub(crate) fn without_boms(mut files: PlanFiles) -> PlanFiles {
    for text in files.texts_mut() {
        if text.starts_with('\u{feff}') {
            *text = without_bom(std::mem::take(text));
        }
    }
    files
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

    fn folder_with(limits: FolderLimits, files: &[(&str, &str)]) -> Result<PlanFiles> {
        let dir = std::env::temp_dir().join(format!("attain-folder-limits-{}-{}", std::process::id(), limits.files));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&e, e.to_string()))?;
        for (name, text) in files {
            std::fs::write(dir.join(name), text).map_err(|e| io_error(&e, e.to_string()))?;
        }
        let root = std::fs::canonicalize(&dir).map_err(|e| io_error(&e, e.to_string()))?;
        let mut folder = Folder { root, budget: FolderBudget::with(limits), files: PlanFiles::new() };
        let read = folder.walk(&dir, "", 0).map(|()| folder.files);
        let _ = std::fs::remove_dir_all(&dir);
        read
    }

    #[test]
    fn a_folder_over_its_limits_is_an_error_naming_the_file_that_crossed_them() {
        let three = [("a.csv", "12345"), ("b.csv", "12345"), ("c.csv", "12345")];
        let read = folder_with(FolderLimits { files: 3, bytes: 15 }, &three);
        assert_eq!(read.map(|f| f.len()).ok(), Some(3), "at the limits exactly, everything is read");

        let Err(e) = folder_with(FolderLimits { files: 2, bytes: 1000 }, &three) else { panic!("three files over a limit of two") };
        assert_eq!(e.file(), Some("c.csv"));
        assert!(e.message().contains("more than 2 files"), "{}", e.message());

        let Err(e) = folder_with(FolderLimits { files: 10, bytes: 14 }, &three) else { panic!("15 bytes over a limit of 14") };
        assert_eq!(e.file(), Some("c.csv"));
        assert!(e.message().contains("together exceed"), "{}", e.message());
    }
}
