"""The command line:
`python -m bot serve|socket|migrate|backfill|reconcile|demo|export|run-job|scheduler|stats|
near-misses|search`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable

from bot import logs
from bot.app.policy_file import load_policy
from bot.settings import Mode, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; configuration problems print one line and exit 2."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Incident bot for Slack")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve Slack's HTTP requests on 0.0.0.0:$PORT")
    sub.add_parser("socket", help="connect to Slack over Socket Mode")
    sub.add_parser("migrate", help="bring the database schema to head")
    sub.add_parser("backfill", help="add timeline marks made while the bot was down")
    sub.add_parser("reconcile", help="finish declarations a crash cut short; redraw stale cards")
    sub.add_parser("demo", help="play an incident against the local Slack emulator")
    export = sub.add_parser("export", help="print an incident's timeline as Markdown or JSON")
    export.add_argument("incident", help="number (12, #12), channel ID or channel name")
    export.add_argument("--format", choices=("markdown", "json"), default="markdown")
    run_job = sub.add_parser("run-job", help="run one scheduled job now (or as if at --at)")
    run_job.add_argument("job", help="the job's name")
    run_job.add_argument("--at", help="ISO 8601 time to run as of, e.g. 2025-01-15T09:00+01:00")
    sub.add_parser("scheduler", help="run the scheduled jobs until stopped (a worker process)")
    stats = sub.add_parser("stats", help="print the incident figures of a window")
    stats.add_argument("--since", help="first day (2025-01-01) or ISO time; default 30 days ago")
    stats.add_argument("--until", help="last day (through its end) or ISO time; default now")
    stats.add_argument("--format", choices=("json", "csv", "text"), default="text")
    find = sub.add_parser("search", help="search the incident archive")
    find.add_argument("words", nargs="+", help="words and filters, e.g. timeout sev:1")
    find.add_argument("--as", dest="as_user", help="search as this Slack user ID (private ones)")
    find.add_argument("--format", choices=("json", "text"), default="text")
    near = sub.add_parser("near-misses", help="export the near-misses of a window")
    near.add_argument("--since", help="first day (2025-01-01) or ISO time; default 30 days ago")
    near.add_argument("--until", help="last day (through its end) or ISO time; default now")
    near.add_argument("--format", choices=("json", "csv"), default="csv")
    args = parser.parse_args(argv)
    quiet = args.command in (
        "demo",
        "export",
        "run-job",
        "stats",
        "near-misses",
        "search",
    )  # they print a result, not a log
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        if args.command == "demo":
            from bot.app.demo import run_demo
            from bot.clock import SystemClock

            # The command line is the edge: the demo starts now, on a clock it then moves.
            return int(asyncio.run(run_demo(SystemClock().now())))
        settings = load_settings()
        if settings.log_format == "json":
            logs.write_json_lines()
        if args.command == "export":
            from bot.app.export_cli import run_export

            return asyncio.run(run_export(settings, args.incident, args.format))
        if args.command == "stats":
            from bot.app.stats_cli import run_stats

            return asyncio.run(
                run_stats(settings, since=args.since, until=args.until, output_format=args.format)
            )
        if args.command == "search":
            from bot.app.search_cli import run_search

            return asyncio.run(
                run_search(settings, args.words, as_user=args.as_user, output_format=args.format)
            )
        if args.command == "near-misses":
            from bot.app.stats_cli import run_near_miss_export

            return asyncio.run(
                run_near_miss_export(
                    settings, since=args.since, until=args.until, output_format=args.format
                )
            )
        if args.command == "run-job":
            from bot.app.jobs_cli import run_job_command

            return asyncio.run(run_job_command(settings, args.job, args.at))
        if args.command == "reconcile":
            from bot.app.jobs_cli import run_reconcile

            return asyncio.run(run_reconcile(settings))
        if args.command == "scheduler":
            from bot.app.jobs_cli import run_scheduler

            with contextlib.suppress(KeyboardInterrupt):
                return asyncio.run(run_scheduler(settings))
            return 0
        settings.require(Mode(args.command))
        # A bad policy or catalog file stops start-up with one line.
        load_policy(settings.config_path, settings.catalog_path)
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    from bot.app import server

    run = {
        "serve": server.serve_http,
        "socket": server.serve_socket_mode,
        "migrate": server.migrate_only,
        "backfill": server.backfill,
    }[args.command]
    # uvloop (from uvicorn[standard]) spends less of each request in the event loop itself.
    with contextlib.suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=fast_loop()) as loop:
        loop.run(run(settings))
    return 0


def fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
