-- A sponsor's own view on the web desk: who may see it (granted and revoked by an officer of
-- the sponsor's branch), and whether the sponsor's agreement allows full NIKs in downloads.
ALTER TABLE sponsors ADD COLUMN nik_agreement TEXT;  -- the agreement's reference; NULL: masked

CREATE TABLE sponsor_access (
    id         INTEGER PRIMARY KEY,
    sponsor_id INTEGER NOT NULL REFERENCES sponsors (id),
    user_id    TEXT NOT NULL,                 -- the representative's Telegram id, tg:<id>
    name       TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT
);
CREATE INDEX sponsor_access_user ON sponsor_access (user_id);
CREATE INDEX sponsor_access_sponsor ON sponsor_access (sponsor_id);

-- A representative's sign-in link and session name the access they were opened under (NULL:
-- an officer's); revoking the access ends its sessions.
ALTER TABLE web_login_tokens ADD COLUMN access_id INTEGER;
ALTER TABLE web_sessions ADD COLUMN access_id INTEGER;
CREATE INDEX web_sessions_access ON web_sessions (access_id);
CREATE INDEX audit_at ON audit (at);
