-- Mirrors storage/sqlite/migrations/0006_breakdown_index.sql.
-- /statistik's breakdowns in one ordered pass over a covering index, for one branch or for all.
CREATE INDEX submissions_breakdown ON submissions (branch, occupation, home_code, sex, status);
