-- Mirrors storage/sqlite/migrations/0005_counts_and_replays.sql.

-- Submissions per branch and status, kept exact by triggers in the same transaction as every
-- insert, status change and branch change: the officers' counts no longer scan the submissions.
CREATE TABLE status_counts (
    branch text NOT NULL,
    status text NOT NULL,
    n      integer NOT NULL,
    PRIMARY KEY (branch, status)
);
INSERT INTO status_counts (branch, status, n)
    SELECT branch, status, count(*) FROM submissions GROUP BY branch, status;

-- PostgreSQL: statement-level triggers over the statement's transition tables, so a bulk
-- insert or update (an import, a copy from SQLite) changes each counter once per statement, not
-- once per row. A counter row is locked from its change to the commit; the changes are applied
-- in one order (branch, status) so that two transactions touching the same counters (an officer
-- asking for a correction while a worker resubmits another submission) do not deadlock.
CREATE FUNCTION status_counts_inserted() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO status_counts (branch, status, n)
        SELECT branch, status, count(*) FROM new_rows GROUP BY branch, status
        ORDER BY branch, status
        ON CONFLICT (branch, status) DO UPDATE SET n = status_counts.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION status_counts_updated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO status_counts (branch, status, n)
        SELECT branch, status, sum(delta) FROM (
            SELECT branch, status, 1 AS delta FROM new_rows
            UNION ALL
            SELECT branch, status, -1 AS delta FROM old_rows
        ) AS changes
        GROUP BY branch, status HAVING sum(delta) <> 0
        ORDER BY branch, status
        ON CONFLICT (branch, status) DO UPDATE SET n = status_counts.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION status_counts_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE status_counts SET n = status_counts.n - gone.n
        FROM (SELECT branch, status, count(*) AS n FROM old_rows GROUP BY branch, status) AS gone
        WHERE status_counts.branch = gone.branch AND status_counts.status = gone.status;
    RETURN NULL;
END
$$;

-- (Transition tables rule out a column list: every UPDATE statement on submissions runs it,
-- and one that changes no status or branch changes no counter.)
CREATE TRIGGER status_counts_insert AFTER INSERT ON submissions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_inserted();
CREATE TRIGGER status_counts_update AFTER UPDATE ON submissions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_updated();
CREATE TRIGGER status_counts_delete AFTER DELETE ON submissions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION status_counts_deleted();

-- Replayed updates are now recognised from the last update ids kept in each conversation's state.
DROP TABLE processed_updates;
