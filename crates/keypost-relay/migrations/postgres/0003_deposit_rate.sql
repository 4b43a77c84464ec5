-- PostgreSQL twin of migrations/sqlite/0003_deposit_rate.sql (same columns, same meaning).
-- The per-sender deposit limit (docs/spec/inbox.md, "Grants and deposits"), counted on the
-- sender's account row by ONE conditional UPDATE per deposit, so it holds exactly across relay
-- processes on one database: the deposits counted in the window that started at
-- deposits_window_start (Unix seconds) and lasts 60 seconds.
ALTER TABLE accounts ADD COLUMN deposits_window_start BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN deposits_in_window BIGINT NOT NULL DEFAULT 0;
