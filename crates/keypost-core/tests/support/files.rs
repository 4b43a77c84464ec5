//! A folder's files read whole, to look for bytes that must not be in any of them (a link
//! secret beside a vault). Also used by the app's end-to-end tests.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};

/// Every file below `dir` (sub-folders too) whose name does not start with `skip`, read whole.
pub fn files_below(dir: &Path, skip: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let skipped = !skip.is_empty()
                && path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with(skip));
            if path.is_dir() {
                folders.push(path);
            } else if !skipped {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path, bytes));
            }
        }
    }
    found
}

/// Whether `haystack` holds `needle` anywhere.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
