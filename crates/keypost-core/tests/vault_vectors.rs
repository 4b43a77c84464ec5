//! Runs every test vector in `tests/vectors/vault/` (spec: "Test vectors").
//!
//! The vectors are deterministic (fixed salt, nonce and data key). To regenerate them after a
//! deliberate format change, run with `KEYPOST_WRITE_VAULT_VECTORS=1`; the same test then
//! writes the files instead of checking them, so there is one definition of each vector.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::vault::header::{HEADER_LEN, HeaderError, KdfParams, VaultHeader};
use keypost_core::vault::keys;
use keypost_protocol::vectors::secret_key;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Vector {
    description: String,
    /// UTF-8 master password, used as is (no normalisation).
    password: String,
    /// The header file's bytes.
    header: String,
    /// "success", "wrong password", "corrupt header", "unsupported version",
    /// "kdf out of range".
    expect: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    kek: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    data_key: Option<String>,
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/vault")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn fixed<const N: usize>(start: u8) -> [u8; N] {
    std::array::from_fn(|i| start.wrapping_add(u8::try_from(i).unwrap()))
}

/// Re-seals the checksum after a deliberate edit, so only the intended rule trips.
fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let body = HEADER_LEN - 32;
    let digest = Sha256::digest(&bytes[..body]);
    bytes[body..].copy_from_slice(&digest);
    bytes
}

const PASSWORD: &str = "correct horse battery staple";

fn success(name: &str, password: &str, kdf: KdfParams) -> (String, Vector) {
    let salt = fixed::<32>(0x00);
    let nonce = fixed::<24>(0x40);
    let data_key = secret_key(fixed::<32>(0x80));
    let kek = keys::derive_kek(password, &salt, &kdf).unwrap();
    let header = keys::seal_header(&kek, kdf, salt, nonce, &data_key).unwrap();
    (
        name.to_owned(),
        Vector {
            description: format!(
                "valid header, m={} KiB t={} p={}",
                kdf.memory_kib, kdf.iterations, kdf.parallelism
            ),
            password: password.to_owned(),
            header: hex(&header.to_bytes()),
            expect: "success".into(),
            kek: Some(kek.to_hex().to_string()),
            data_key: Some(data_key.to_hex().to_string()),
        },
    )
}

fn failing(name: &str, description: &str, header: &[u8], expect: &str) -> (String, Vector) {
    (
        name.to_owned(),
        Vector {
            description: description.to_owned(),
            password: PASSWORD.to_owned(),
            header: hex(header),
            expect: expect.to_owned(),
            kek: None,
            data_key: None,
        },
    )
}

