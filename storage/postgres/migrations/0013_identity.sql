-- Identity is (channel, id): a string that names a person (an officer's row, who decided, who
-- created an event or a sponsor, an audit actor) is now "<channel>:<id>" (bot/identity.py).
-- Every officer so far was a Telegram user ("tg"); a worker's audit actor takes the channel of
-- the submission it is about.
UPDATE officers SET user_id = 'tg:' || user_id WHERE user_id NOT LIKE '%:%';
UPDATE officers SET created_by = 'tg:' || created_by
    WHERE created_by NOT LIKE '%:%' AND created_by != 'OFFICER_IDS';
UPDATE officer_dialogs SET user_id = 'tg:' || user_id WHERE user_id NOT LIKE '%:%';
UPDATE submissions SET decided_by = 'tg:' || decided_by
    WHERE decided_by IS NOT NULL AND decided_by != '' AND decided_by NOT LIKE '%:%';
UPDATE events SET created_by = 'tg:' || created_by WHERE created_by NOT LIKE '%:%';
UPDATE sponsors SET created_by = 'tg:' || created_by WHERE created_by NOT LIKE '%:%';
UPDATE audit SET actor = 'worker:' || COALESCE(
        (SELECT s.channel FROM submissions s WHERE s.reference = audit.reference), 'tg'
    ) || ':' || substr(actor, 8)
    WHERE actor LIKE 'worker:%' AND actor NOT LIKE 'worker:%:%';
UPDATE audit SET actor = 'tg:' || actor WHERE actor NOT LIKE '%:%';
