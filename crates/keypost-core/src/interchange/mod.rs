//! Getting entries in and out of the vault in other people's formats: CSV for other password
//! managers ([`csv`]) and a printable PDF ([`print`]). Nothing here touches the store; the
//! vault passes entries in and takes previews out.

pub mod csv;
pub mod print;

use crate::vault::files::replace_atomically;
use std::path::Path;

/// Writes an export (passwords in clear) to a file only its owner can read, synced to disk.
/// It appears whole or not at all: written next to it as `NAME.partial`, then renamed over
/// it, so a crash, a full disk or a reader looking too early never meets half a file, and an
/// existing file stays as it was until the new one is complete.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = path.file_name().unwrap_or_default().to_os_string();
    partial.push(".partial");
    replace_atomically(path, &path.with_file_name(partial), bytes)
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
}
