//! TypeScript types for the command payloads, generated from the transport types with ts-rs
//! into `ui/src/lib/bindings.ts`. The test fails when the file is out of date;
//! `KEYPOST_WRITE_BINDINGS=1 cargo test -p keypost-app --lib bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::error::{CommandError, ErrorCode};
use crate::settings::Settings;
use crate::transport::*;
use keypost_protocol::api::{PickupEvent, PickupEventKind, PickupState};

const BINDINGS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/bindings.ts");

fn declaration<T: TS>(config: &Config) -> String {
    format!("export {}\n", T::decl(config))
}

fn generate() -> String {
    let config = Config::new();
    let declarations = [
        declaration::<BulkAction>(&config),
        declaration::<BulkSummary>(&config),
        declaration::<ChosenFile>(&config),
        declaration::<CommandError>(&config),
        declaration::<CopyReceipt>(&config),
        declaration::<CsvFormatName>(&config),
        declaration::<CustomFieldData>(&config),
        declaration::<EntryDetail>(&config),
        declaration::<EntryInput>(&config),
        declaration::<EntryRow>(&config),
        declaration::<ErrorCode>(&config),
        declaration::<ExportSource>(&config),
        declaration::<ExportTarget>(&config),
        declaration::<HistoryRow>(&config),
        declaration::<ImportProblem>(&config),
        declaration::<ImportRow>(&config),
        declaration::<ImportSummary>(&config),
        declaration::<PassphraseRequest>(&config),
        declaration::<PasswordRequest>(&config),
        declaration::<PickupEvent>(&config),
        declaration::<PickupEventKind>(&config),
        declaration::<PickupInfo>(&config),
        declaration::<PickupNews>(&config),
        declaration::<PickupProgress>(&config),
        declaration::<PickupState>(&config),
        declaration::<PinCheck>(&config),
        declaration::<ReceivedSummary>(&config),
        declaration::<RelayInfo>(&config),
        declaration::<SearchQuery>(&config),
        declaration::<SearchResult>(&config),
        declaration::<Selection>(&config),
        declaration::<SendRequest>(&config),
        declaration::<SentCopy>(&config),
        declaration::<SentRow>(&config),
        declaration::<Settings>(&config),
        declaration::<StrengthReading>(&config),
        declaration::<TagRow>(&config),
        declaration::<UndoResult>(&config),
        declaration::<VaultStatus>(&config),
    ];
    format!(
        "// Generated from src-tauri/transport.rs by src-tauri/bindings.rs. Do not edit.\n{}",
        declarations.concat()
    )
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let generated = generate();
    if std::env::var_os("KEYPOST_WRITE_BINDINGS").is_some() {
        std::fs::write(BINDINGS_PATH, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(BINDINGS_PATH).unwrap_or_default();
    assert!(
        on_disk == generated,
        "ui/src/lib/bindings.ts is out of date; run KEYPOST_WRITE_BINDINGS=1 cargo test -p keypost-app --lib bindings"
    );
}
