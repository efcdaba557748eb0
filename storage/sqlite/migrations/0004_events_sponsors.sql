-- Outreach events: the link code, what the poster says, and the branch that runs it.
CREATE TABLE events (
    code        TEXT PRIMARY KEY,              -- the deep-link payload: [A-Za-z0-9_-]{1,64}
    name        TEXT NOT NULL,
    day         TEXT NOT NULL,                 -- ISO date
    region_code TEXT NOT NULL,                 -- where it happens (kabupaten/kota)
    organiser   TEXT NOT NULL,
    sponsor_id  INTEGER REFERENCES sponsors (id),
    branch      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    closed_at   TEXT
);
CREATE INDEX events_branch ON events (branch, day);

-- Counters with no personal data: link opens and consents per event and day.
CREATE TABLE event_counts (
    event_code TEXT NOT NULL,
    kind       TEXT NOT NULL,                  -- opened | consented
    day        TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (event_code, kind, day)
);

-- Programmes where a regional budget pays JKK + JKM for eligible workers, up to a quota.
CREATE TABLE sponsors (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    payer       TEXT NOT NULL,                 -- apbd (regency or province budget), apbn
    level       TEXT NOT NULL,                 -- kabupaten | provinsi | pusat
    start_day   TEXT NOT NULL,
    end_day     TEXT NOT NULL,
    quota       INTEGER NOT NULL CHECK (quota >= 0),
    regions     TEXT NOT NULL,                 -- JSON list of kabupaten/kota codes
    occupations TEXT NOT NULL DEFAULT '[]',    -- JSON list; empty means any occupation
    whole_region INTEGER NOT NULL DEFAULT 1,   -- 1: any resident; 0: only through its events
    branch      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

ALTER TABLE submissions ADD COLUMN sponsor_id INTEGER REFERENCES sponsors (id);
CREATE INDEX submissions_event ON submissions (event_code, status);
CREATE INDEX submissions_sponsor ON submissions (sponsor_id, status);
