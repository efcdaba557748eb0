-- A revision per conversation row, one higher on every save: a worker's update reads the state
-- outside any transaction and saves it only if nobody saved in between (compare-and-set), so the
-- common update needs no transaction of its own and holds SQLite's write lock for one statement.
ALTER TABLE conversations ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
