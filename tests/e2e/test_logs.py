"""LOG_FORMAT=json: one JSON object a line, each naming the Slack request, event or incident it
belongs to and how it ended, without any function passing those along."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot import logs
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import declare


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the bot logs at INFO and above, written as LOG_FORMAT=json writes it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("bot")
    level = logger.level
    logger.addHandler(handler)
    logs.write_json_lines(logger)
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    """Every line written, each parsed: each must be one JSON object."""
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_each_line_names_its_request_event_and_incident_and_says_how_it_ended(
    emu: SlackEmulator, bot: RunningBot, json_lines: io.StringIO
) -> None:
    channel = await declare(emu, "sev2 payments down")
    finding = await emu.user_posts(channel.id, "U0ALICE", "the disk filled up at 14:00")
    await emu.user_reacts(channel.id, finding.ts, "U0ALICE", "pushpin")
    await emu.wait_for(lambda: "ballot_box_with_check" in finding.reactions)
    await bot.runtime.inbox.drain()

    written = lines(json_lines)
    assert written
    for line in written:
        assert {"time", "level", "logger", "message"} <= set(line), line
        assert line["time"].endswith("+00:00")
    [command] = [line for line in written if line.get("request") == "command"]
    assert command["logger"] == "bot.app.telemetry"
    assert command["level"] == "INFO"
    assert command["command"] == "/incident"
    assert command["trigger_id"]
    assert (command["outcome"], command["status"]) == ("ok", 200)
    assert command["message"].startswith("command /incident answered 200 in ")
    assert "payments down" not in json_lines.getvalue()  # what people type stays out

    [marked] = [
        line
        for line in written
        if line.get("event_type") == "reaction_added" and line.get("outcome") == "processed"
    ]
    assert marked["logger"] == "bot.app.inbox"
    assert marked["event_id"].startswith("Ev")
    assert marked["message"] == f"event {marked['event_id']} processed"
    assert marked["incident"] == 1
    assert marked["request"] == "event"
    [acked] = [
        line
        for line in written
        if line.get("event_id") == marked["event_id"] and line["logger"] == "bot.app.telemetry"
    ]
    assert (acked["event_type"], acked["outcome"], acked["status"]) == ("reaction_added", "ok", 200)
