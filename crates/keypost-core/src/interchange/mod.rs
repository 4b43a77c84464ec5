//! Getting entries in and out of the vault in other people's formats: CSV for other password
//! managers ([`csv`]) and a printable PDF ([`print`]). The formats are pure functions over
//! entries; [`transfer`] is the import and export use case that streams them between a file
//! and the vault's entries, with [`progress`] reports and cancellation.

pub mod csv;
pub mod print;
pub mod progress;
pub mod transfer;

use crate::vault::files::replace_atomically_with;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Writes an export (passwords in clear) to a file only its owner can read, synced to disk.
/// It appears whole or not at all: written next to it as `NAME.partial`, then renamed over
/// it, so a crash, a full disk or a reader looking too early never meets half a file, and an
/// existing file stays as it was until the new one is complete.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_file_with(path, |file| file.write_all(bytes))
}

/// [`write_private_file`] with content that `write` streams into the file; when `write` fails
/// or is cancelled, no partial file stays behind and an existing file is left as it was.
pub fn write_private_file_with<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<(), E>,
) -> Result<(), E> {
    let mut partial = path.file_name().unwrap_or_default().to_os_string();
    partial.push(".partial");
    replace_atomically_with(path, &path.with_file_name(partial), write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_are_replaced_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        write_private_file(&path, b"a much longer first content").unwrap();
        write_private_file(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "no access for group or others: {mode:o}");
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["export.csv"], "no partial file left behind");
    }

    #[test]
    fn a_write_that_cannot_finish_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        write_private_file(&path, b"the first export").unwrap();
        // Something in the way of the partial file: the new content cannot be written.
        std::fs::create_dir(dir.path().join("export.csv.partial")).unwrap();
        assert!(write_private_file(&path, b"second").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"the first export");
    }

    #[test]
    fn a_streamed_write_that_fails_leaves_no_partial_file_and_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        write_private_file(&path, b"the first export").unwrap();
        let failed = write_private_file_with(&path, |file| {
            file.write_all(b"half of the se")?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"the first export");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["export.csv"], "no partial file left behind");
    }
}
