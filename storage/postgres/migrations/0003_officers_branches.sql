-- Mirrors storage/sqlite/migrations/0003_officers_branches.sql.

-- Officers and their roles: petugas (one branch), supervisor (some or all), admin (manages officers).
CREATE TABLE officers (
    user_id    text PRIMARY KEY,
    role       text NOT NULL CHECK (role IN ('petugas', 'supervisor', 'admin')),
    branches   jsonb NOT NULL DEFAULT '[]',  -- list; empty means every branch
    created_by text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- An officer's unfinished decision dialog (approve / reject / correction), one per officer.
CREATE TABLE officer_dialogs (
    user_id    text PRIMARY KEY,
    state      jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The branch office that handles a submission (from the home kabupaten/kota).
ALTER TABLE submissions ADD COLUMN branch text NOT NULL DEFAULT '';
CREATE INDEX submissions_branch_queue ON submissions (branch, status, submitted_at);
CREATE INDEX submissions_name_birth ON submissions (name_search, birth_date);
