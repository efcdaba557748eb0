-- Mirrors storage/sqlite/migrations/0010_payment_reminders.sql.
-- Monthly reminders to pay, which an approved worker may ask for (default off), until /berhenti.
CREATE TABLE payment_reminders (
    reference  text PRIMARY KEY,           -- the approved registration it is about
    channel    text NOT NULL,
    user_id    text NOT NULL,
    active     boolean NOT NULL,           -- while the worker wants them
    last_month text,                       -- 'YYYY-MM' (WIB) of the last one queued
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX payment_reminders_due ON payment_reminders (active, last_month);
CREATE INDEX payment_reminders_owner ON payment_reminders (channel, user_id);
