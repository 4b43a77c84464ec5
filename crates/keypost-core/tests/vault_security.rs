//! Hostile and failure cases of the vault at rest (security.md, "Vault at rest"): wrong
//! password, damaged headers, KDF limits, encryption of the file, master password change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::entries::EntryQuery;
use keypost_core::vault::header::{HEADER_LEN, VaultHeader};
use keypost_core::vault::keys;
use keypost_core::vault::{
    DATABASE_FILE, HEADER_FILE, HeaderError, KdfParams, LOCK_FILE, Vault, VaultError,
};
use keypost_protocol::vectors::secret_key;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const PASSWORD: &str = "correct horse battery staple";

fn vault_with_entry(dir: &Path) -> PathBuf {
    let path = dir.join("v.keypost");
    let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    vault
        .entries_mut()
        .add(keypost_core::entry_fields! {
            title: "Canary title".into(),
            password: "canary-password-value".into(),
            notes: "canary notes".into(),
        })
        .unwrap();
    path
}

/// Every file of the vault folder, byte for byte, to prove an operation wrote nothing.
fn snapshot(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(path)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn create_makes_the_documented_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    assert!(path.join(HEADER_FILE).is_file());
    assert!(path.join(DATABASE_FILE).is_file());
    assert!(path.join("lock").is_file());
    assert_eq!(fs::read(path.join(HEADER_FILE)).unwrap().len(), HEADER_LEN);
}

#[test]
fn create_refuses_an_existing_vault_and_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    assert!(matches!(
        Vault::create(&path, PASSWORD, KdfParams::FLOOR),
        Err(VaultError::AlreadyExists { .. })
    ));
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("something"), b"x").unwrap();
    assert!(matches!(
        Vault::create(&other, PASSWORD, KdfParams::FLOOR),
        Err(VaultError::AlreadyExists { .. })
    ));
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    Vault::create(&empty, PASSWORD, KdfParams::FLOOR).unwrap();
}

#[test]
fn unlock_of_a_missing_vault_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Vault::unlock(&dir.path().join("nothing"), PASSWORD),
        Err(VaultError::NotFound { .. })
    ));
}

#[test]
fn wrong_password_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let before = snapshot(&path);
    for wrong in [
        "",
        "correct horse battery stapl",
        "CORRECT HORSE BATTERY STAPLE",
    ] {
        assert!(matches!(
            Vault::unlock(&path, wrong),
            Err(VaultError::WrongPassword)
        ));
    }
    assert_eq!(snapshot(&path), before);
    Vault::unlock(&path, PASSWORD).unwrap();
}

#[test]
fn database_file_is_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let bytes = fs::read(path.join(DATABASE_FILE)).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    for needle in [
        &b"Canary title"[..],
        b"canary-password-value",
        b"canary notes",
        b"CREATE TABLE",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|window| window == needle),
            "{} found in plaintext",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn plain_sqlite_cannot_read_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    // Python's sqlite3 module links the system's plain SQLite, with no SQLCipher.
    let output = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('select * from sqlite_master').fetchall()")
        .arg(path.join(DATABASE_FILE))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("file is not a database"), "{stderr}");
}

#[test]
fn truncated_or_extended_header_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_path = path.join(HEADER_FILE);
    let original = fs::read(&header_path).unwrap();
    for len in [0, 1, 8, 10, 80, 127, HEADER_LEN - 1] {
        fs::write(&header_path, &original[..len]).unwrap();
        let result = Vault::unlock(&path, PASSWORD);
        assert!(
            matches!(
                result,
                Err(VaultError::CorruptHeader {
                    reason: HeaderError::Length { .. },
                    ..
                })
            ),
            "length {len}: {result:?}"
        );
    }
    let mut longer = original.clone();
    longer.extend_from_slice(b"\0");
    fs::write(&header_path, &longer).unwrap();
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::CorruptHeader { .. })
    ));
    fs::write(&header_path, &original).unwrap();
    Vault::unlock(&path, PASSWORD).unwrap();
}

#[test]
fn each_flipped_header_byte_is_refused_without_running_the_kdf_on_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_path = path.join(HEADER_FILE);
    let original = fs::read(&header_path).unwrap();
    for index in 0..HEADER_LEN {
        let mut damaged = original.clone();
        damaged[index] ^= 0x01;
        fs::write(&header_path, &damaged).unwrap();
        let result = Vault::unlock(&path, PASSWORD);
        let refused = match &result {
            Err(VaultError::CorruptHeader { .. }) => true,
            Err(VaultError::UnsupportedVersion { .. }) => (8..10).contains(&index),
            _ => false,
        };
        assert!(refused, "byte {index}: {result:?}");
    }
    fs::write(&header_path, &original).unwrap();
    Vault::unlock(&path, PASSWORD).unwrap();
}

