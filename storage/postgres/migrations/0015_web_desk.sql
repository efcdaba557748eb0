-- The web desk's sign-in: one-time links sent by /masuk, and the sessions they open. Only
-- SHA-256 hashes of the secrets are kept: a copy of the database signs nobody in.
CREATE TABLE web_login_tokens (
    token_hash text PRIMARY KEY,
    user_id    text NOT NULL,
    lang       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX web_login_tokens_user ON web_login_tokens (user_id);

CREATE TABLE web_sessions (
    session_hash text PRIMARY KEY,
    user_id      text NOT NULL,
    lang         text NOT NULL,
    role         text NOT NULL,               -- the officer's role when they signed in
    branches     jsonb NOT NULL DEFAULT '[]', -- list, their branches then
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
