//! One secret value of one entry, read on its own: what an app sends or copies when the person
//! reveals or copies exactly that value (and nothing else of the entry's secrets).

use super::{Entries, EntriesError, Result};
use crate::entry::EntryId;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Which secret value of an entry: the password, a custom field's value (by its place in the
/// entry), the TOTP secret, or an earlier password (by its place in the history, newest first).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntrySecret {
    Password,
    CustomField { index: u32 },
    Totp,
    History { index: u32 },
}

impl Entries<'_> {
    /// The one value `which` names; `NoSuchValue` when the entry has no such field or history
    /// item (it changed since the person saw it).
    pub fn secret(&self, id: EntryId, which: EntrySecret) -> Result<Zeroizing<String>> {
        let entry = self.get(id)?;
        let value = match which {
            EntrySecret::Password => Some(&entry.fields.password),
            EntrySecret::Totp => Some(&entry.fields.totp),
            EntrySecret::CustomField { index } => entry
                .fields
                .custom_fields
                .get(index as usize)
                .map(|field| &field.value),
            EntrySecret::History { index } => entry
                .password_history
                .get(index as usize)
                .map(|item| &item.password),
        };
        value
            .map(|value| Zeroizing::new(value.clone()))
            .ok_or(EntriesError::NoSuchValue(id))
    }
}
