-- Each Telegram update is applied once, even when delivered twice (webhook retries, replays).
CREATE TABLE processed_updates (
    channel   TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX processed_updates_at ON processed_updates (at);

-- One reminder per unfinished draft; drafts untouched too long are purged.
ALTER TABLE conversations ADD COLUMN reminded_at TEXT;
CREATE INDEX conversations_idle ON conversations (step, updated_at);

-- Workers' requests to erase their data (UU PDP 27/2022), shown to officers on the card.
CREATE TABLE erasure_requests (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    channel      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    outcome      TEXT NOT NULL          -- 'anonymised' at once, or 'recorded' for BPJS to decide
);
