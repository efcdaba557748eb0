-- Submissions per branch and status, kept exact by triggers in the same transaction as every
-- insert, status change and branch change: the officers' counts no longer scan the submissions.
CREATE TABLE status_counts (
    branch TEXT NOT NULL,
    status TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (branch, status)
);
INSERT INTO status_counts (branch, status, n)
    SELECT branch, status, count(*) FROM submissions GROUP BY branch, status;

CREATE TRIGGER status_counts_insert AFTER INSERT ON submissions
BEGIN
    INSERT INTO status_counts (branch, status, n) VALUES (NEW.branch, NEW.status, 1)
        ON CONFLICT (branch, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER status_counts_update AFTER UPDATE OF status, branch ON submissions
WHEN OLD.status != NEW.status OR OLD.branch != NEW.branch
BEGIN
    UPDATE status_counts SET n = n - 1 WHERE branch = OLD.branch AND status = OLD.status;
    INSERT INTO status_counts (branch, status, n) VALUES (NEW.branch, NEW.status, 1)
        ON CONFLICT (branch, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER status_counts_delete AFTER DELETE ON submissions
BEGIN
    UPDATE status_counts SET n = n - 1 WHERE branch = OLD.branch AND status = OLD.status;
END;

-- Replayed updates are now recognised from the last update ids kept in each conversation's state.
DROP TABLE processed_updates;
