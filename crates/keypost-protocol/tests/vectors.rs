//! Checks tests/vectors/{pickup,inbox}/*.json: the files are what the generators make, and this
//! implementation meets every vector's `expect` (docs/spec/pickup.md and docs/spec/inbox.md,
//! "Test vectors").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

#[path = "support/vectors.rs"]
mod generator;
#[path = "support/inbox_checks.rs"]
mod inbox_checks;
#[path = "support/inbox_vectors.rs"]
mod inbox_generator;

use generator::{UNASSIGNED_TABLE_PATH, Vector, hex, pickup_vectors, unassigned_table};
use inbox_generator::inbox_vectors;
use keypost_protocol::b64;
use keypost_protocol::pickup::{self, PickupLink, Pin};
use keypost_protocol::vectors::pickup_trace;
use serde_json::Value;

fn read_vectors(folder: &str) -> BTreeMap<String, String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(folder);
    fs::read_dir(dir)
        .expect("the vector folder exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn vector_files_are_exactly_what_the_generators_make() {
    assert_files_match("pickup", pickup_vectors().unwrap());
    assert_files_match("inbox", inbox_vectors().unwrap());
    let table = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(UNASSIGNED_TABLE_PATH);
    assert_eq!(
        fs::read_to_string(table).unwrap(),
        unassigned_table(),
        "run `cargo run -p keypost-protocol --example make_vectors`"
    );
}

fn assert_files_match(folder: &str, vectors: Vec<Vector>) {
    let generated: BTreeMap<String, String> = vectors
        .into_iter()
        .map(|vector| (vector.file_name(), vector.file_text()))
        .collect();
    let on_disk = read_vectors(folder);
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>(),
        "run `cargo run -p keypost-protocol --example make_vectors`"
    );
    for (name, text) in &generated {
        assert_eq!(&on_disk[name], text, "{name} differs from the generator");
    }
}

#[test]
fn every_vector_meets_its_expectation() {
    let mut counts = BTreeMap::<String, usize>::new();
    for (file, text) in read_vectors("pickup") {
        let vector: Value = serde_json::from_str(&text).unwrap();
        let kind = vector["kind"].as_str().unwrap().to_owned();
        let expect = vector["expect"].as_str().unwrap();
        let outcome = match kind.as_str() {
            "open" => check_open(&vector),
            "link" => check_link(&vector),
            "pin" => check_pin(&vector),
            other => panic!("{file}: unknown kind {other}"),
        };
        assert_eq!(outcome, expect, "{file}");
        *counts
            .entry(format!(
                "{kind} {}",
                if expect == "ok" { "ok" } else { "reject" }
            ))
            .or_default() += 1;
    }
    // Guards against an empty or half-written folder passing silently.
    assert!(counts["open ok"] >= 4, "{counts:?}");
    assert!(counts["open reject"] >= 30, "{counts:?}");
    assert!(counts["link ok"] >= 5, "{counts:?}");
    assert!(counts["link reject"] >= 10, "{counts:?}");
    assert!(
        counts["pin ok"] >= 8 && counts["pin reject"] >= 5,
        "{counts:?}"
    );
}

fn check_open(vector: &Value) -> String {
    // Spec §7.1: the link first, then the PIN, then the sealed text.
    let link = match PickupLink::parse(vector["link"].as_str().unwrap()) {
        Ok(link) => link,
        Err(error) => return error.code().into(),
    };
    let Ok(pin) = Pin::parse(vector["pin"].as_str().unwrap()) else {
        return "bad_pin".into();
    };
    let passphrase = vector["passphrase"].as_str();
    let sealed = match pickup::decode_sealed(vector["sealed"].as_str().unwrap()) {
        Ok(bytes) => bytes,
        Err(error) => return error.code().into(),
    };
    let payload = match pickup::open(link.secret(), &pin, passphrase, &sealed) {
        Ok(payload) => payload,
        Err(error) => return error.code().into(),
    };
    assert_eq!(serde_json::to_value(&payload).unwrap(), vector["payload"]);
    let derived = &vector["derived"];
    let keys = link.secret().keys();
    let challenge: [u8; 32] = hex_to_bytes(derived["challenge"].as_str().unwrap())
        .try_into()
        .unwrap();
    let header = pickup::SealedHeader::parse(&sealed).unwrap();
    let kdf = header.passphrase_kdf();
    let trace = pickup_trace(
        link.secret(),
        &pin,
        kdf.map(|kdf| (passphrase.unwrap(), kdf)),
    )
    .unwrap();
    let actual = [
        ("id", hex(keys.id().as_bytes())),
        ("auth_key", hex(&trace.auth_key)),
        ("delete_key", hex(&keys.delete_key())),
        ("payload_key_material", hex(&trace.payload_key_material)),
        (
            "pin_verifier",
            hex(&pickup::pin_verifier(link.secret(), &pin)),
        ),
        (
            "delete_verifier",
            hex(&pickup::delete_verifier(&pickup::delete_key(link.secret()))),
        ),
        ("access_key", hex(&*keys.access_key())),
        (
            "access_key_hash",
            hex(&pickup::access_key_hash(&keys.access_key())),
        ),
        ("payload_key", hex(&trace.payload_key)),
        ("proof", hex(&keys.proof(&pin, &challenge))),
    ];
    for (name, value) in actual {
        assert_eq!(derived[name].as_str().unwrap(), value, "{name}");
    }
    assert_eq!(
        derived["passphrase_key"].as_str().map(str::to_owned),
        trace.passphrase_key.map(|key| hex(&key))
    );
    "ok".into()
}

fn check_link(vector: &Value) -> String {
    let link = match PickupLink::parse(vector["link"].as_str().unwrap()) {
        Ok(link) => link,
        Err(error) => return error.code().into(),
    };
    assert_eq!(link.secret().to_fragment().as_str(), vector["secret"]);
    assert_eq!(b64::encode(&link.secret().id()), vector["id"]);
    assert_eq!(link.page_url(), vector["page_url"]);
    assert_eq!(link.relay_url(), vector["relay_url"]);
    assert_eq!(link.to_web_link().as_str(), vector["web_link"]);
    assert_eq!(link.to_deep_link().as_str(), vector["deep_link"]);
    "ok".into()
}

fn check_pin(vector: &Value) -> String {
    match Pin::parse(vector["pin"].as_str().unwrap()) {
        Ok(pin) => {
            assert_eq!(Value::Bool(pin.is_weak()), vector["weak"]);
            "ok".into()
        }
        Err(_) => "bad_pin".into(),
    }
}

fn hex_to_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap())
        .collect()
}