#[test]
fn header_with_consistent_checksum_but_altered_fields_fails_the_unwrap() {
    // An attacker can recompute the checksum; the associated data still binds every field.
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_path = path.join(HEADER_FILE);
    let header = VaultHeader::parse(&fs::read(&header_path).unwrap()).unwrap();
    let mut altered = header.clone();
    altered.salt[0] ^= 1;
    fs::write(&header_path, altered.to_bytes()).unwrap();
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::WrongPassword)
    ));
    let mut altered = header.clone();
    altered.kdf.iterations += 1;
    fs::write(&header_path, altered.to_bytes()).unwrap();
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::WrongPassword)
    ));
}

#[test]
fn kdf_parameters_below_the_floor_or_absurd_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_path = path.join(HEADER_FILE);
    let header = VaultHeader::parse(&fs::read(&header_path).unwrap()).unwrap();
    let floor = KdfParams::FLOOR;
    let hostile = [
        KdfParams {
            memory_kib: floor.memory_kib - 1,
            ..floor
        },
        KdfParams {
            iterations: 1,
            ..floor
        },
        KdfParams {
            parallelism: 0,
            ..floor
        },
        KdfParams {
            memory_kib: 4 * 1024 * 1024 + 1,
            ..floor
        },
        KdfParams {
            iterations: 65,
            ..floor
        },
        KdfParams {
            parallelism: 65,
            ..floor
        },
        KdfParams {
            memory_kib: u32::MAX,
            iterations: u32::MAX,
            parallelism: u32::MAX,
        },
    ];
    for params in hostile {
        let mut altered = header.clone();
        altered.kdf = params;
        fs::write(&header_path, altered.to_bytes()).unwrap();
        let result = Vault::unlock(&path, PASSWORD);
        assert!(
            matches!(result, Err(VaultError::KdfOutOfRange(_))),
            "{params:?}: {result:?}"
        );
        assert!(matches!(
            Vault::create(&dir.path().join("new"), PASSWORD, params),
            Err(VaultError::KdfOutOfRange(_))
        ));
    }
}

#[test]
fn the_kdf_ceiling_is_one_gib_and_just_above_it_is_refused_before_any_kdf_work() {
    // The ceiling's cost is measured in docs/benchmarks.md ("KDF ceiling").
    let ceiling = KdfParams::CEILING;
    assert!(
        u64::from(ceiling.memory_kib) * 1024 <= 1 << 30,
        "{ceiling:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_path = path.join(HEADER_FILE);
    let header = VaultHeader::parse(&fs::read(&header_path).unwrap()).unwrap();
    let just_above = [
        KdfParams {
            memory_kib: ceiling.memory_kib + 1,
            ..ceiling
        },
        KdfParams {
            iterations: ceiling.iterations + 1,
            ..ceiling
        },
        KdfParams {
            parallelism: ceiling.parallelism + 1,
            ..ceiling
        },
        // The hostile header of issue 10: it held 4 GiB for over 45 s under the old ceiling.
        KdfParams {
            memory_kib: 4 * 1024 * 1024,
            iterations: 64,
            parallelism: 64,
        },
    ];
    for params in just_above {
        let mut altered = header.clone();
        altered.kdf = params;
        fs::write(&header_path, altered.to_bytes()).unwrap();
        let before = snapshot(&path);
        // Refused by the header's range rule, which comes before the KDF; a KDF run at these
        // costs would have taken over a gigabyte.
        assert!(
            matches!(
                VaultHeader::parse(&altered.to_bytes()),
                Err(HeaderError::KdfParams(_))
            ),
            "{params:?}"
        );
        let result = Vault::unlock(&path, PASSWORD);
        assert!(
            matches!(result, Err(VaultError::KdfOutOfRange(_))),
            "{params:?}: {result:?}"
        );
        assert_eq!(snapshot(&path), before, "{params:?}: nothing written");
    }
    // The defaults and the ceiling itself stay accepted.
    for params in [KdfParams::default(), ceiling] {
        let mut accepted = header.clone();
        accepted.kdf = params;
        assert_eq!(
            VaultHeader::parse(&accepted.to_bytes()).unwrap().kdf,
            params
        );
    }
}

/// A vault folder with a valid header (and the lock file every opened vault has) but no
/// database yet; returns the data key in hex, which a real vault never shows, so the test can
/// write a correctly keyed database.
fn vault_with_known_data_key(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("known.keypost");
    fs::create_dir(&path).unwrap();
    let data_key = secret_key([0x5a; 32]);
    let header = keys::make_header(PASSWORD, KdfParams::FLOOR, &data_key).unwrap();
    fs::write(path.join(HEADER_FILE), header.to_bytes()).unwrap();
    fs::write(path.join(LOCK_FILE), "").unwrap();
    (path, data_key.to_hex().to_string())
}

#[test]
fn an_empty_short_or_schemaless_database_beside_a_valid_header_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let database = path.join(DATABASE_FILE);
    let whole = fs::read(&database).unwrap();
    assert!(whole.len() > 4096);
    for (contents, expected) in [
        (Vec::new(), "is empty"),
        (whole[..4095].to_vec(), "is shorter than one page"),
    ] {
        fs::write(&database, &contents).unwrap();
        let before = snapshot(&path);
        let result = Vault::unlock(&path, PASSWORD);
        assert!(
            matches!(result, Err(VaultError::DatabaseTruncated { reason }) if reason == expected),
            "{result:?}"
        );
        assert!(result.unwrap_err().to_string().starts_with("vault damaged"));
        assert_eq!(snapshot(&path), before, "{expected}: nothing written");
    }

    // A whole, correctly keyed database that never got a schema (version 0).
    let (schemaless, key_hex) = vault_with_known_data_key(dir.path());
    let connection = rusqlite::Connection::open(schemaless.join(DATABASE_FILE)).unwrap();
    connection
        .execute_batch(&format!(
            "PRAGMA key = \"x'{key_hex}'\"; CREATE TABLE leftover (x); INSERT INTO leftover VALUES (1);"
        ))
        .unwrap();
    drop(connection);
    let before = snapshot(&schemaless);
    let result = Vault::unlock(&schemaless, PASSWORD);
    assert!(
        matches!(
            result,
            Err(VaultError::DatabaseTruncated {
                reason: "has no schema (version 0)"
            })
        ),
        "{result:?}"
    );
    assert_eq!(snapshot(&schemaless), before, "schema 0: nothing written");
}

