-- /statistik's breakdowns in one ordered pass over a covering index (no temporary B-tree), for
-- one branch or for all of them.
CREATE INDEX submissions_breakdown ON submissions (branch, occupation, home_code, sex, status);
