-- Monthly reminders to pay, which an approved worker may ask for (default off), until /berhenti.
CREATE TABLE payment_reminders (
    reference  TEXT PRIMARY KEY,           -- the approved registration it is about
    channel    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    active     INTEGER NOT NULL,           -- 1 while the worker wants them
    last_month TEXT,                       -- 'YYYY-MM' (WIB) of the last one queued
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payment_reminders_due ON payment_reminders (active, last_month);
CREATE INDEX payment_reminders_owner ON payment_reminders (channel, user_id);