#[test]
fn a_header_from_another_vault_does_not_open_this_database() {
    let dir = tempfile::tempdir().unwrap();
    let first = vault_with_entry(dir.path());
    let second = dir.path().join("second");
    Vault::create(&second, PASSWORD, KdfParams::FLOOR).unwrap();
    fs::copy(second.join(HEADER_FILE), first.join(HEADER_FILE)).unwrap();
    assert!(matches!(
        Vault::unlock(&first, PASSWORD),
        Err(VaultError::DatabaseDamaged)
    ));
}

#[test]
fn change_master_password_rewraps_without_reencrypting() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let database_before = fs::read(path.join(DATABASE_FILE)).unwrap();
    let header_before = fs::read(path.join(HEADER_FILE)).unwrap();
    {
        let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
        vault
            .change_master_password(PASSWORD, "new password")
            .unwrap();
        // Still usable in the same session.
        assert_eq!(
            vault.entries().list(&EntryQuery::default()).unwrap().len(),
            1
        );
    }
    let header_after = fs::read(path.join(HEADER_FILE)).unwrap();
    assert_ne!(header_before, header_after);
    assert_eq!(
        header_before[..11],
        header_after[..11],
        "magic, version, KDF id kept"
    );
    assert!(!path.join("header.tmp").exists());
    assert!(matches!(
        Vault::unlock(&path, PASSWORD),
        Err(VaultError::WrongPassword)
    ));
    let vault = Vault::unlock(&path, "new password").unwrap();
    assert_eq!(
        vault.entries().list(&EntryQuery::default()).unwrap()[0].title,
        "Canary title"
    );
    drop(vault);
    // The first page holds SQLCipher's salt: the database was never re-keyed.
    let database_after = fs::read(path.join(DATABASE_FILE)).unwrap();
    assert_eq!(database_before[..16], database_after[..16]);
}

#[test]
fn a_wrong_current_password_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let header_before = fs::read(path.join(HEADER_FILE)).unwrap();
    let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert!(matches!(
        vault.change_master_password("not the password", "new password"),
        Err(VaultError::WrongPassword)
    ));
    assert_eq!(fs::read(path.join(HEADER_FILE)).unwrap(), header_before);
    assert!(!path.join("header.tmp").exists());
    drop(vault);
    Vault::unlock(&path, PASSWORD).unwrap();
}

#[test]
fn a_password_change_prepared_before_another_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
    let stale = vault
        .begin_password_change()
        .rewrap(PASSWORD, "first new password")
        .unwrap();
    vault
        .change_master_password(PASSWORD, "second new password")
        .unwrap();
    assert!(matches!(
        vault.finish_password_change(stale),
        Err(VaultError::ChangedMeanwhile)
    ));
    drop(vault);
    Vault::unlock(&path, "second new password").unwrap();
}

#[test]
fn leftover_temp_header_from_a_crash_is_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_entry(dir.path());
    // Crash after writing the new header's temp file but before the rename: the old
    // password still opens the vault.
    let data_key_header = fs::read(path.join(HEADER_FILE)).unwrap();
    let other = dir.path().join("other");
    Vault::create(&other, "new password", KdfParams::FLOOR).unwrap();
    fs::copy(other.join(HEADER_FILE), path.join("header.tmp")).unwrap();
    let vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert!(!path.join("header.tmp").exists());
    drop(vault);
    // A half-written temp file is harmless too.
    fs::write(path.join("header.tmp"), &data_key_header[..40]).unwrap();
    Vault::unlock(&path, PASSWORD).unwrap();
}
