"""/statistik in few passes: the funnel, where drafts stopped, and breakdowns."""

from __future__ import annotations

from collections import Counter

from bot.domain import Statistics, Status
from storage.sql.review import count_by_status
from storage.sql.scope import Scoped


class Reports(Scoped):
    """Counts for one officer's branches (and one event)."""

    async def statistics(self, event_code: str | None, in_progress: frozenset[str]) -> Statistics:
        scope, args = self.in_scope()
        where, where_args = scope, list(args)
        if event_code is not None:
            where, where_args = f"{scope} AND event_code = ?", [*args, event_code]
        # One pass over the submissions for all three breakdowns (and the statuses of one event);
        # the statuses of a whole branch come from status_counts.
        groups = await self.tx.all(
            f"SELECT status, occupation, home_code, sex, count(*) AS n FROM submissions"
            f" WHERE {where} GROUP BY branch, occupation, home_code, sex, status",
            *where_args,
        )
        tallies: dict[str, Counter[str]] = {
            c: Counter() for c in ("occupation", "home_code", "sex")
        }
        by_status: dict[Status, int] = Counter()
        for row in groups:
            by_status[Status(row["status"])] += int(row["n"])
            for column, tally in tallies.items():
                tally[row[column]] += int(row["n"])
        if event_code is None:
            by_status = await count_by_status(self.tx, self.scope)
        breakdown = {column: tally.most_common(12) for column, tally in tallies.items()}
        events_where, events_args = scope, list(args)
        if event_code is not None:
            events_where, events_args = f"{scope} AND code = ?", [*args, event_code]
        codes = f"SELECT code FROM events WHERE {events_where}"
        counts = {
            r["kind"]: int(r["n"])
            for r in await self.tx.all(
                f"SELECT kind, sum(count) AS n FROM event_counts WHERE event_code IN ({codes})"
                " GROUP BY kind",
                *events_args,
            )
        }
        steps = tuple(sorted(in_progress))
        marks = ", ".join("?" for _ in steps)
        scoped = event_code is not None or self.scope is not None
        drafts_of = f" AND event_code IN ({codes})" if scoped else ""
        stopped = [
            (str(r["step"]), int(r["n"]))
            for r in await self.tx.all(
                f"SELECT step, count(*) AS n FROM conversations WHERE step IN ({marks}){drafts_of}"
                " GROUP BY step ORDER BY n DESC",
                *steps,
                *(events_args if scoped else []),
            )
        ]
        return Statistics(
            opened=counts.get("opened", 0),
            consented=counts.get("consented", 0),
            by_status=by_status,
            stopped_at=stopped,
            by_occupation=breakdown["occupation"],
            by_region=breakdown["home_code"],
            by_sex=breakdown["sex"],
        )
