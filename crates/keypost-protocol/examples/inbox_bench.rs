//! Inbox message benchmark (issue 8): seal and open of a 1,000-entry message to a pinned
//! bundle — canonical JSON, Padmé, HPKE and the Ed25519 signature together, as the app does
//! them — with the sizes. Peak memory comes from the OS around the whole run:
//!
//! `cargo build --release -p keypost-protocol --example inbox_bench &&
//!  /usr/bin/time -v target/release/examples/inbox_bench` ("Maximum resident set size")
//!
//! (results go to docs/benchmarks.md, section "Inbox").

use std::time::{Duration, Instant};

use keypost_protocol::inbox::payload::EntriesPayload;
use keypost_protocol::inbox::{Identity, IdentitySeed, MessageId, Payload, open, seal};
use keypost_protocol::pickup::{EntrySnapshot, SnapshotField};

const RUNS: usize = 21;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sender = Identity::from_seed(&IdentitySeed::make_random(), 1_800_000_000);
    let recipient = Identity::from_seed(&IdentitySeed::make_random(), 1_800_000_000);
    for count in [1usize, 100, 1_000] {
        let payload = Payload::Entries(EntriesPayload {
            sequence: 1,
            sender_name: "Alice Martin".into(),
            note: "The accounts for the new office, as promised on the phone.".into(),
            entries: (0..count).map(sample_entry).collect(),
        });
        let sealed = seal(
            &sender,
            recipient.bundle(),
            MessageId::random(),
            1_800_000_000,
            &payload,
        )?;
        let seal_time = median(|| {
            let start = Instant::now();
            seal(
                &sender,
                recipient.bundle(),
                MessageId::random(),
                1_800_000_000,
                &payload,
            )
            .map(|_| start.elapsed())
        })?;
        let open_time = median(|| {
            let start = Instant::now();
            open(&recipient, &sealed).map(|opened| {
                assert_eq!(opened.payload, payload);
                start.elapsed()
            })
        })?;
        println!(
            "{count:>5} entries: sealed {:>9} bytes, seal {:>8.3} ms, open {:>8.3} ms (median of {RUNS})",
            sealed.len(),
            seal_time.as_secs_f64() * 1e3,
            open_time.as_secs_f64() * 1e3,
        );
    }
    Ok(())
}

/// An entry of typical size: the fields a browser export holds, a note and one hidden field.
fn sample_entry(index: usize) -> EntrySnapshot {
    EntrySnapshot {
        title: format!("Account {index} — example.com"),
        username: format!("user{index}@example.com"),
        password: format!("kX9!q{index:05}-vT2#mL8@pR4zW"),
        urls: vec![format!("https://login{index}.example.com/signin")],
        notes: "Security questions are in the paper folder. Rotate every 90 days.".into(),
        custom_fields: vec![SnapshotField {
            name: "Recovery code".into(),
            value: format!("RC-{index:06}-7731-0042"),
            hidden: true,
        }],
        totp: String::new(),
    }
}

fn median<E>(mut run: impl FnMut() -> Result<Duration, E>) -> Result<Duration, E> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        times.push(run()?);
    }
    times.sort();
    Ok(times[RUNS / 2])
}
