-- Mirrors storage/sqlite/migrations/0011_outbox_sent_as.sql.
-- The channel's id of the message a notification went out as (WhatsApp's wamid), so that a
-- delivery failure the channel reports later (a "failed" status) marks that notification.
ALTER TABLE outbox ADD COLUMN sent_as text;
CREATE INDEX outbox_sent_as ON outbox (channel, sent_as) WHERE sent_as IS NOT NULL;
