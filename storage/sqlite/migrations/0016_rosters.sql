-- (IF NOT EXISTS: a test replays the migrations after 0013.)
-- Rosters: a sponsor's list of workers (docs/rosters.md), imported by a supervisor or an admin,
-- kept with the basis for contacting the people listed, and deleted when it expires.
CREATE TABLE IF NOT EXISTS rosters (
    id               INTEGER PRIMARY KEY,
    sponsor_id       INTEGER NOT NULL REFERENCES sponsors (id),
    branch           TEXT NOT NULL,            -- the sponsor's branch (officers see their own)
    agreement        TEXT NOT NULL,            -- the sponsor's agreement reference
    whatsapp_consent TEXT NOT NULL,            -- the statement that those listed agreed to WhatsApp
    filename         TEXT NOT NULL,            -- as sent (shown masked)
    imported_by      TEXT NOT NULL,            -- "<channel>:<id>" (bot/identity.py)
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,            -- created_at + ROSTER_RETENTION_DAYS
    expired_at       TEXT                      -- when its unfinished rows' data was deleted
);
CREATE INDEX IF NOT EXISTS rosters_branch ON rosters (branch, created_at);

-- One worker of a roster: only the listed columns, a personal code, and where the invitation is.
-- Personal data ('' once deleted: declined, erased or expired) is kept apart from the state, so
-- that the counts stay after the data goes.
CREATE TABLE IF NOT EXISTS roster_rows (
    id          INTEGER PRIMARY KEY,
    roster_id   INTEGER NOT NULL REFERENCES rosters (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,              -- the file's line
    nik         TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,                 -- E.164, or '' when the file had none
    region_code TEXT NOT NULL,                 -- kabupaten/kota
    place       TEXT NOT NULL DEFAULT '',      -- village or kecamatan as listed
    occupation  TEXT NOT NULL DEFAULT '',
    birth_place TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    code        TEXT NOT NULL UNIQUE,          -- the personal code (bot/roster_codes.py)
    state       TEXT NOT NULL DEFAULT 'imported',
        -- imported | invited | sent | delivered | read | opened | verified | completed
        -- | declined | failed | expired | locked
    reason      TEXT NOT NULL DEFAULT '',      -- failed: the platform's reason
    nik_tries   INTEGER NOT NULL DEFAULT 0,    -- wrong NIKs typed against this code
    sent_as     TEXT,                          -- the invitation's WhatsApp message id
    invited_at  TEXT,
    reminded_at TEXT,
    reference   TEXT,                          -- the submission it became (source "diundang")
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS roster_rows_roster ON roster_rows (roster_id, state);
CREATE UNIQUE INDEX IF NOT EXISTS roster_rows_nik ON roster_rows (roster_id, nik) WHERE nik != '';
CREATE INDEX IF NOT EXISTS roster_rows_sent_as ON roster_rows (sent_as) WHERE sent_as IS NOT NULL;

-- Numbers never to invite again (declined, erased): a keyed hash, never the number.
CREATE TABLE IF NOT EXISTS roster_blocked (
    digest     TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- The key of those hashes, drawn once by the first process that needs it.
CREATE TABLE IF NOT EXISTS roster_secret (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL
);

-- Senders typing wrong personal codes: paused after a few tries (bot/roster_codes.py).
CREATE TABLE IF NOT EXISTS roster_code_tries (
    channel      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    tries        INTEGER NOT NULL,
    paused_until TEXT,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
