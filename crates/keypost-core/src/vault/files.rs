//! The vault folder on disk: its file names, the one-process lock, and atomic replacement of
//! the header.

use fs4::fs_std::FileExt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const HEADER_FILE: &str = "header";
pub const HEADER_TEMP_FILE: &str = "header.tmp";
pub const DATABASE_FILE: &str = "vault.db";
pub const LOCK_FILE: &str = "lock";

/// Paths of the files inside one vault folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultPaths {
    pub root: PathBuf,
    pub header: PathBuf,
    pub header_temp: PathBuf,
    pub database: PathBuf,
    pub lock: PathBuf,
}

impl VaultPaths {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            header: root.join(HEADER_FILE),
            header_temp: root.join(HEADER_TEMP_FILE),
            database: root.join(DATABASE_FILE),
            lock: root.join(LOCK_FILE),
        }
    }
}

/// An exclusive OS lock on the vault's `lock` file, held for as long as the vault is open.
/// The OS releases it when the file closes, also when the process is killed.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
}

/// Outcome of trying to take the lock.
pub enum LockAttempt {
    Acquired(ProcessLock),
    HeldElsewhere,
}

impl ProcessLock {
    pub fn try_acquire(path: &Path) -> io::Result<LockAttempt> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        if FileExt::try_lock_exclusive(&file)? {
            Ok(LockAttempt::Acquired(ProcessLock { _file: file }))
        } else {
            Ok(LockAttempt::HeldElsewhere)
        }
    }
}

/// Replaces `target` with `bytes` so that a crash at any point leaves either the old or the
/// new content: write a temporary file, fsync it, rename it over the target, fsync the folder.
/// The file is readable by its owner only (the vault header, exports with passwords in clear).
pub fn replace_atomically(target: &Path, temp: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_atomically_with(target, temp, |file| file.write_all(bytes))
}

/// [`replace_atomically`] with content that `write` streams into the temporary file. When
/// `write` fails (or is cancelled), the temporary file is removed and `target` stays as it was.
pub fn replace_atomically_with<E: From<io::Error>>(
    target: &Path,
    temp: &Path,
    write: impl FnOnce(&mut File) -> Result<(), E>,
) -> Result<(), E> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(temp)?;
    let written = write(&mut file).and_then(|()| Ok(file.sync_all()?));
    drop(file);
    if let Err(error) = written {
        // Best effort: the error that stopped the write is the one to report.
        let _ = fs::remove_file(temp);
        return Err(error);
    }
    fs::rename(temp, target)?;
    Ok(sync_folder(folder_of(target))?)
}

/// The folder `target` is in: `.` for a bare file name such as `out.csv`, whose parent is the
/// empty path (which cannot be opened).
fn folder_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a rename durable. Windows has no folder handles to sync; its rename is journaled.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_name_is_in_the_current_folder() {
        assert_eq!(folder_of(Path::new("out.csv")), Path::new("."));
        assert_eq!(
            folder_of(Path::new("exports/out.csv")),
            Path::new("exports")
        );
        assert_eq!(folder_of(Path::new("/tmp/out.csv")), Path::new("/tmp"));
    }
}
