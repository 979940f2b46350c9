"""A burst of 📌 reactions across open incidents: does every marked message land on its
timeline exactly once, how fast are deliveries acked, and what does each capture cost in
Slack Web API calls?

    python -m bench.timeline_burst [--incidents 20] [--reactions 2000]
                                   [--database sqlite|postgresql] [--concurrency 32]

The real bot (migrated database, frozen clock) is served over HTTP against the Slack emulator,
in one process. PostgreSQL is taken from TEST_DATABASE_URL; its public schema is dropped.
Prints a table of figures; exits 1 when an entry is lost or duplicated or an ack is not 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import fresh_database
from bot.app.factory import Runtime, asgi_app, build_runtime
from bot.app.server import serve_in_background
from bot.clock import FrozenClock
from bot.settings import load_settings
from emulator import ApiCall, Channel, Message, SlackEmulator
from models import Incident, SeenMessage, TimelineEntry
from models.database import make_engine, make_sessions, migrate

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
APP_TOKEN = "xapp-bench"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/incident_bot_bench"
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.json"
EMOJI = "pushpin"
READS = ("reactions.get", "conversations.history", "conversations.replies")
MARKS_PER_MESSAGE = 5  # on average; a few messages get many more
RETRY_SHARE = 0.05
MIN_USERS = 16
SETTLE_QUIET = 1.0  # seconds without a new entry or API call before the bot counts as done


@dataclass(frozen=True)
class Target:
    """A message people will mark, and whether the bot saw it posted."""

    channel: str
    message: Message
    seen: bool


@dataclass(frozen=True)
class Send:
    """One delivery of the burst; a retry repeats its original's event_id."""

    target: Target
    user: str
    event_id: str
    retry: bool


@dataclass
class Outcome:
    """What the burst measured."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    acked_in: float = 0.0
    stored_in: float | None = None
    stored: list[tuple[str, str]] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)


class Tally(logging.Handler):
    """Keep the bot's warnings and errors, to count and show them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def show_log(log: Tally) -> None:
    """Print the bot's warnings and errors to stderr: each kind once with a count, and one
    traceback per exception type."""
    kinds: Counter[str] = Counter()
    traced: dict[type[BaseException], logging.LogRecord] = {}
    for record in log.records:
        kind = f"{record.levelname} {record.name}: {record.getMessage()}"
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            first_line = (str(error).splitlines() or [""])[0]
            kind += f" [{type(error).__module__}.{type(error).__name__}: {first_line}]"
            traced.setdefault(type(error), record)
        kinds[kind] += 1
    for kind, count in kinds.most_common(10):
        print(f"{count:>5} x {kind}", file=sys.stderr)
    formatter = logging.Formatter()
    for record in list(traced.values())[:3]:
        assert record.exc_info is not None
        print(formatter.formatException(record.exc_info), file=sys.stderr)


async def database_url(kind: str, workdir: Path) -> str:
    """A fresh database for this benchmark."""
    return await fresh_database(kind, workdir, DEFAULT_POSTGRES)


@asynccontextmanager
async def running_bot(emu: SlackEmulator, url: str) -> AsyncIterator[Runtime]:
    """Serve the real app on a migrated database, pointed at the emulator."""
    settings = load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=emu.api_url,
        DATABASE_URL=url,
        INCIDENT_ANNOUNCE_CHANNEL="#incidents",
    )
    clock = FrozenClock(datetime(2025, 1, 15, 14, 2, tzinfo=UTC))
    runtime = build_runtime(settings, clock=clock)
    await migrate(runtime.engine)
    server = await serve_in_background(asgi_app(runtime))
    emu.bot_url = f"{server.url}/slack/events"
    try:
        yield runtime
    finally:
        await server.stop()
        await runtime.close()


