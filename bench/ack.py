"""How heavy is the bot's acknowledgement? The bot against a bare endpoint that only checks
Slack's signature and answers 200, on the same server in the same run.

    python -m bench.ack [--database sqlite|postgresql] [--rounds 3] [--warmup 1]
                        [--burst 300] [--concurrency 50]

The bot runs as `python -m bot serve` would (same uvicorn set-up, inbox on, scheduler and
reconciling running), in a child process that also serves the bare endpoint at POST /bare.
Each round fires a burst of signed requests at each target: Events API deliveries
(`reaction_added`, each its own event_id) and slash commands (`/incident help`, answered
through its response_url). For the bot a burst ends when every event is processed and every
command answered, so the CPU counted is all the work the requests caused, after the ack too.
Prints p50/p99 ack latency and CPU time per request (the child's user+system time). A warm-up
round goes first for both targets (new connections, SQLAlchemy's statement caches) and is not
counted.
PostgreSQL is taken from TEST_DATABASE_URL; its public schema is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import httpx
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.common import fresh_database
from emulator import SlackEmulator
from emulator.interactions import slash_form

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
APP_TOKEN = "xapp-bench"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/incident_bot_bench"
TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent
# The issue's targets: the bot's p99 against the bare endpoint's, and CPU per event.
EVENT_P99_RATIO = 1.5
COMMAND_P99_RATIO = 2.0
EVENT_CPU_MS = 1.5


def bare_endpoint(secret: str) -> Route:
    """POST /bare: verify the signature, answer 200 — the least any Slack app must do."""
    verifier = SignatureVerifier(secret)

    async def bare(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response(status_code=401)
        return Response(status_code=200)

    return Route("/bare", bare, methods=["POST"])


async def serve_child() -> None:
    """The child process: the bot as `serve` runs it, with /bare beside it."""
    from bot.app import server
    from bot.settings import load_settings

    settings = load_settings()

    bare = Starlette(routes=[bare_endpoint(SIGNING_SECRET)])

    def with_bare(app: Starlette) -> ASGIApp:
        async def either(scope: Scope, receive: Receive, send: Send) -> None:
            # Each request goes through one Starlette app, the bare one or the bot's.
            await (bare if scope.get("path") == "/bare" else app)(scope, receive, send)

        return either

    await server.serve_http(settings, wrap=with_bare)


@dataclass
class Burst:
    """One burst's figures."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu: float = 0.0  # everything the burst caused, the work after the acks included
    ack_cpu: float = 0.0  # while the burst was being acknowledged


