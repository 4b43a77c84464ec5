-- The access key (docs/spec/pickup.md, "Access key"): status, challenge, open and delete answer
-- only a request whose SHA-256(access key) equals access_key_hash, so the public id alone can
-- neither read a pickup's metadata nor spend its tries.
--
-- A pickup made before this migration has no hash and could never be reached again: it ends
-- here, logged as expired for its sender, so its ciphertext and verifier do not linger.
INSERT INTO pickup_events (pickup_id, kind, at)
    SELECT id, 'expired', CAST(strftime('%s', 'now') AS INTEGER) FROM pickups;
DELETE FROM pickups;
DELETE FROM challenges;
-- SQLite adds a NOT NULL column only with a default; every insert gives the hash, and an empty
-- value would match no SHA-256.
ALTER TABLE pickups ADD COLUMN access_key_hash BLOB NOT NULL DEFAULT x'';