async def until(
    check: Callable[[], Awaitable[bool]],
    what: str,
    timeout: float = 30.0,  # noqa: ASYNC109
) -> None:
    """Poll an async condition until it holds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def declare_incidents(emu: SlackEmulator, count: int, users: list[str]) -> list[Channel]:
    """Declare incidents one by one with /incident; each is ready once its card is pinned."""
    return [await declare(emu, f"bench incident {n}", users) for n in range(1, count + 1)]


async def declare(emu: SlackEmulator, title: str, users: list[str]) -> Channel:
    """Declare one incident as a person and let everyone into its channel."""
    general = emu.channel_by_name("incidents")
    assert general is not None
    before = len(emu.calls)
    response = await emu.slash_command(
        "/incident", f"sev2 {title}", user=users[0], channel=general.id
    )
    assert response.status_code == 200, response

    def created() -> Channel | None:
        made = [
            c
            for c in emu.calls[before:]
            if c.method == "conversations.create" and c.response.get("ok")
        ]
        return emu.channel_by_name(made[-1].args["name"]) if made else None

    channel: Channel = await emu.wait_for(created, 10, f"(channel of {title})")
    await emu.wait_for(lambda: len(channel.pins) == 1, 10, f"(card of {title})")
    channel.members |= set(users)
    return channel


async def post_messages(
    emu: SlackEmulator,
    db: async_sessionmaker[AsyncSession],
    channels: list[Channel],
    per_channel: int,
    users: list[str],
) -> list[Target]:
    """Post in every incident channel: half while the bot listens, half while it does not."""
    targets = []
    for seen in (True, False):
        emu.deliver_events = seen
        for channel in channels:
            for n in range(per_channel // 2 if seen else per_channel - per_channel // 2):
                author = users[n % len(users)]
                words = f"{'seen' if seen else 'unseen'} update {n}: error rate 4{n % 10}%"
                message = await emu.user_posts(channel.id, author, words)
                targets.append(Target(channel.id, message, seen))
    emu.deliver_events = False
    live = {(t.channel, t.message.ts) for t in targets if t.seen}

    async def all_seen() -> bool:
        async with db() as session:
            rows = await session.execute(select(SeenMessage.channel_id, SeenMessage.ts))
        return live <= set(rows.tuples())

    await until(all_seen, "the bot to keep every message posted live")
    return targets


def plan_burst(
    targets: list[Target], users: list[str], total: int, rng: random.Random
) -> list[Send]:
    """`total` deliveries: every message marked at least once, some by many people, ~5% retries."""
    retries = round(total * RETRY_SHARE) if total >= 2 * len(targets) else 0
    originals = total - retries
    if originals < len(targets) or originals > len(targets) * len(users):
        raise ValueError(f"cannot spread {originals} reactions over {len(targets)} messages")
    markers: list[list[str]] = [[] for _ in targets]
    free = [rng.sample(users, len(users)) for _ in targets]
    for index in range(len(targets)):
        markers[index].append(free[index].pop())
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(targets))]
    rng.shuffle(weights)
    for _ in range(originals - len(targets)):
        open_ = [i for i in range(len(targets)) if free[i]]
        [index] = rng.choices(open_, [weights[i] for i in open_])
        markers[index].append(free[index].pop())
    sends = [
        Send(targets[i], user, f"Ev{i:05d}{n:04d}", retry=False)
        for i, users_of in enumerate(markers)
        for n, user in enumerate(users_of)
    ]
    rng.shuffle(sends)
    # A retry follows its original, sometimes while the original is still being handled.
    keyed = [(float(i), s) for i, s in enumerate(sends)]
    for i in rng.sample(range(len(sends)), retries):
        original = sends[i]
        retry = Send(original.target, original.user, original.event_id, retry=True)
        keyed.append((rng.uniform(i + 0.5, len(sends)), retry))
    return [s for _, s in sorted(keyed, key=lambda pair: pair[0])]


def reaction_event(send: Send) -> dict[str, Any]:
    """A reaction_added event as Slack builds it."""
    message = send.target.message
    return {
        "type": "reaction_added",
        "user": send.user,
        "reaction": EMOJI,
        "item_user": message.user,
        "item": {"type": "message", "channel": send.target.channel, "ts": message.ts},
        "event_ts": f"{time.time():.6f}",  # real clock: only a label, the bot ignores it
    }


async def fire(emu: SlackEmulator, sends: list[Send], concurrency: int, out: Outcome) -> float:
    """Deliver the burst concurrently; returns when the last delivery is acked."""
    gate = asyncio.Semaphore(concurrency)

    async def deliver(send: Send) -> None:
        async with gate:
            if not send.retry:
                marked = send.target.message.reactions.setdefault(EMOJI, [])
                marked.append(send.user)
            started = time.perf_counter()
            response = await emu.send_event(
                reaction_event(send), event_id=send.event_id, retry_num=1 if send.retry else None
            )
            out.latencies.append(time.perf_counter() - started)
            out.statuses[response.status_code] += 1

    began = time.perf_counter()
    await asyncio.gather(*(deliver(s) for s in sends))
    out.acked_in = time.perf_counter() - began
    return began


async def settle(
    emu: SlackEmulator,
    db: async_sessionmaker[AsyncSession],
    expected: set[tuple[str, str]],
    began: float,
    out: Outcome,
    timeout: float,  # noqa: ASYNC109
) -> None:
    """Poll until every expected entry is stored and nothing moves any more (or time is up)."""
    query = (
        select(Incident.channel_id, TimelineEntry.message_ts)
        .join(Incident, Incident.id == TimelineEntry.incident_id)
        .where(TimelineEntry.kind == "message")
    )
    last: tuple[int, int] | None = None
    quiet_since = time.perf_counter()
    while True:
        async with db() as session:
            out.stored = [(str(c), str(t)) for c, t in (await session.execute(query)).tuples()]
        now = time.perf_counter()
        if out.stored_in is None and expected <= set(out.stored):
            out.stored_in = now - began
        state = (len(out.stored), len(emu.calls))
        if state != last:
            last, quiet_since = state, now
        elif now - quiet_since >= SETTLE_QUIET and out.stored_in is not None:
            return
        if now - began > timeout:
            return
        await asyncio.sleep(0.05)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def per(count: int, total: int) -> str:
    """A ratio with two decimals, or n/a when there is nothing to divide by."""
    return f"{count / total:.2f}" if total else "n/a"


def report(
    database: str, incidents: int, sends: list[Send], out: Outcome, log: Tally, violations: int
) -> tuple[list[str], bool]:
    """The table of figures, and whether the run was clean."""
    expected = {(s.target.channel, s.target.message.ts) for s in sends}
    seen = {(s.target.channel, s.target.message.ts) for s in sends if s.target.seen}
    stored = set(out.stored)
    duplicates = len(out.stored) - len(stored)
    lost = len(expected - stored)
    unexpected = len(stored - expected)
    retries = sum(s.retry for s in sends)
    by_method = Counter(c.method for c in out.calls)
    reads = [c for c in out.calls if c.method in READS]
    attributed = Counter(
        (c.args.get("channel"), c.args.get("timestamp")) in seen
        for c in reads
        if c.method == "reactions.get"
    )
    other_reads = sum(c.method != "reactions.get" for c in reads)
    captured_live = len(stored & seen)
    captured_unseen = len(stored - seen)
    reactions_live = sum(s.target.seen for s in sends)
    ms = [v * 1000 for v in out.latencies]
    non_200 = sum(n for status, n in out.statuses.items() if status != 200)
    rows = [
        ("database", database),
        ("incidents", incidents),
        ("reactions sent (incl. retries)", f"{len(sends)} ({retries} retries)"),
        ("distinct messages marked (expected)", len(expected)),
        ("entries stored", len(out.stored)),
        ("duplicates", duplicates),
        ("lost", lost),
        ("entries for unmarked messages", unexpected),
        ("events/s (sent / time to last ack)", f"{len(sends) / out.acked_in:.1f}"),
        ("time to last ack", f"{out.acked_in:.2f} s"),
        (
            "time until all entries stored (from 1st send)",
            "never" if out.stored_in is None else f"{out.stored_in:.2f} s",
        ),
        (
            "ack latency p50/p95/p99/max",
            " / ".join(f"{percentile(ms, q):.1f}" for q in (0.5, 0.95, 0.99, 1.0)) + " ms",
        ),
        ("acks other than 200", f"{non_200} {dict(out.statuses)}"),
        (
            "reads for messages seen live",
            f"{attributed[True]} ({per(attributed[True], captured_live)} per captured message,"
            f" {per(attributed[True], reactions_live)} per reaction)",
        ),
        (
            "reads for messages not seen",
            f"{attributed[False]} ({per(attributed[False], captured_unseen)} per captured"
            f" message, {per(attributed[False], len(sends) - reactions_live)} per reaction)",
        ),
        ("other reads (history, replies)", other_reads),
        (
            "writes (reactions.add)",
            f"{by_method['reactions.add']} ({per(by_method['reactions.add'], len(stored))}"
            " per captured message)",
        ),
        (
            "Web API calls during the burst",
            f"{len(out.calls)} ({', '.join(f'{m} {n}' for m, n in by_method.most_common())})",
        ),
        ("bot warnings and errors logged", len(log.records)),
        ("emulator contract violations", violations),
    ]
    lines = ["timeline burst: pushpin reactions through the Events API"]
    width = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    return lines, lost == 0 and duplicates == 0 and non_200 == 0


async def run(args: argparse.Namespace) -> int:
    """Set up, fire the burst, wait for the bot, print the figures."""
    log = Tally()
    logging.getLogger().addHandler(log)
    emu = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    await emu.start()
    try:
        manifest = json.loads(MANIFEST.read_text())
        emu.subscriptions = set(manifest["settings"]["event_subscriptions"]["bot_events"])
        with tempfile.TemporaryDirectory(prefix="timeline-burst-") as workdir:
            url = await database_url(args.database, Path(workdir))
            # The benchmark reads through its own engine, not the bot's connection pool.
            engine = make_engine(url)
            try:
                async with running_bot(emu, url):
                    sends, out = await burst(emu, make_sessions(engine), args)
            finally:
                await engine.dispose()
    finally:
        await emu.stop()
        logging.getLogger().removeHandler(log)
    lines, clean = report(args.database, args.incidents, sends, out, log, len(emu.violations))
    print("\n".join(lines))
    show_log(log)
    if emu.violations:
        print(f"emulator violations: {emu.violations[:5]}", file=sys.stderr)
    return 0 if clean else 1


async def burst(
    emu: SlackEmulator, db: async_sessionmaker[AsyncSession], args: argparse.Namespace
) -> tuple[list[Send], Outcome]:
    """Declare, post, fire the reactions, and wait until the bot is done with them."""
    targets_wanted = max(2 * args.incidents, round(args.reactions / MARKS_PER_MESSAGE))
    per_channel = max(2, round(targets_wanted / args.incidents))
    needed = math.ceil(args.reactions / (per_channel * args.incidents))
    users = [emu.add_user(f"bench{n}") for n in range(max(MIN_USERS, needed))]
    emu.add_channel("incidents", members=users)
    channels = await declare_incidents(emu, args.incidents, users)
    targets = await post_messages(emu, db, channels, per_channel, users)
    sends = plan_burst(targets, users, args.reactions, random.Random(args.seed))
    await asyncio.sleep(SETTLE_QUIET)  # let the declarations' last calls land
    mark = len(emu.calls)
    out = Outcome()
    began = await fire(emu, sends, args.concurrency, out)
    expected = {(t.channel, t.message.ts) for t in targets}
    await settle(emu, db, expected, began, out, args.timeout)
    out.calls = emu.calls[mark:]
    return sends, out


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.timeline_burst", description=__doc__)
    parser.add_argument("--incidents", type=int, default=20)
    parser.add_argument("--reactions", type=int, default=2000, help="deliveries, retries included")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the bot")
    args = parser.parse_args(argv)
    if args.reactions < 2 * args.incidents:
        parser.error("--reactions must be at least twice --incidents (one seen, one unseen each)")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
