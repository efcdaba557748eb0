-- The web desk's sign-in: one-time links sent by /masuk, and the sessions they open. Only
-- SHA-256 hashes of the secrets are kept: a copy of the database signs nobody in.
CREATE TABLE web_login_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    lang       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX web_login_tokens_user ON web_login_tokens (user_id);

CREATE TABLE web_sessions (
    session_hash TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    lang         TEXT NOT NULL,
    role         TEXT NOT NULL,              -- the officer's role when they signed in
    branches     TEXT NOT NULL DEFAULT '[]', -- JSON list, their branches then
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
