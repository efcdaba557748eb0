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

-- A counter row is locked from its change to the commit. A change of status touches two rows;
-- taking them in one order (branch, status) keeps two such transactions (an officer asking for
-- a correction, a worker resubmitting another submission) from deadlocking on them.
CREATE FUNCTION status_counts_add(b text, s text, delta integer) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO status_counts (branch, status, n) VALUES (b, s, delta)
        ON CONFLICT (branch, status) DO UPDATE SET n = status_counts.n + delta;
END
$$;

CREATE FUNCTION status_counts_follow() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM status_counts_add(NEW.branch, NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM status_counts_add(OLD.branch, OLD.status, -1);
    ELSIF (OLD.branch, OLD.status) < (NEW.branch, NEW.status) THEN
        PERFORM status_counts_add(OLD.branch, OLD.status, -1);
        PERFORM status_counts_add(NEW.branch, NEW.status, 1);
    ELSE
        PERFORM status_counts_add(NEW.branch, NEW.status, 1);
        PERFORM status_counts_add(OLD.branch, OLD.status, -1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER status_counts_insert AFTER INSERT ON submissions
    FOR EACH ROW EXECUTE FUNCTION status_counts_follow();
CREATE TRIGGER status_counts_update AFTER UPDATE OF status, branch ON submissions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.branch IS DISTINCT FROM NEW.branch)
    EXECUTE FUNCTION status_counts_follow();
CREATE TRIGGER status_counts_delete AFTER DELETE ON submissions
    FOR EACH ROW EXECUTE FUNCTION status_counts_follow();

-- Replayed updates are now recognised from the last update ids kept in each conversation's state.
DROP TABLE processed_updates;
