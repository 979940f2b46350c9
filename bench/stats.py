"""The incident figures over years of history: how long do the stats for 90 days and for a
year take to build, and does the number of queries stay fixed as the history grows?

    python -m bench.stats [--incidents 10000] [--items 100000] [--near-misses 2000]
                          [--database sqlite|postgresql]

The database is migrated and seeded with bulk inserts: incidents over two years (impact start,
detection, mitigation and resolution set; one in ten a recurrence, one in fifty a drill, which
every figure leaves out), action items (done, won't do or open) and near-misses. `measure`
(bot.services.stats, what `/incident stats` and `python -m bot stats` run) is timed for the 90
days and the year up to a fixed moment, best of `--runs`; then the history is doubled (every
row copied two years earlier) and the query counts compared. PostgreSQL is taken from
TEST_DATABASE_URL; its public schema is dropped. Exits 1 if the number of queries grew with the
history.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import fresh_database
from bench.weekly_review import Statements, insert_all
from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from bot.domain.figures import Window
from bot.services.deps import Deps
from bot.services.stats import measure
from bot.settings import load_settings
from models import ActionItem, Incident, NearMiss
from models.database import migrate

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/incident_bot_stats_bench"
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
HISTORY = timedelta(days=730)
TARGET_MS = 200.0


Rows = list[dict[str, Any]]


def plan(
    incidents: int, items: int, near_misses: int, rng: random.Random, shift: timedelta
) -> tuple[Rows, Rows, Rows]:
    """Incident, action-item and near-miss rows over the history, `shift` earlier."""
    first = int(shift / HISTORY) * incidents + 1
    incident_rows: list[dict[str, Any]] = []
    for offset in range(incidents):
        number = first + offset
        declared = NOW - shift - HISTORY * rng.random()
        started = declared - timedelta(minutes=rng.randint(0, 90))
        detected = started + (declared - started) * rng.random()
        resolved = declared + timedelta(minutes=rng.lognormvariate(4, 1))
        incident_rows.append(
            {
                "id": number,
                "title": "bench incident",
                "severity": rng.choice(("sev1", "sev2", "sev2", "sev3")),
                "status": "closed",
                "is_private": False,
                "is_drill": rng.random() < 0.02,
                "declared_by": "U0BENCH",
                "declared_at": declared,
                "started_at": started,
                "detected_at": detected,
                "mitigated_at": None
                if rng.random() < 0.3
                else declared + (resolved - declared) / 2,
                "resolved_at": resolved,
                "channel_id": f"C{number:09d}",
                "channel_name": f"incident-{number}",
                "setup_problems": [],
                "follow_ups": [],
                "recurrence_of": first + rng.randrange(offset)
                if offset and rng.random() < 0.1
                else None,
            }
        )
    item_rows: list[dict[str, Any]] = []
    for _ in range(items):
        incident = rng.choice(incident_rows)
        created = incident["declared_at"] + timedelta(days=rng.uniform(0, 5))
        status = rng.choices(("done", "won't do", "not started"), (70, 10, 20))[0]
        done = (
            created + timedelta(days=rng.lognormvariate(2, 1)) if status != "not started" else None
        )
        item_rows.append(
            {
                "incident_id": incident["id"],
                "title": "bench item",
                "priority": "P2",
                "status": status,
                "created_by": "U0BENCH",
                "created_at": created,
                "completed_at": done,
            }
        )
    near_miss_rows = [
        {
            "title": "bench near-miss",
            "what_happened": "disk nearly full",
            "what_prevented": "the 80% alert",
            "services": [],
            "recorded_by": "U0BENCH",
            "recorded_at": NOW - shift - HISTORY * rng.random(),
        }
        for _ in range(near_misses)
    ]
    return incident_rows, item_rows, near_miss_rows


async def seed(
    engine: AsyncEngine, sizes: tuple[int, int, int], rng: random.Random, shift: timedelta
) -> None:
    """Insert one history's worth of rows (incidents, items, near-misses), `shift` earlier."""
    incident_rows, item_rows, near_miss_rows = plan(*sizes, rng, shift)
    async with engine.begin() as connection:
        await insert_all(connection, Incident.__table__, incident_rows)  # type: ignore[arg-type]
        await insert_all(connection, ActionItem.__table__, item_rows)  # type: ignore[arg-type]
        await insert_all(connection, NearMiss.__table__, near_miss_rows)  # type: ignore[arg-type]


async def timed(
    deps: Deps, statements: Statements, window: Window, runs: int
) -> tuple[float, float, int]:
    """(first, best) milliseconds of measuring a window, and the queries one measure issues."""
    times = []
    queries = 0
    for _ in range(runs):
        statements.seen.clear()
        statements.recording = True
        started = time.perf_counter()
        await measure(deps, window)
        times.append((time.perf_counter() - started) * 1000)
        statements.recording = False
        queries = len(statements.seen)
    return times[0], min(times), queries


async def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stats")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--near-misses", type=int, default=2_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(arguments)
    with tempfile.TemporaryDirectory() as workdir:
        url = await fresh_database(args.database, Path(workdir), DEFAULT_POSTGRES)
        settings = load_settings(SLACK_BOT_TOKEN="xoxb-bench", DATABASE_URL=url)
        runtime = build_runtime(settings, clock=FrozenClock(NOW))
        try:
            await migrate(runtime.engine)
            rng = random.Random(12)
            started = time.perf_counter()
            sizes = (args.incidents, args.items, args.near_misses)
            await seed(runtime.engine, sizes, rng, timedelta(0))
            seeded = time.perf_counter() - started
            statements = Statements()
            statements.listen(runtime.engine)
            windows = {
                "90 days": Window(NOW - timedelta(days=90), NOW, "90 days"),
                "a year": Window(NOW - timedelta(days=365), NOW, "a year"),
            }
            print(
                f"database: {args.database}; seeded {args.incidents} incidents (drills among "
                f"them), {args.items} action items and {args.near_misses} near-misses over "
                f"2 years in {seeded:.1f} s"
            )
            head = f"{'window':<10} {'first ms':>9} {'best ms':>8} {'queries':>8}"
            print(f"{head}  target ≤ {TARGET_MS:g} ms")
            before = {}
            for name, window in windows.items():
                first, best, queries = await timed(runtime.deps, statements, window, args.runs)
                before[name] = queries
                print(f"{name:<10} {first:>9.1f} {best:>8.1f} {queries:>8}")
            await seed(runtime.engine, sizes, rng, HISTORY)
            print(f"history doubled ({', '.join(str(2 * size) for size in sizes)} rows):")
            grew = False
            for name, window in windows.items():
                first, best, queries = await timed(runtime.deps, statements, window, args.runs)
                grew |= queries != before[name]
                print(f"{name:<10} {first:>9.1f} {best:>8.1f} {queries:>8}")
            print(f"queries fixed whatever the history: {'no' if grew else 'yes'}")
        finally:
            await runtime.close()
    return 1 if grew else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
