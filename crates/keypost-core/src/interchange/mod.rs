//! Getting entries in and out of the vault in other people's formats: CSV for other password
//! managers ([`csv`]) and a printable PDF ([`print`]). Nothing here touches the store; the
//! vault passes entries in and takes previews out.

pub mod csv;
pub mod print;

use std::io::Write;
use std::path::Path;

/// Writes an export (passwords in clear) to a file only its owner can read, and syncs it to
/// disk. An existing file is replaced.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
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
    }
}