@dataclass
class Totals:
    """Every burst of one target and kind, added up."""

    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0
    ack_cpu: float = 0.0
    not_ok: int = 0

    def add(self, burst: Burst) -> None:
        """Count one more burst."""
        self.requests += len(burst.latencies)
        self.latencies += burst.latencies
        self.cpu += burst.cpu
        self.ack_cpu += burst.ack_cpu
        self.not_ok += sum(n for status, n in burst.statuses.items() if status != 200)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Load:
    """Builds signed requests and fires them."""

    def __init__(self, emu: SlackEmulator, url: str) -> None:
        self.emu = emu
        self.url = url
        self.sent = 0
        general = emu.channel_by_name("general")
        assert general is not None
        self.channel = general

    def event(self) -> tuple[bytes, dict[str, str]]:
        """A signed `reaction_added` delivery with an event_id of its own."""
        self.sent += 1
        message_ts = f"{1_700_000_000 + self.sent}.000100"
        envelope = {
            "token": "bench",
            "team_id": "T0BENCH",
            "api_app_id": "A0BENCH",
            "type": "event_callback",
            "event_id": f"Ev{self.sent:010d}",
            "event_time": 1_700_000_000 + self.sent,
            "event": {
                "type": "reaction_added",
                "user": "U0ALICE",
                "reaction": "eyes",
                "item": {"type": "message", "channel": self.channel.id, "ts": message_ts},
                "item_user": "U0BOB",
                "event_ts": f"{1_700_000_000 + self.sent}.000200",
            },
        }
        body = json.dumps(envelope).encode()
        return body, {"Content-Type": "application/json", **self.emu.signed_headers(body)}

    def command(self) -> tuple[bytes, dict[str, str]]:
        """A signed `/incident help` with a response_url and trigger_id of its own."""
        user = self.emu.users["U0ALICE"]
        response_url = self.emu.issue_response_url(self.channel.id, user.id)
        trigger = self.emu.issue_trigger(user.id)
        form = slash_form("/incident", "help", user, self.channel, response_url, trigger)
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return body, {**headers, **self.emu.signed_headers(body)}

    async def fire(
        self,
        workdir: Path,
        path: str,
        make: Callable[[], tuple[bytes, dict[str, str]]],
        count: int,
        concurrency: int,
    ) -> Burst:
        """Send `count` requests, `concurrency` at a time, from a process of their own (so
        neither the emulator nor request building slows the sender); each one's ack latency."""
        burst_file = workdir / "burst.json"
        requests = [make() for _ in range(count)]
        burst_file.write_text(json.dumps([[b.decode(), h] for b, h in requests]))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.ack",
            "--fire",
            self.url + path,
            str(burst_file),
            str(concurrency),
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        out, _ = await process.communicate()
        fired = json.loads(out)
        return Burst(
            latencies=fired["latencies"],
            statuses={int(k): v for k, v in fired["statuses"].items()},
        )


async def fire_burst(
    url: str, requests: list[tuple[str, dict[str, str]]], concurrency: int
) -> None:
    """The sending process: fire the stored requests with aiohttp, print latencies as JSON."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(body: str, headers: dict[str, str]) -> None:
            async with gate:
                started = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                latencies.append(time.perf_counter() - started)
                statuses[response.status] = statuses.get(response.status, 0) + 1

        await asyncio.gather(*(send(b, h) for b, h in requests))
    print(json.dumps({"latencies": latencies, "statuses": statuses}))


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def child(emu: SlackEmulator, database: str, workdir: Path) -> AsyncIterator[tuple[str, int]]:
    """Run the child server; yields its URL and pid."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": database.replace("+aiosqlite", "").replace("+asyncpg", ""),
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    log = (workdir / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.ack", "--serve", env=env, cwd=workdir, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{url}/healthz")).status_code == 200:
                        break
                if process.returncode is not None:
                    raise SystemExit((workdir / "bot.log").read_text())
                await asyncio.sleep(0.05)
        yield url, process.pid
    finally:
        process.terminate()
        await process.wait()
        log.close()


@contextlib.asynccontextmanager
async def serving(emu: SlackEmulator) -> AsyncIterator[SlackEmulator]:
    """The emulator, served until the block ends."""
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


async def work_done(
    client: httpx.AsyncClient, url: str, emu: SlackEmulator, kind: str, answers: int
) -> None:
    """Wait until the bot has done all a burst asked: every event processed (the inbox empty),
    or every command answered (`answers` replies seen through response_urls)."""
    for _ in range(6000):
        if kind == "command" and len(emu.ephemerals) >= answers:
            return
        if kind == "event" and (await client.get(f"{url}/readyz")).json()["inbox"]["pending"] == 0:
            return
        await asyncio.sleep(0.02)
    raise SystemExit(f"the bot did not finish the {kind} burst's work in 2 minutes")


