-- Conversation state per chat account: the pending step and the answers so far (JSON).
CREATE TABLE conversations (
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    step        TEXT NOT NULL,
    state       TEXT NOT NULL,
    event_code  TEXT,
    lang        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- Reference numbers: one counter per year (BPU-<year>-<6 digits>).
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE submissions (
    id                INTEGER PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    channel           TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    nik               TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_search       TEXT NOT NULL,          -- lower-cased name, for /cari
    birth_date        TEXT NOT NULL,
    sex               TEXT NOT NULL,
    phone             TEXT NOT NULL,
    home_code         TEXT NOT NULL,
    occupation        TEXT NOT NULL,
    income            INTEGER NOT NULL,
    jht               INTEGER NOT NULL,
    monthly_self_paid INTEGER NOT NULL,
    answers           TEXT NOT NULL,          -- every answer, JSON
    flags             TEXT NOT NULL,          -- JSON list of Flag values
    event_code        TEXT,
    consent_at        TEXT,
    consent_version   TEXT,
    status            TEXT NOT NULL,
    note              TEXT,                   -- correction note or rejection reason
    fix_fields        TEXT NOT NULL DEFAULT '[]',
    kpj               TEXT,
    decided_by        TEXT,
    decided_at        TEXT,
    submitted_at      TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
-- One active registration per NIK: enforced by the schema, not only by code.
CREATE UNIQUE INDEX submissions_active_nik ON submissions (nik)
    WHERE status IN ('diajukan', 'perlu_perbaikan', 'disetujui');
CREATE INDEX submissions_queue ON submissions (status, submitted_at);
CREATE INDEX submissions_owner ON submissions (channel, user_id);
CREATE INDEX submissions_nik ON submissions (nik);
CREATE INDEX submissions_phone ON submissions (phone);
CREATE INDEX submissions_name ON submissions (name_search);

-- Who did what to which submission, and who saw a full NIK.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    reference TEXT,
    detail    TEXT
);
CREATE INDEX audit_reference ON audit (reference, at);

-- Notifications to workers, written in the decision's transaction, delivered by a loop.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    lang            TEXT NOT NULL,
    payload         TEXT NOT NULL,            -- a Reply, JSON
    reference       TEXT,
    status          TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | undeliverable
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
