-- Mirrors storage/sqlite/migrations/0012_inbox_processes.sql.
-- Who holds an update, and whether that process still lives: each running process records a
-- heartbeat; an update held by a process not heard from for INBOX_TAKEOVER_SECONDS (or gone
-- from its host) is taken over at once, in order per chat, instead of after its lease.
CREATE TABLE inbox_processes (
    id         text PRIMARY KEY,          -- host, pid and a random part: one run of the bot
    host       text NOT NULL,
    pid        integer NOT NULL,
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL       -- its last heartbeat
);

ALTER TABLE inbox ADD COLUMN owner text;  -- the process handling it; NULL: anyone may take it
ALTER TABLE inbox ADD COLUMN set_aside_at timestamptz;  -- failed its attempts (a bug): left for a look
ALTER TABLE inbox ADD COLUMN last_error text;

-- One chat's unanswered updates in order (a newer one waits for an older one held elsewhere).
CREATE INDEX inbox_chat_unanswered ON inbox (channel, chat, id) WHERE answered_at IS NULL;
