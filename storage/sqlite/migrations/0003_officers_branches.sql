-- Officers and their roles: petugas (one branch), supervisor (some or all), admin (manages officers).
CREATE TABLE officers (
    user_id    TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('petugas', 'supervisor', 'admin')),
    branches   TEXT NOT NULL DEFAULT '[]',   -- JSON list; empty means every branch
    created_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An officer's unfinished decision dialog (approve / reject / correction), one per officer.
CREATE TABLE officer_dialogs (
    user_id    TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The branch office that handles a submission (from the home kabupaten/kota).
ALTER TABLE submissions ADD COLUMN branch TEXT NOT NULL DEFAULT '';
CREATE INDEX submissions_branch_queue ON submissions (branch, status, submitted_at);
CREATE INDEX submissions_name_birth ON submissions (name_search, birth_date);
