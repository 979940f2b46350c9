"""`python -m bot export` as a process, reading a migrated SQLite file, without Slack settings."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from emulator import SlackEmulator
from models import incidents, timeline
from models.database import make_engine, make_sessions, migrate
from tests.conftest import BOT_TOKEN

DECLARED_AT = datetime(2025, 1, 15, 13, 2, tzinfo=UTC)
CHANNEL_NAME = "incident-2025-01-15-payments-down"
ROUTING_KEY = "abcdefghijklmnopqrstuvwxyz012345"


@dataclass
class Result:
    """What the process printed and how it ended."""

    code: int
    out: str
    err: str


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite file holding incident #1 and its timeline."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'incidents.db'}"
    engine = make_engine(url)
    await migrate(engine)
    async with make_sessions(engine).begin() as session:
        incident = await incidents.add(
            session=session,
            title="Payments down",
            severity="sev1",
            status="investigating",
            is_private=False,
            description=None,
            declared_by="U0ALICE",
            declared_at=DECLARED_AT,
            commander_role="ic",
            claimed_by="test",
        )
        incident.channel_id = "C0INC"
        incident.channel_name = CHANNEL_NAME
        for kind, minutes, actor, text, data in [
            ("declared", 0, "U0ALICE", "", {"severity": "sev1", "title": "Payments down"}),
            ("page_sent", 1, "U0ALICE", "", {"target": "pagerduty", "routing_key": ROUTING_KEY}),
            (
                "status_changed",
                20,
                "U0BOB",
                "rolled back",
                {"from": "investigating", "to": "mitigated"},
            ),
        ]:
            await timeline.add(
                session=session,
                incident_id=incident.id,
                kind=kind,
                occurred_at=DECLARED_AT + timedelta(minutes=minutes),
                actor=actor,
                text=text,
                data=data,
            )
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="note",
            occurred_at=DECLARED_AT + timedelta(minutes=30),
            actor="U0GHOST",
            text="left the company",
        )
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="message",
            occurred_at=DECLARED_AT + timedelta(minutes=5),
            actor="U0BOB",
            text="errors &gt; 50% <!channel>",
            message_ts="1736946420.000100",
            permalink="https://x.slack.com/archives/C0INC/p1736946420000100",
            files=["graph.png"],
        )
    await engine.dispose()
    yield url


async def export(database: str, cwd: Path, *args: str, **settings: str) -> Result:
    """Run `python -m bot export ARGS` with only DATABASE_URL, the time zone and `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "INCIDENT_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": database,
            "INCIDENT_TIMEZONE": "Europe/Paris",
            "PYTHONIOENCODING": "utf-8",
            **settings,
        }
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "export",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return Result(process.returncode, out.decode("utf-8"), err.decode("utf-8"))


async def test_exporting_by_number_prints_the_markdown_timeline(
    database: str, tmp_path: Path
) -> None:
    result = await export(database, tmp_path, "#1")

    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out.startswith("# Incident #1: Payments down\n")
    assert "- **Channel:** #incident-2025-01-15-payments-down" in result.out
    assert "- **Incident Commander:** U0ALICE (since 2025-01-15 14:02 CET)" in result.out
    assert "- **2025-01-15 14:03** — Alerted PagerDuty (U0ALICE)" in result.out
    assert "- **2025-01-15 14:07** — errors > 50% @channel 📎 graph.png" in result.out
    assert "- **2025-01-15 14:22** — Status: Investigating → Mitigated — rolled back (U0BOB)" in (
        result.out
    )
    assert ROUTING_KEY not in result.out


async def test_exporting_by_channel_name_prints_json(database: str, tmp_path: Path) -> None:
    for reference in (f"#{CHANNEL_NAME}", CHANNEL_NAME, "C0INC", "1"):
        result = await export(database, tmp_path, reference, "--format", "json")

        assert result.code == 0, result.err
        exported = json.loads(result.out)
        assert exported["incident"]["id"] == 1
        assert [e["kind"] for e in exported["timeline"]] == [
            "declared",
            "page_sent",
            "message",
            "status_changed",
            "note",
        ]
        assert exported["timeline"][2]["files"] == ["graph.png"]
        assert ROUTING_KEY not in result.out


async def test_an_unknown_incident_is_one_line_on_stderr_and_exit_code_1(
    database: str, tmp_path: Path
) -> None:
    by_number = await export(database, tmp_path, "99")
    by_name = await export(database, tmp_path, "#incident-nope")

    assert (by_number.code, by_number.out) == (1, "")
    assert by_number.err == "No incident #99. Try `python -m bot export 12` or a channel name.\n"
    assert (by_name.code, by_name.out) == (1, "")
    assert by_name.err.splitlines() == [
        "No incident with channel #incident-nope. Try `python -m bot export 12` or a channel name."
    ]


async def test_with_a_bot_token_people_are_named_once_each_by_slack(
    database: str, tmp_path: Path, emu: SlackEmulator
) -> None:
    result = await export(
        database, tmp_path, "1", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=emu.api_url
    )

    assert result.code == 0, result.err
    assert "- **Incident Commander:** Alice Doe (since 2025-01-15 14:02 CET)" in result.out
    assert "— Status: Investigating → Mitigated — rolled back (Bob Roe)" in result.out
    assert "— Note: left the company (U0GHOST)" in result.out
    assert result.err == "Slack did not name U0GHOST (user_not_found); showing its ID.\n"
    asked = sorted(call.args["user"] for call in emu.calls_to("users.info"))
    assert asked == ["U0ALICE", "U0BOB", "U0GHOST"]
