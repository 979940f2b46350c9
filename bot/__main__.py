"""Command line: `python -m bot serve|socket|migrate|demo`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from bot.settings import Mode, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; configuration problems print one line and exit 2."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Incident bot for Slack")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve Slack's HTTP requests on 0.0.0.0:$PORT")
    sub.add_parser("socket", help="connect to Slack over Socket Mode")
    sub.add_parser("migrate", help="bring the database schema to head")
    sub.add_parser("demo", help="play an incident against the local Slack emulator")
    args = parser.parse_args(argv)
    quiet = args.command == "demo"  # the demo prints a transcript, not a log
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        if args.command == "demo":
            from bot.demo import run_demo

            return int(asyncio.run(run_demo()))
        settings = load_settings()
        settings.require(Mode(args.command))
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    from bot import runner

    run = {
        "serve": runner.serve_http,
        "socket": runner.serve_socket_mode,
        "migrate": runner.migrate_only,
    }[args.command]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
