-- A WhatsApp number writing first is looked up among the roster rows invited at it (a worker who
-- answers the invitation in words instead of tapping its button, docs/rosters.md): by number.
CREATE INDEX IF NOT EXISTS roster_rows_phone ON roster_rows (phone) WHERE phone != '';
