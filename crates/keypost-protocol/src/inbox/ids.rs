//! The public ids of the inbox (docs/spec/inbox.md, "Conventions"): random 16-byte names of
//! rows on the relay, never secrets.

use crate::public_id::public_id;

public_id!(
    /// A relay account, chosen at random by the client when it registers.
    AccountId,
    "an account id"
);
public_id!(
    /// An invitation, derived from the invite secret so that only link holders can name it.
    InviteId,
    "an invite id"
);
public_id!(
    /// A sealed message, chosen at random by the sender and bound into the sealed header, so
    /// a replayed or re-addressed copy is recognised.
    MessageId,
    "a message id"
);
public_id!(
    /// A deposit grant: one contact's permission to put messages into one mailbox.
    GrantId,
    "a grant id"
);