/// The full set of vectors, computed from the implementation (used only when regenerating).
fn generate() -> Vec<(String, Vector)> {
    let (_, base) = success("base", PASSWORD, KdfParams::FLOOR);
    let good = unhex(&base.header);
    let mut out = vec![
        success("valid_floor_params", PASSWORD, KdfParams::FLOOR),
        success("valid_default_params", PASSWORD, KdfParams::RECOMMENDED),
        success(
            "valid_unicode_password",
            "pässwörd \u{1F511} 密码",
            KdfParams::FLOOR,
        ),
        success("valid_empty_password", "", KdfParams::FLOOR),
    ];
    let mut wrong = base;
    wrong.description = "valid header, password differs in case of one letter".into();
    wrong.password = "Correct horse battery staple".into();
    wrong.expect = "wrong password".into();
    wrong.kek = None;
    wrong.data_key = None;
    out.push(("wrong_password".into(), wrong));

    let edit = |index: usize, value: u8| {
        let mut bytes = good.clone();
        bytes[index] = value;
        bytes
    };
    let mut altered_salt = edit(23, good[23] ^ 1);
    altered_salt = with_checksum(altered_salt);
    out.push(failing(
        "salt_altered_checksum_recomputed",
        "salt byte changed and checksum recomputed: the associated data catches it",
        &altered_salt,
        "wrong password",
    ));
    let mut iterations = good.clone();
    iterations[15..19].copy_from_slice(&3u32.to_be_bytes());
    out.push(failing(
        "kdf_iterations_altered_checksum_recomputed",
        "t raised from 2 to 3 and checksum recomputed: unwrap fails",
        &with_checksum(iterations),
        "wrong password",
    ));
    out.push(failing(
        "bad_magic",
        "first magic byte changed",
        &edit(0, b'k'),
        "corrupt header",
    ));
    out.push(failing(
        "truncated",
        "header cut to 159 bytes",
        &good[..HEADER_LEN - 1],
        "corrupt header",
    ));
    out.push(failing("empty", "empty header file", &[], "corrupt header"));
    let mut longer = good.clone();
    longer.push(0);
    out.push(failing(
        "trailing_byte",
        "one byte appended",
        &longer,
        "corrupt header",
    ));
    out.push(failing(
        "checksum_mismatch",
        "last checksum byte flipped",
        &edit(HEADER_LEN - 1, good[HEADER_LEN - 1] ^ 0x80),
        "corrupt header",
    ));
    out.push(failing(
        "wrapped_key_flipped",
        "a wrapped key byte flipped (checksum catches it before any KDF)",
        &edit(100, good[100] ^ 1),
        "corrupt header",
    ));
    out.push(failing(
        "version_2",
        "format version 2",
        &with_checksum(edit(9, 2)),
        "unsupported version",
    ));
    out.push(failing(
        "unknown_kdf_id",
        "KDF id 2 with a valid checksum",
        &with_checksum(edit(10, 2)),
        "corrupt header",
    ));
    out.push(failing(
        "unknown_wrap_id",
        "key wrap id 0 with a valid checksum",
        &with_checksum(edit(55, 0)),
        "corrupt header",
    ));
    let mut low = good.clone();
    low[11..15].copy_from_slice(&(19 * 1024 - 1u32).to_be_bytes());
    out.push(failing(
        "kdf_memory_below_floor",
        "m = 19455 KiB, one below the floor",
        &with_checksum(low),
        "kdf out of range",
    ));
    let mut t1 = good.clone();
    t1[15..19].copy_from_slice(&1u32.to_be_bytes());
    out.push(failing(
        "kdf_iterations_below_floor",
        "t = 1",
        &with_checksum(t1),
        "kdf out of range",
    ));
    let ceiling = KdfParams::CEILING;
    let mut huge = good.clone();
    huge[11..15].copy_from_slice(&(ceiling.memory_kib + 1).to_be_bytes());
    out.push(failing(
        "kdf_memory_above_ceiling",
        "m = 1 GiB + 1 KiB, one above the ceiling",
        &with_checksum(huge),
        "kdf out of range",
    ));
    let mut work = good.clone();
    work[11..15].copy_from_slice(&ceiling.memory_kib.to_be_bytes());
    work[15..19].copy_from_slice(&(ceiling.iterations + 1).to_be_bytes());
    out.push(failing(
        "kdf_work_above_ceiling",
        "m = 1 GiB, t = 5: memory × passes above the limit (each value within its range)",
        &with_checksum(work),
        "kdf out of range",
    ));
    let mut lanes = good;
    lanes[19..23].copy_from_slice(&65u32.to_be_bytes());
    out.push(failing(
        "kdf_parallelism_absurd",
        "p = 65",
        &with_checksum(lanes),
        "kdf out of range",
    ));
    out
}

fn check(name: &str, vector: &Vector) {
    let bytes = unhex(&vector.header);
    let parsed = VaultHeader::parse(&bytes);
    match vector.expect.as_str() {
        "success" | "wrong password" => {
            let header = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                header.to_bytes().as_slice(),
                bytes.as_slice(),
                "{name}: round trip"
            );
            let kek = keys::derive_kek(&vector.password, &header.salt, &header.kdf).unwrap();
            let opened = keys::unwrap_data_key(&kek, &header);
            if vector.expect == "success" {
                assert_eq!(Some(kek.to_hex().to_string()), vector.kek, "{name}: KEK");
                let data_key = opened.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    Some(data_key.to_hex().to_string()),
                    vector.data_key,
                    "{name}"
                );
            } else {
                assert!(
                    matches!(opened, Err(keys::KeyError::WrongPassword)),
                    "{name}"
                );
            }
        }
        "corrupt header" => assert!(
            matches!(
                parsed,
                Err(HeaderError::Length { .. }
                    | HeaderError::Magic
                    | HeaderError::Checksum
                    | HeaderError::UnknownKdf { .. }
                    | HeaderError::UnknownWrap { .. })
            ),
            "{name}: {parsed:?}"
        ),
        "unsupported version" => assert!(
            matches!(parsed, Err(HeaderError::UnsupportedVersion { .. })),
            "{name}: {parsed:?}"
        ),
        "kdf out of range" => assert!(
            matches!(parsed, Err(HeaderError::KdfParams(_))),
            "{name}: {parsed:?}"
        ),
        other => panic!("{name}: unknown expectation {other:?}"),
    }
}

#[test]
fn all_vault_vectors() {
    let dir = vectors_dir();
    if std::env::var_os("KEYPOST_WRITE_VAULT_VECTORS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, vector) in generate() {
            let text = serde_json::to_string_pretty(&vector).unwrap() + "\n";
            std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
        }
    }
    let mut count = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let vector: Vector = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&name, &vector);
        count += 1;
    }
    assert!(count >= 20, "expected the full vector set, found {count}");
}
