"""The weekly action-item review over years of history: how long does building it take, how
many queries does it issue, do they stay bounded by the open tail (never the closed history),
and what does posting it cost in Slack messages and Web API calls?

    python -m bench.weekly_review [--incidents 10000] [--items 100000]
                                  [--database sqlite|postgresql]

The database is migrated and seeded with bulk inserts: ~2 years of incidents (their ICs and
postmortems) and action items, nearly all closed long ago, with an open tail, a few hundred
overdue and a few hundred completed in the last week. `build_review` runs at a fixed Monday
09:00 UTC, then `post_weekly_review` posts to the Slack emulator with no-op waits; then the
closed history is doubled and the review built again. PostgreSQL is taken from
TEST_DATABASE_URL; its public schema is dropped. Exits 1 if the review changed with the closed
history, or if the posting sent nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import fresh_database
from bot.app.factory import Runtime, build_runtime
from bot.clock import FrozenClock
from bot.domain.action_items import ITEM_OPEN
from bot.services.deps import Deps
from bot.settings import load_settings
from emulator import SlackEmulator
from emulator.state import BOT_USER_ID
from models import ActionItem, Incident, Postmortem, RoleAssignment
from models.action_review import Review
from models.database import migrate
from scheduler.review import build_review, post_weekly_review

BOT_TOKEN = "xoxb-bench"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/incident_bot_review_bench"
# Monday 2 June 2025, 09:00 UTC: the review's run; the history ends just before it.
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
HISTORY = timedelta(days=730)
BATCH = 5000
USERS = 200
OPEN_SHARE = 0.02  # of the items: the open tail
OVERDUE_SHARE = 0.35  # of the older open items with a due date
WEEK_SHARE = 0.003  # of the items: done in the last week
RECENT_HALF_LIFE = 30.0  # days: open and recently done items lean towards recent incidents
GROWS = "  ← grows with the closed history"
# The order in which build_review issues its statements.
QUERY_NAMES = (
    "counts_by_priority",
    "overdue",
    "completed_between",
    "completion_since (count)",
    "completion_since (durations)",
    "unpublished_postmortems",
)
VERBS = ("Add", "Fix", "Document", "Alert on", "Automate", "Load-test", "Remove", "Review")
THINGS = ("retries", "timeouts", "the runbook", "disk usage", "TLS expiry", "queue depth")
SERVICES = ("payments", "search", "checkout", "auth", "ledger <v2>", "R&D tools", "billing")


@dataclass
class Statement:
    """One SQL statement as the driver ran it, and how long it took (rows fetched included)."""

    sql: str
    parameters: Any
    seconds: float = 0.0


@dataclass
class Statements:
    """Counts (before_cursor_execute) and times the statements an engine runs while on."""

    recording: bool = False
    seen: list[Statement] = field(default_factory=list)
    _started: float = 0.0

    def listen(self, engine: AsyncEngine) -> None:
        """Hook into the engine's cursor events."""
        event.listen(engine.sync_engine, "before_cursor_execute", self.before)
        event.listen(engine.sync_engine, "after_cursor_execute", self.after)

    def before(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        if self.recording:
            self.seen.append(Statement(sql, parameters))
            self._started = time.perf_counter()

    def after(self, *_: Any) -> None:
        if self.recording and self.seen:
            self.seen[-1].seconds = time.perf_counter() - self._started


@dataclass(frozen=True)
class Build:
    """Timings and statements of repeated review builds: the first run's, the best run's, and
    each statement's best."""

    first: float
    best: float
    statements: list[Statement]
    per_query: list[float]
    review: Review

    @property
    def queries(self) -> int:
        """Statements issued by one build."""
        return len(self.statements)


async def database_url(kind: str, workdir: Path) -> str:
    """A fresh database for this benchmark."""
    return await fresh_database(kind, workdir, DEFAULT_POSTGRES)


def recency_sample(created: Sequence[datetime], count: int, rng: random.Random) -> list[int]:
    """`count` indexes drawn without replacement, weighted towards recent creation."""
    keys = []
    for index, at in enumerate(created):
        weight = 0.5 ** ((NOW - at).total_seconds() / 86400 / RECENT_HALF_LIFE)
        keys.append((math.log(1.0 - rng.random()) / max(weight, 1e-300), index))
    return [index for _, index in sorted(keys, reverse=True)[:count]]


def plan_incidents(
    count: int, users: list[str], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Incidents over the history (oldest first), their role rows, and a third's postmortems."""
    incidents: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    postmortems: list[dict[str, Any]] = []
    starts = sorted(NOW - HISTORY * rng.random() for _ in range(count))
    for number, declared in enumerate(starts, start=1):
        recent = NOW - declared < timedelta(days=3)
        status = (
            rng.choice(("investigating", "identified", "mitigated"))
            if recent or rng.random() < 0.016
            else rng.choices(("resolved", "postmortem", "closed"), (3, 4, 93))[0]
        )
        ic = rng.choice(users)
        resolved = (
            None
            if status in ("investigating", "identified", "mitigated")
            else declared + timedelta(hours=rng.uniform(0.5, 12))
        )
        incidents.append(
            {
                "id": number,
                "title": f"{rng.choice(SERVICES)} {rng.choice(('down', 'slow', 'erroring'))}",
                "description": None,
                "severity": rng.choice(("sev1", "sev2", "sev2", "sev3", "sev3", "sev4")),
                "status": status,
                "is_private": rng.random() < 0.05,
                "declared_by": ic,
                "declared_at": declared,
                "started_at": declared - timedelta(minutes=rng.randint(1, 60)),
                "detected_at": declared,
                "identified_at": None,
                "mitigated_at": None,
                "resolved_at": resolved,
                "last_update_at": declared,
                "channel_id": f"C{number:08d}",
                "channel_name": f"incident-{number}",
                "topic_set": True,
                "card_ts": None,
                "card_pinned": True,
                "announcement_channel_id": None,
                "announcement_ts": None,
                "setup_problems": [],
            }
        )
        role: dict[str, Any] = {"incident_id": number, "assigned_by": ic, "assigned_at": declared}
        if rng.random() < 0.1:  # a handover: the first IC's term has ended
            ended = declared + timedelta(hours=1)
            roles.append({**role, "role": "ic", "user_id": ic, "ended_at": ended})
            ic = rng.choice(users)
            role["assigned_at"] = ended
        roles.append({**role, "role": "ic", "user_id": ic, "ended_at": None})
        if rng.random() < 0.5:
            roles.append({**role, "role": "tech", "user_id": rng.choice(users), "ended_at": None})
    closed = [row for row in incidents if row["resolved_at"] is not None]
    for pm_id, row in enumerate(rng.sample(closed, min(len(closed), count // 3)), start=1):
        status = rng.choices(("published", "draft", "in review"), (85, 8, 7))[0]
        created = row["declared_at"] + timedelta(days=1)
        postmortems.append(
            {
                "id": pm_id,
                "incident_id": row["id"],
                "owner": row["declared_by"],
                "status": status,
                "due_on": (created + timedelta(days=14)).date(),
                "created_at": created,
                "published_at": created + timedelta(days=10) if status == "published" else None,
                "sections": {},
                "findings": [],
                "canvas_id": None,
                "file_id": None,
                "link": None,
                "meeting_at": None,
            }
        )
    return incidents, roles, postmortems


def item_row(
    incident: dict[str, Any], pm: int | None, users: list[str], rng: random.Random
) -> dict[str, Any]:
    """A closed action item of an incident (its fate is set by the caller)."""
    title = f"{rng.choice(VERBS)} {rng.choice(THINGS)} for {rng.choice(SERVICES)}"
    if rng.random() < 0.01:
        title += " — " + " ".join(rng.choice(THINGS) for _ in range(30))
    created = min(incident["declared_at"] + timedelta(hours=rng.uniform(1, 120)), NOW)
    return {
        "incident_id": incident["id"],
        "postmortem_id": pm,
        "title": title,
        "owner": None if rng.random() < 0.05 else rng.choice(users),
        "due_on": (created + timedelta(days=rng.randint(7, 45))).date(),
        "priority": rng.choices(("P1", "P2", "P3"), (15, 45, 40))[0],
        "status": "done",
        "wont_do_reason": None,
        "created_by": rng.choice(users),
        "created_at": created,
        "started_at": None,
        "completed_at": None,
    }


def close_long_ago(row: dict[str, Any], rng: random.Random, before: datetime) -> None:
    """Done (or won't do) some days after creation, and no later than `before`."""
    took = timedelta(days=min(rng.lognormvariate(math.log(12), 1.0), 365))
    row["completed_at"] = max(min(row["created_at"] + took, before), row["created_at"])
    if rng.random() < 0.15:
        row["status"], row["wont_do_reason"] = "won't do", "superseded"


def plan_items(
    incidents: list[dict[str, Any]],
    pm_of: dict[int, int],
    count: int,
    users: list[str],
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Items over the incidents, oldest first: an open tail, the week's done, the rest closed."""
    owners = rng.choices(incidents, k=count)
    rows = [item_row(i, pm_of.get(i["id"]), users, rng) for i in owners]
    rows.sort(key=lambda row: row["created_at"])
    today, week_start = NOW.date(), NOW - timedelta(days=7)
    # What was filed this week is open, or (one in ten) already done.
    fresh = [i for i, row in enumerate(rows) if row["created_at"] > week_start]
    fresh_done = set(rng.sample(fresh, len(fresh) // 10))
    for index in fresh:
        if index not in fresh_done:
            rows[index]["status"] = rng.choice(("not started", "in progress"))
    # The older open tail and the week's other done items lean towards recent incidents.
    older = [i for i, row in enumerate(rows) if row["created_at"] <= week_start]
    wanted = max(0, round(count * OPEN_SHARE) - len(fresh) + len(fresh_done))
    picked = recency_sample([rows[i]["created_at"] for i in older], wanted, rng)
    opened = {older[i] for i in picked}
    for index in opened:
        row = rows[index]
        row["status"] = rng.choice(("not started", "in progress"))
        roll = rng.random()
        if roll < 0.1:
            row["due_on"] = None
        elif roll < 0.1 + 0.9 * OVERDUE_SHARE:
            late = rng.randint(1, 14) if rng.random() < 0.5 else rng.randint(15, 180)
            row["due_on"] = today - timedelta(days=late)
        else:
            row["due_on"] = today + timedelta(days=rng.randint(0, 60))
    rest = [i for i in older if i not in opened]
    wanted = max(0, round(count * WEEK_SHARE) - len(fresh_done))
    picked = recency_sample([rows[i]["created_at"] for i in rest], wanted, rng)
    week = fresh_done | {rest[i] for i in picked}
    for index in week:
        row = rows[index]
        start = max(row["created_at"], week_start)
        row["completed_at"] = start + (NOW - start) * rng.uniform(0.01, 1.0)
    for index in rest:
        if index not in week:
            close_long_ago(rows[index], rng, week_start - timedelta(days=1))
    return rows


def plan_old_closed(
    incidents: list[dict[str, Any]], count: int, users: list[str], rng: random.Random
) -> list[dict[str, Any]]:
    """More closed items, created and closed before the completion window opened."""
    cutoff = NOW - timedelta(days=120)
    old = [i for i in incidents if i["declared_at"] < cutoff - timedelta(days=5)]
    rows = [item_row(i, None, users, rng) for i in rng.choices(old, k=count)]
    for row in rows:
        close_long_ago(row, rng, cutoff)
    return rows


async def insert_all(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with Core executemany, BATCH at a time."""
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(table), rows[start : start + BATCH])


async def seed(
    engine: AsyncEngine, incidents: int, items: int, rng: random.Random
) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Fill the database; returns the incidents, the postmortem count and the users."""
    users = [f"U{n:06d}" for n in range(USERS)]
    incident_rows, roles, postmortems = plan_incidents(incidents, users, rng)
    pm_of = {row["incident_id"]: row["id"] for row in postmortems}
    item_rows = plan_items(incident_rows, pm_of, items, users, rng)
    async with engine.begin() as connection:
        for model, rows in (
            (Incident, incident_rows),
            (RoleAssignment, roles),
            (Postmortem, postmortems),
            (ActionItem, item_rows),
        ):
            await insert_all(connection, model.__table__, rows)  # type: ignore[arg-type]
        if connection.dialect.name == "postgresql":
            for table in ("incidents", "postmortems"):
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
    await analyze(engine)
    return incident_rows, len(postmortems), users


async def analyze(engine: AsyncEngine) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum would after a bulk load."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()


async def build(deps: Deps, log: Statements, runs: int = 3) -> Build:
    """Build the review `runs` times, recording every statement."""
    times: list[float] = []
    runs_seen: list[list[Statement]] = []
    reviews: list[Review] = []
    for _ in range(runs):
        log.seen = []
        log.recording = True
        started = time.perf_counter()
        reviews.append(await build_review(deps, NOW))
        times.append(time.perf_counter() - started)
        log.recording = False
        runs_seen.append(log.seen)
    first = runs_seen[0]
    if any(len(seen) != len(first) for seen in runs_seen):
        raise RuntimeError("build_review issued a different number of statements between runs")
    per_query = [min(seen[i].seconds for seen in runs_seen) for i in range(len(first))]
    return Build(times[0], min(times), first, per_query, reviews[0])


async def peak_memory(deps: Deps) -> int:
    """tracemalloc's peak, in bytes, over one build of the review."""
    tracemalloc.start()
    try:
        await build_review(deps, NOW)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def query_name(index: int, count: int) -> str:
    """The review query a statement comes from, by its place in the build."""
    return QUERY_NAMES[index] if count == len(QUERY_NAMES) else f"query {index + 1}"


async def plans(engine: AsyncEngine, statements: list[Statement]) -> list[str]:
    """One line per statement: whether it reads action_items in full, and its plan's scans."""
    postgres = engine.dialect.name == "postgresql"
    lines = []
    async with engine.connect() as connection:
        for index, statement in enumerate(statements):
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            result = await connection.exec_driver_sql(prefix + statement.sql, statement.parameters)
            rows = [str(row[-1]) for row in result]
            if postgres:
                scans = [
                    row.strip().removeprefix("->").strip().split("  (")[0]
                    for row in rows
                    if "Scan" in row or "Index Cond:" in row
                ]
                full = any("Seq Scan on action_items" in row for row in rows)
            else:
                scans = [row for row in rows if row.startswith(("SCAN", "SEARCH", "MULTI"))]
                full = "SCAN action_items" in rows
            flag = "SEQ SCAN of action_items" if full else "no full scan of action_items"
            lines.append(f"  {query_name(index, len(statements))}: {flag}")
            lines += [f"      {scan}" for scan in scans]
    return lines


async def count_items(engine: AsyncEngine) -> tuple[int, int]:
    """Open and closed action items."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(ActionItem.status, func.count()).group_by(ActionItem.status)
        )
        counts = {str(status): int(n) for status, n in rows.tuples()}
    opened = sum(n for status, n in counts.items() if status in ITEM_OPEN)
    return opened, sum(counts.values()) - opened


def describe(review: Review) -> list[tuple[str, object]]:
    """What the review says, row by row."""
    by_priority = ", ".join(f"{p} {c.open} ({c.overdue} overdue)" for p, c in review.counts.items())
    rate = review.completion.rate
    median = review.completion.median_to_complete
    return [
        ("open items by priority", f"{review.open_count}: {by_priority}"),
        ("overdue rows", len(review.overdue)),
        (
            f"escalated (> {review.escalate_after_days} days)",
            sum(map(review.escalated, review.overdue)),
        ),
        ("completed this week", len(review.completed)),
        (
            f"completion, last {review.window_days} days",
            f"{review.completion.done}/{review.completion.created} done"
            + (f" ({rate:.1%})" if rate is not None else ""),
        ),
        ("median time to complete", str(median).split(".")[0] if median else "n/a"),
        ("unpublished postmortems", review.unpublished_postmortems),
    ]


def table(title: str, rows: list[tuple[str, object]]) -> None:
    """Print a titled table of figures."""
    width = max(len(label) for label, _ in rows)
    print(title)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def grows(before: float, after: float) -> bool:
    """Whether a query got clearly slower when only the closed history grew."""
    return after > 1.5 * before and after - before > 0.002


def ms(seconds: float) -> str:
    """Seconds as milliseconds, one decimal."""
    return f"{seconds * 1000:.1f} ms"


class Waits:
    """A sleep that records what it is asked to wait, and waits for nothing."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


async def post(
    emu: SlackEmulator, runtime: Runtime, log: Statements
) -> tuple[bool, list[tuple[str, object]]]:
    """Post the review to the emulator; whether anything was sent, and the figures."""
    waits = Waits()
    mark = len(emu.calls)
    log.seen = []
    log.recording = True
    started = time.perf_counter()
    sent = await post_weekly_review(runtime.deps, NOW, sleep=waits)
    took = time.perf_counter() - started
    log.recording = False
    calls = emu.calls[mark:]
    channel = emu.channel_by_name("incidents")
    assert channel is not None
    messages = [m for top in channel.messages for m in (top, *top.replies)]
    blocks = [b for m in messages for b in (m.blocks or [])]
    sections = [len(b["text"]["text"]) for b in blocks if b.get("type") == "section"]
    methods = Counter(c.method for c in calls)
    return sent >= 1, [
        ("messages sent (main + thread replies)", f"{sent} (1 + {sent - 1})" if sent else 0),
        (
            "messages in the channel (top-level + replies)",
            f"{len(channel.messages)} + {sum(len(m.replies) for m in channel.messages)}",
        ),
        ("blocks per message, max", max((len(m.blocks or []) for m in messages), default=0)),
        ("section length max (chars)", max(sections, default=0)),
        ("Web API calls", f"{len(calls)} ({', '.join(f'{m} {n}' for m, n in methods.items())})"),
        ("Web API errors", sum(1 for c in calls if not c.response.get("ok"))),
        ("1-second waits asked for", f"{len(waits.asked)} ({sum(waits.asked):.0f} s in all)"),
        ("posting time, waits excluded (incl. its build)", ms(took)),
        ("SQL statements during posting", len(log.seen)),
        ("emulator contract violations", len(emu.violations)),
    ]


async def run(args: argparse.Namespace) -> int:
    """Seed, build, post, double the closed history, build again; print the figures."""
    rng = random.Random(args.seed)
    emu = SlackEmulator(bot_token=BOT_TOKEN)
    await emu.start()
    try:
        emu.add_channel("incidents", members=[emu.add_user("reviewer"), BOT_USER_ID])
        with tempfile.TemporaryDirectory(prefix="weekly-review-") as workdir:
            url = await database_url(args.database, Path(workdir))
            settings = load_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_API_URL=emu.api_url,
                DATABASE_URL=url,
                INCIDENT_ANNOUNCE_CHANNEL="#incidents",
                ACTION_REVIEW_CHANNEL=None,
                INCIDENT_TIMEZONE="UTC",
            )
            runtime = build_runtime(settings, clock=FrozenClock(NOW))
            try:
                return await measure(emu, runtime, args, rng)
            finally:
                await runtime.close()
    finally:
        await emu.stop()


async def measure(
    emu: SlackEmulator, runtime: Runtime, args: argparse.Namespace, rng: random.Random
) -> int:
    """The benchmark proper, on a runtime whose database is empty."""
    engine = runtime.engine
    await migrate(engine)
    started = time.perf_counter()
    incidents, postmortems, users = await seed(engine, args.incidents, args.items, rng)
    seeded = time.perf_counter() - started
    opened, closed = await count_items(engine)
    log = Statements()
    log.listen(engine)
    base = await build(runtime.deps, log)
    peak = await peak_memory(runtime.deps)
    base_plans = await plans(engine, base.statements)

    print(f"weekly review: {args.database}, now {NOW:%a %Y-%m-%d %H:%M} UTC")
    table(
        "seeding (bulk Core inserts, then ANALYZE on PostgreSQL)",
        [
            ("incidents / postmortems", f"{len(incidents)} / {postmortems}"),
            ("action items: open / closed", f"{opened} / {closed}"),
            ("seeding time", f"{seeded:.2f} s"),
        ],
    )
    table(
        "build_review",
        [
            ("time, first run", ms(base.first)),
            ("time, best of 3 (first included)", ms(base.best)),
            ("queries issued", base.queries),
            *describe(base.review),
            ("peak memory (tracemalloc)", f"{peak / 1024:.0f} KiB"),
        ],
    )
    sent, posting = await post(emu, runtime, log)
    table("post_weekly_review (Slack emulator, no-op waits)", posting)

    more = plan_old_closed(incidents, closed, users, rng)
    started = time.perf_counter()
    async with engine.begin() as connection:
        await insert_all(connection, ActionItem.__table__, more)  # type: ignore[arg-type]
    await analyze(engine)
    added = time.perf_counter() - started
    doubled = await build(runtime.deps, log)
    same = doubled.review == base.review
    _, closed_after = await count_items(engine)
    side_by_side: list[tuple[str, object]] = [
        ("closed items", f"{closed} → {closed_after} (inserted in {added:.2f} s)"),
        ("build time, first run", f"{ms(base.first)} → {ms(doubled.first)}"),
        ("build time, best of 3", f"{ms(base.best)} → {ms(doubled.best)}"),
        ("queries issued", f"{base.queries} → {doubled.queries}"),
        ("review unchanged", "yes" if same else "NO"),
    ]
    if base.queries == doubled.queries:
        side_by_side += [
            (
                f"  {query_name(i, base.queries)}, best",
                f"{ms(before)} → {ms(after)}" + (GROWS if grows(before, after) else ""),
            )
            for i, (before, after) in enumerate(zip(base.per_query, doubled.per_query, strict=True))
        ]
    table("closed items ×2", side_by_side)
    explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    doubled_plans = await plans(engine, doubled.statements)
    same_plans = doubled_plans == base_plans
    print(f"query plans ({explain}), base size" + (" and closed items ×2" if same_plans else ""))
    print("\n".join(base_plans))
    if not same_plans:
        print(f"query plans ({explain}), closed items ×2")
        print("\n".join(doubled_plans))
    return 0 if same and sent else 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.weekly_review", description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.incidents < 3 or args.items < 100:
        parser.error("--incidents must be at least 3 and --items at least 100")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
