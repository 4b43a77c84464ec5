//! Entries as they travel: a snapshot is a copy as of the moment of sending. Tags never
//! travel; notes only when the sender asks (features.md, "Send to a connected contact" 2).

use crate::entry::{CustomField, Entry, EntryFields};
use keypost_protocol::pickup::{EntrySnapshot, SnapshotField};
use time::OffsetDateTime;

/// The copy of `entry` that is sent.
pub fn snapshot_of(entry: &Entry, include_notes: bool) -> EntrySnapshot {
    let fields = &entry.fields;
    EntrySnapshot {
        title: fields.title.clone(),
        username: fields.username.clone(),
        password: fields.password.clone(),
        urls: fields.urls.clone(),
        notes: if include_notes {
            fields.notes.clone()
        } else {
            String::new()
        },
        custom_fields: fields
            .custom_fields
            .iter()
            .map(|field| SnapshotField {
                name: field.name.clone(),
                value: field.value.clone(),
                hidden: field.hidden,
            })
            .collect(),
        totp: fields.totp.clone(),
    }
}

/// The fields of a received snapshot, ready to be saved as a new entry.
pub fn fields_of(snapshot: &EntrySnapshot) -> EntryFields {
    crate::entry_fields! {
        title: snapshot.title.clone(),
        username: snapshot.username.clone(),
        password: snapshot.password.clone(),
        urls: snapshot.urls.clone(),
        notes: snapshot.notes.clone(),
        custom_fields: snapshot
            .custom_fields
            .iter()
            .map(|field| CustomField {
                name: field.name.clone(),
                value: field.value.clone(),
                hidden: field.hidden,
            })
            .collect(),
        totp: snapshot.totp.clone(),
    }
}

/// Received snapshots as unsaved entries, so they can be exported to CSV or printed
/// without being imported into the vault.
pub fn unsaved_entries(snapshots: &[EntrySnapshot], received_at: OffsetDateTime) -> Vec<Entry> {
    snapshots
        .iter()
        .map(|snapshot| Entry::new(fields_of(snapshot), received_at))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryId;

    fn entry() -> Entry {
        let now = OffsetDateTime::now_utc();
        Entry {
            id: EntryId::new_random(),
            fields: EntryFields {
                title: "Mail".into(),
                username: "ana".into(),
                password: "=1+2".into(),
                urls: vec!["https://mail.example.com".into()],
                notes: "recovery codes in the safe".into(),
                tags: vec!["private".into()],
                folder: "Work".into(),
                custom_fields: vec![CustomField {
                    name: "PIN".into(),
                    value: "1234".into(),
                    hidden: true,
                }],
                totp: "otpauth://totp/x?secret=ABC".into(),
                favourite: true,
            },
            created: now,
            modified: now,
            password_history: Vec::new(),
        }
    }

    #[test]
    fn tags_never_travel_and_notes_only_when_asked() {
        let entry = entry();
        let without_notes = snapshot_of(&entry, false);
        assert!(without_notes.notes.is_empty());
        assert_eq!(without_notes.password, "=1+2");
        assert_eq!(without_notes.custom_fields[0].value, "1234");
        let with_notes = snapshot_of(&entry, true);
        assert_eq!(with_notes.notes, "recovery codes in the safe");

        let received = fields_of(&with_notes);
        assert!(received.tags.is_empty());
        assert!(received.folder.is_empty());
        assert!(!received.favourite);
        assert_eq!(received.title, entry.fields.title);
        assert_eq!(received.custom_fields, entry.fields.custom_fields);
        assert_eq!(received.totp, entry.fields.totp);
    }
}
