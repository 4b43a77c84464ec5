-- Live pickups: everything the recipient needs. The row is DELETED when the pickup ends
-- (opened for the last time, 3 wrong PINs, deleted, revoked, expired), taking the ciphertext
-- and the PIN verifier with it.
CREATE TABLE pickups (
    id BLOB PRIMARY KEY NOT NULL,
    ciphertext BLOB NOT NULL,
    pin_verifier BLOB NOT NULL,
    delete_verifier BLOB,
    sender_name TEXT NOT NULL,
    message TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts_left INTEGER NOT NULL,
    views_left INTEGER,
    retrieval_step INTEGER NOT NULL,
    passphrase_required INTEGER NOT NULL
);
CREATE INDEX pickups_expires_at ON pickups (expires_at);

-- What the sender may still see after the pickup ended; no secret and no ciphertext.
CREATE TABLE pickup_records (
    id BLOB PRIMARY KEY NOT NULL,
    owner_token_hash BLOB NOT NULL,
    recipient_email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    max_views INTEGER,
    purge_after INTEGER NOT NULL
);
CREATE INDEX pickup_records_purge_after ON pickup_records (purge_after);

CREATE TABLE pickup_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pickup_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX pickup_events_pickup_id ON pickup_events (pickup_id, seq);

-- Single-use open challenges.
CREATE TABLE challenges (
    challenge BLOB PRIMARY KEY NOT NULL,
    pickup_id BLOB NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX challenges_pickup_id ON challenges (pickup_id);
CREATE INDEX challenges_expires_at ON challenges (expires_at);
