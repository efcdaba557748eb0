-- A roster is stored a chunk of rows at a time (docs/rosters.md, "Importing in chunks"): until
-- its last chunk is in, imported_at is NULL and the roster is seen nowhere (lists, slips,
-- invitations, codes); an import that failed is deleted at once, or by the housekeeping loop
-- after a crash. Rosters imported before were stored whole.
ALTER TABLE rosters ADD COLUMN imported_at TEXT;
UPDATE rosters SET imported_at = created_at;
