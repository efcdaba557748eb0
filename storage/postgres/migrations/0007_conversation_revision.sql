-- Mirrors storage/sqlite/migrations/0007_conversation_revision.sql.
-- A revision per conversation row, one higher on every save: a worker's update reads the state
-- outside any transaction and saves it only if nobody saved in between (compare-and-set).
ALTER TABLE conversations ADD COLUMN rev bigint NOT NULL DEFAULT 0;
