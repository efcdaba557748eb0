-- The durable inbox: every incoming update is stored before the channel is told it arrived
-- (before the webhook's 200, before the next getUpdates offset), marked applied in the same
-- transaction as its effects, and answered once its replies went out. It replaces the update
-- ids kept in each conversation's state.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    update_key  TEXT NOT NULL,            -- Telegram's update_id, WhatsApp's message id
    chat        TEXT NOT NULL,            -- the sender: one chat's updates are applied in order
    payload     TEXT,                     -- the update as received (JSON); NULL once answered
    received_at TEXT NOT NULL,
    lease_until TEXT NOT NULL,            -- the receiving process handles it until then
    attempts    INTEGER NOT NULL DEFAULT 0,
    applied_at  TEXT,                     -- its effects committed (with them)
    answered_at TEXT,                     -- its replies sent: nothing left to do
    UNIQUE (channel, update_key)
);
CREATE INDEX inbox_unanswered ON inbox (lease_until) WHERE answered_at IS NULL;
CREATE INDEX inbox_received ON inbox (received_at);

-- A worker's save names the update it applies; the trigger marks that update applied in the
-- same statement (one round trip, one transaction: the state and the mark commit together).
ALTER TABLE conversations ADD COLUMN applied_update TEXT;

CREATE TRIGGER inbox_applied_on_insert AFTER INSERT ON conversations
WHEN NEW.applied_update IS NOT NULL
BEGIN
    UPDATE inbox SET applied_at = NEW.updated_at
        WHERE channel = NEW.channel AND update_key = NEW.applied_update AND applied_at IS NULL;
END;

CREATE TRIGGER inbox_applied_on_save AFTER UPDATE OF rev ON conversations
WHEN NEW.applied_update IS NOT NULL
BEGIN
    UPDATE inbox SET applied_at = NEW.updated_at
        WHERE channel = NEW.channel AND update_key = NEW.applied_update AND applied_at IS NULL;
END;
