-- Contacts and the Messages inbox (docs/spec/inbox.md, "Relay API").
-- Secrets are stored as SHA-256 only (login challenges, sessions, email codes, invite accept
-- tokens, grant tokens); offers, answers and messages are opaque sealed bytes.

-- A relay account: its signed key bundle, the verified email (if any), the daily count of
-- emailed codes, and the mailbox's counters, which every deposit moves with ONE conditional
-- UPDATE so the quota holds across relay processes.
CREATE TABLE accounts (
    id BLOB PRIMARY KEY NOT NULL,
    bundle BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    email TEXT,
    codes_window_start INTEGER NOT NULL DEFAULT 0,
    codes_sent INTEGER NOT NULL DEFAULT 0,
    mailbox_count INTEGER NOT NULL DEFAULT 0,
    mailbox_bytes INTEGER NOT NULL DEFAULT 0
);

-- Single-use login challenges (SHA-256 of the challenge).
CREATE TABLE login_challenges (
    challenge_hash BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_challenges_expires_at ON login_challenges (expires_at);

-- Sessions (SHA-256 of the token).
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The one pending email code of an account; deleted when used, at 0 tries, or expired.
CREATE TABLE email_codes (
    account_id BLOB PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    code_hash BLOB NOT NULL,
    attempts_left INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX email_codes_expires_at ON email_codes (expires_at);

CREATE TABLE invites (
    id BLOB PRIMARY KEY NOT NULL,
    inviter BLOB NOT NULL,
    accept_token_hash BLOB NOT NULL,
    sealed_offer BLOB NOT NULL,
    target_email TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    sealed_answer BLOB,
    acceptor BLOB,
    accepted_at INTEGER
);
CREATE INDEX invites_inviter ON invites (inviter);
CREATE INDEX invites_expires_at ON invites (expires_at);

-- Deposit grants: the holder of the token may deposit into the mailbox. Revoking deletes.
CREATE TABLE grants (
    id BLOB PRIMARY KEY NOT NULL,
    mailbox BLOB NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX grants_mailbox ON grants (mailbox, token_hash);

-- Sealed messages waiting in a mailbox; DELETED on acknowledgement or expiry.
CREATE TABLE mailbox_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id BLOB NOT NULL UNIQUE,
    mailbox BLOB NOT NULL,
    sealed BLOB NOT NULL,
    size INTEGER NOT NULL,
    deposited_at INTEGER NOT NULL
);
CREATE INDEX mailbox_messages_mailbox ON mailbox_messages (mailbox, seq);
CREATE INDEX mailbox_messages_deposited_at ON mailbox_messages (deposited_at);

-- What the sender may see of a message: no ciphertext. Kept 90 days.
CREATE TABLE deliveries (
    message_id BLOB PRIMARY KEY NOT NULL,
    sender BLOB NOT NULL,
    mailbox BLOB NOT NULL,
    status TEXT NOT NULL,
    deposited_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_deposited_at ON deliveries (deposited_at);
