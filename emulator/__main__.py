"""Run a standalone emulator: `python -m emulator [--port N] [--bot-url URL]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from emulator.core import SlackEmulator


async def serve(args: argparse.Namespace) -> None:
    """Start the emulator, print where it listens, and serve until interrupted."""
    emu = SlackEmulator(args.signing_secret, args.bot_token, args.app_token)
    emu.bot_url = args.bot_url
    await emu.start(args.port)
    print(f"SLACK_API_URL={emu.api_url}", flush=True)
    print(f"bot token {emu.bot_token}, app token {emu.app_token}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()


def main() -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    parser.add_argument("--bot-url", default=None, help="where to send signed requests")
    parser.add_argument("--signing-secret", default="test-secret")
    parser.add_argument("--bot-token", default="xoxb-test-token")
    parser.add_argument("--app-token", default="xapp-test-token")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