async def run(args: argparse.Namespace) -> int:
    """Fire the rounds and print the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    database = await fresh_database(args.database, workdir, DEFAULT_POSTGRES)
    emu = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    async with serving(emu), child(emu, database, workdir) as (url, pid):
        load = Load(emu, url)
        totals = {(t, k): Totals() for t in ("bare", "bot") for k in args.kinds}
        async with httpx.AsyncClient(timeout=30) as client:
            for number in range(args.warmup + args.rounds):
                warming_up = number < args.warmup  # first connections, caches: not counted
                for kind, make in (("event", load.event), ("command", load.command)):
                    if kind not in args.kinds:
                        continue
                    for target, path in (("bare", "/bare"), ("bot", "/slack/events")):
                        answered = len(emu.ephemerals)
                        before = cpu_seconds(pid)
                        burst = await load.fire(workdir, path, make, args.burst, args.concurrency)
                        burst.ack_cpu = cpu_seconds(pid) - before
                        if target == "bot":
                            await work_done(client, url, emu, kind, answered + args.burst)
                        burst.cpu = cpu_seconds(pid) - before
                        if not warming_up:
                            totals[(target, kind)].add(burst)
                        await asyncio.sleep(0.5)  # let the child go quiet between bursts
    print(report(args, totals))
    failed = any(t.not_ok for t in totals.values()) or bool(emu.violations)
    for violation in emu.violations:
        print(f"emulator violation: {violation}", file=sys.stderr)
    return 1 if failed else 0


def report(args: argparse.Namespace, totals: dict[tuple[str, str], Totals]) -> str:
    """The figures as a Markdown table."""
    names = {"event": "events", "command": "commands"}
    columns = [(t, k) for k in args.kinds for t in ("bare", "bot")]
    lines = [
        f"{args.rounds} rounds of {args.burst} signed requests, {args.concurrency} at a time, "
        f"{args.database}",
        "",
        "| | " + " | ".join(f"{names[k]}: {t}" for t, k in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]

    def row(name: str, value: Callable[[Totals], str]) -> str:
        return f"| {name} | " + " | ".join(value(totals[c]) for c in columns) + " |"

    lines.append(row("requests (not 200)", lambda t: f"{t.requests} ({t.not_ok})"))
    lines.append(row("ack p50", lambda t: f"{percentile(t.latencies, 0.5) * 1000:.1f} ms"))
    lines.append(row("ack p99", lambda t: f"{percentile(t.latencies, 0.99) * 1000:.1f} ms"))
    lines.append(row("CPU per request, acks", lambda t: f"{t.ack_cpu / t.requests * 1000:.2f} ms"))
    lines.append(row("CPU per request, all", lambda t: f"{t.cpu / t.requests * 1000:.2f} ms"))
    targets = {"event": EVENT_P99_RATIO, "command": COMMAND_P99_RATIO}
    said = [f"{names[k]} {_p99(totals, k):.2f}× (target ≤ {targets[k]}×)" for k in args.kinds]
    lines += ["", "bot/bare ack p99: " + ", ".join(said)]
    if "event" in args.kinds:
        bot = totals[("bot", "event")]
        lines[-1] += f"; CPU per event acked {bot.ack_cpu / bot.requests * 1000:.2f} ms "
        lines[-1] += f"(target ≤ {EVENT_CPU_MS} ms)"
    return "\n".join(lines)


def _p99(totals: dict[tuple[str, str], Totals], kind: str) -> float:
    bot = percentile(totals[("bot", kind)].latencies, 0.99)
    return bot / percentile(totals[("bare", kind)].latencies, 0.99)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the benchmark (or, with --serve, be the child)."""
    parser = argparse.ArgumentParser(prog="python -m bench.ack", description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="rounds fired first, not counted")
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--kinds", type=lambda v: v.split(","), default=["event", "command"], help="event,command"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fire", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fire:
        url, burst_file, concurrency = args.fire
        requests = json.loads(Path(burst_file).read_text())
        asyncio.run(fire_burst(url, requests, int(concurrency)))
        return 0
    if args.serve:  # on the event loop `python -m bot serve` runs on
        from bot.app.cli import fast_loop

        with (
            contextlib.suppress(KeyboardInterrupt),
            asyncio.Runner(loop_factory=fast_loop()) as loop,
        ):
            loop.run(serve_child())
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
