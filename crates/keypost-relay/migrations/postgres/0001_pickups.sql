-- PostgreSQL twin of migrations/sqlite/0001_pickups.sql (same tables, same meaning).
CREATE TABLE pickups (
    id BYTEA PRIMARY KEY NOT NULL,
    ciphertext BYTEA NOT NULL,
    pin_verifier BYTEA NOT NULL,
    delete_verifier BYTEA,
    sender_name TEXT NOT NULL,
    message TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts_left BIGINT NOT NULL,
    views_left BIGINT,
    retrieval_step BIGINT NOT NULL,
    passphrase_required BIGINT NOT NULL
);
CREATE INDEX pickups_expires_at ON pickups (expires_at);

-- What the sender may still see after the pickup ended; no secret and no ciphertext.
CREATE TABLE pickup_records (
    id BYTEA PRIMARY KEY NOT NULL,
    owner_token_hash BYTEA NOT NULL,
    recipient_email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_views BIGINT,
    purge_after BIGINT NOT NULL
);
CREATE INDEX pickup_records_purge_after ON pickup_records (purge_after);

CREATE TABLE pickup_events (
    seq BIGSERIAL PRIMARY KEY,
    pickup_id BYTEA NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX pickup_events_pickup_id ON pickup_events (pickup_id, seq);

-- Single-use open challenges.
CREATE TABLE challenges (
    challenge BYTEA PRIMARY KEY NOT NULL,
    pickup_id BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX challenges_pickup_id ON challenges (pickup_id);
CREATE INDEX challenges_expires_at ON challenges (expires_at);
