-- Mirrors storage/sqlite/migrations/0011_whatsapp_delivery.sql.
-- The channel's id of the message a notification went out as (WhatsApp's wamid), so that a
-- delivery failure the channel reports later (a "failed" status) marks that notification.
ALTER TABLE outbox ADD COLUMN sent_as text;
CREATE INDEX outbox_sent_as ON outbox (channel, sent_as) WHERE sent_as IS NOT NULL;
-- When a chat last wrote (WhatsApp's 24-hour window is judged from it before each notice).
CREATE INDEX inbox_chat ON inbox (channel, chat, received_at);
