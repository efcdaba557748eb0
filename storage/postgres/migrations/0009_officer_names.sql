-- Mirrors storage/sqlite/migrations/0009_officer_names.sql.
-- Officers are shown by name ("sudah diputuskan oleh Budi", /audit, /petugas), not by user id:
-- the name their channel gives them (Telegram's first name), kept current as they write.
ALTER TABLE officers ADD COLUMN name text NOT NULL DEFAULT '';

-- Officer dialogs are now stored as {"dialog": ..., "form": {...}}; the few open dialogs of the
-- previous shape ({"action": ...}) are dropped (the desk would forget them anyway).
DELETE FROM officer_dialogs;
