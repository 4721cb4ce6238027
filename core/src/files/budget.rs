//! `FolderBudget`: what a plan folder may hold (files, their bytes together, nesting), fed entry by entry by every reader of a folder.

use super::MAX_FILE_BYTES;
use crate::error::{Code, Error, Result};

/// Deepest folder nesting read in a plan folder.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// What a whole plan folder may hold: files read, and their bytes together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FolderLimits {
    pub files: usize,
    pub bytes: u64,
}

const FOLDER_LIMITS: FolderLimits = FolderLimits { files: 100_000, bytes: 1 << 30 };

/// The limits of one plan folder as it is read, and what it has taken so far: the one count
/// of core's own walk and of Node's `Plan.load`, so that both refuse the same folders.
///
/// ```
/// use attain_core::FolderBudget;
/// let mut budget = FolderBudget::new();
/// budget.enter("rules", 1)?;
/// budget.take("rules/x.rhai", 120)?;
/// assert_eq!((budget.files(), budget.bytes()), (1, 120));
/// assert!(budget.enter(&"a/".repeat(33), 33).unwrap_err().message().contains("nested more than 32"));
/// # Ok::<(), attain_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderBudget {
    limits: FolderLimits,
    files: usize,
    bytes: u64,
}

impl Default for FolderBudget {
    fn default() -> Self {
        FolderBudget::new()
    }
}

impl FolderBudget {
    /// A budget with nothing taken.
    pub fn new() -> FolderBudget {
        FolderBudget::with(FOLDER_LIMITS)
    }

    pub(crate) fn with(limits: FolderLimits) -> FolderBudget {
        FolderBudget { limits, files: 0, bytes: 0 }
    }

    /// The same budget after `files` files of `bytes` bytes together, for a host that keeps the
    /// count between calls (Node's `Plan.load` across the WebAssembly boundary).
    pub fn after(files: usize, bytes: u64) -> FolderBudget {
        FolderBudget { files, bytes, ..FolderBudget::new() }
    }

    /// Files taken so far.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Bytes taken so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Entering the folder at `key` (its path in the plan; empty for the root), `depth` folders
    /// below the root.
    ///
    /// # Errors
    /// `io.limit` at the folder when it is nested deeper than [`MAX_FOLDER_DEPTH`].
    pub fn enter(&self, key: &str, depth: usize) -> Result<()> {
        if depth > MAX_FOLDER_DEPTH {
            let folder = if key.is_empty() { "." } else { key.trim_end_matches('/') };
            return Err(Error::new(Code::IoLimit, format!("folders are nested more than {MAX_FOLDER_DEPTH} deep")).in_file(folder));
        }
        Ok(())
    }

    /// Takes one file of `bytes` at `key`, before or after it is read.
    ///
    /// # Errors
    /// `io.limit` at the file when it is larger than [`MAX_FILE_BYTES`], or when the folder holds
    /// more files, or more bytes together, than its limits.
    pub fn take(&mut self, key: &str, bytes: u64) -> Result<()> {
        if bytes > MAX_FILE_BYTES {
            let mib = bytes.div_ceil(1 << 20);
            let message = format!("the file ({mib} MiB) is larger than the limit of {} MiB", MAX_FILE_BYTES >> 20);
            return Err(Error::new(Code::IoLimit, message).in_file(key));
        }
        if self.files >= self.limits.files {
            let message = format!(
                "the plan folder holds more than {} files to read; the limit keeps a stray folder from being read whole",
                self.limits.files
            );
            return Err(Error::new(Code::IoLimit, message).in_file(key));
        }
        self.files += 1;
        self.bytes += bytes;
        if self.bytes > self.limits.bytes {
            let message = format!("the plan folder's files together exceed {} MiB", self.limits.bytes >> 20);
            return Err(Error::new(Code::IoLimit, message).in_file(key));
        }
        Ok(())
    }
}
