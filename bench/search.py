"""The searchable archive at scale: how long does a search take over 10,000 incidents with
postmortems of about 1,500 words, how long does the index take to build, and how big is it?

    python -m bench.search [--incidents 10000] [--words 1500] [--database sqlite|postgresql]

The database is migrated, then incidents and their search documents are bulk-inserted: the
triggers the migration made index each document as it goes in (the build time). The text is
drawn from a vocabulary of incident prose (services, components, failure words, a long tail of
ordinary words, in Zipf-like proportions), so common words match thousands of incidents and
rare ones a few. Then `bot.services.search.search` (what `/incident search` and `python -m bot
search` run) is timed for one-, two- and three-word queries, each with a `sev:` filter: p50 and
p95 over `--queries` different queries of each length, after 20 queries to warm the caches.
The seeded text is let go of first (the bot never holds 15 million words in memory; kept, it
makes Python's garbage collector pause searches). PostgreSQL is taken from TEST_DATABASE_URL;
its public schema is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import fresh_database
from bench.weekly_review import insert_all
from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from bot.services.search import search
from bot.settings import load_settings
from models import Incident, SearchDocument
from models.database import migrate

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/incident_bot_search_bench"
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
TARGET_MS = 50.0
WARM_UP = 20
BATCH = 500


def _words(text: str) -> list[str]:
    return text.split()


SERVICES = _words("payments checkout search login billing inventory shipping catalog auth gateway")
COMPONENTS = _words(
    "database primary replica connection pool cache redis kafka queue consumer producer "
    "scheduler cron worker deploy pipeline canary rollout config flag certificate dns "
    "load balancer ingress pod node cluster disk memory cpu network latency timeout retry "
    "index shard migration schema backup snapshot failover region zone vendor api webhook"
)
FAILURES = _words(
    "exhausted saturated hung crashed leaked expired throttled rejected dropped stalled "
    "degraded flapped deadlocked corrupted misrouted overloaded evicted restarted paged"
)
COMMON = _words(
    "the service was after when because users requests errors minutes alert on call team "
    "we found that it which caused traffic increased monitoring dashboard showed rate "
    "rollback fix change customers impact response time our during while first then"
)
# The long tail: made-up, word-like, about 4,800 of them, drawn by a Zipf law (a few often,
# most rarely), as the vocabulary of real prose is.
_SYLLABLES = _words("ka mo te su dri pa lu ve no ri sa ti be go fa ze ha ju qui wo")
TAIL = [
    f"{a}{b}{c}" for a in _SYLLABLES for b in _SYLLABLES for c in _words("n x r l s t m k d p z g")
]
_TAIL_CUMULATIVE = list(accumulate(1 / rank for rank in range(1, len(TAIL) + 1)))


def document(rng: random.Random, words: int) -> str:
    """About `words` words of incident prose, in sentences, about a few services, components
    and failures of its own (as a postmortem is), once in a while mentioning others."""
    topic = (rng.sample(SERVICES, 2), rng.sample(COMPONENTS, 3), rng.sample(FAILURES, 2))

    def pick(own: list[str], every: list[str]) -> str:
        return rng.choice(own if rng.random() < 0.99 else every)

    out: list[str] = []
    while len(out) < words:
        sentence = [
            rng.choice(COMMON),
            pick(topic[0], SERVICES),
            pick(topic[1], COMPONENTS),
            pick(topic[2], FAILURES),
            *rng.choices(COMMON, k=rng.randint(3, 8)),
            pick(topic[1], COMPONENTS),
            *rng.choices(TAIL, cum_weights=_TAIL_CUMULATIVE, k=rng.randint(2, 5)),
        ]
        out += sentence
        out[-1] += "."
    return " ".join(out[:words])


def plan(incidents: int, words: int, rng: random.Random) -> tuple[list[Any], list[Any]]:
    """Incident rows and their search documents."""
    incident_rows, documents = [], []
    for number in range(1, incidents + 1):
        declared = NOW - timedelta(days=730) * rng.random()
        title = f"{rng.choice(SERVICES)} {rng.choice(COMPONENTS)} {rng.choice(FAILURES)}"
        incident_rows.append(
            {
                "id": number,
                "title": title,
                "severity": rng.choice(("sev1", "sev2", "sev2", "sev3")),
                "status": "closed",
                "is_private": False,
                "is_drill": False,
                "declared_by": "U0BENCH",
                "declared_at": declared,
                "started_at": declared,
                "detected_at": declared,
                "resolved_at": declared + timedelta(hours=1),
                "channel_id": f"C{number:09d}",
                "channel_name": f"incident-{number}",
                "setup_problems": [],
                "follow_ups": [],
            }
        )
        documents.append(
            {
                "incident_id": number,
                "title": title,
                "body": document(rng, words),
                "dirty": False,
                "indexed_at": NOW,
            }
        )
    return incident_rows, documents


async def index_size(engine: AsyncEngine) -> float:
    """Megabytes the documents and their index take."""
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            pages = await connection.scalar(text("PRAGMA page_count"))
            size = await connection.scalar(text("PRAGMA page_size"))
            return float(pages * size) / 1e6
        total = await connection.scalar(text("SELECT pg_total_relation_size('search_documents')"))
        return float(total) / 1e6


# Words that pick incidents out: the topics, and the tail past its 50 commonest words (a word
# in nearly every document finds everything, as a stop word would).
DISCERNING = [*SERVICES, *COMPONENTS, *FAILURES, *TAIL[50:600]]


def queries(rng: random.Random, length: int, count: int, pool: list[str]) -> list[str]:
    """`count` different queries of `length` words of `pool`, each with a severity filter."""
    return [" ".join(rng.sample(pool, length)) + f" sev:{rng.randint(1, 3)}" for _ in range(count)]


async def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=1_500)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args(arguments)
    rng = random.Random(14)
    incident_rows, documents = plan(args.incidents, args.words, rng)
    with tempfile.TemporaryDirectory() as workdir:
        url = await fresh_database(args.database, Path(workdir), DEFAULT_POSTGRES)
        settings = load_settings(SLACK_BOT_TOKEN="xoxb-bench", DATABASE_URL=url)
        runtime = build_runtime(settings, clock=FrozenClock(NOW))
        try:
            await migrate(runtime.engine)
            empty = await index_size(runtime.engine)
            async with runtime.engine.begin() as connection:
                await insert_all(connection, Incident.__table__, incident_rows)  # type: ignore[arg-type]
            started = time.perf_counter()
            for start in range(0, len(documents), BATCH):
                async with runtime.engine.begin() as connection:
                    await insert_all(
                        connection,
                        SearchDocument.__table__,  # type: ignore[arg-type]
                        documents[start : start + BATCH],
                    )
            built = time.perf_counter() - started
            if args.database == "postgresql":
                # What autovacuum does within a minute of a bulk load: the planner sees the rows.
                async with runtime.engine.connect() as connection:
                    await connection.execute(text("ANALYZE"))
                    await connection.commit()
            size = await index_size(runtime.engine) - empty
            del incident_rows[:], documents[:]
            gc.collect()
            print(
                f"database: {args.database}; {args.incidents} incidents, documents of "
                f"{args.words} words; index built in {built:.1f} s; documents and index "
                f"{size:.0f} MB"
            )
            head = f"{'words':<9} {'p50 ms':>7} {'p95 ms':>7} {'hits (median)':>14}"
            print(f"{head}  target ≤ {TARGET_MS:g} ms")
            for query in queries(
                rng, 2, WARM_UP, DISCERNING
            ):  # the caches filled, as in a running bot
                await search(runtime.deps, query, user=None)
            kinds = [(str(n), n, DISCERNING) for n in (1, 2, 3)]
            kinds.append(("1 common", 1, TAIL[:50]))  # the worst case, shown apart
            for label, length, pool in kinds:
                times, totals = [], []
                for query in queries(rng, length, args.queries, pool):
                    began = time.perf_counter()
                    found = await search(runtime.deps, query, user=None)
                    times.append((time.perf_counter() - began) * 1000)
                    totals.append(found.total)
                p50 = statistics.median(times)
                p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
                print(f"{label:<9} {p50:>7.1f} {p95:>7.1f} {statistics.median(totals):>14g}")
        finally:
            await runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
