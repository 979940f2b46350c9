"""10,000 generated `/incident` texts, typed in #incidents and in an incident channel, through the
real app: every one acked 200, none leaves a traceback or an unfinished inbox row, and nothing
the bot writes notifies anyone (no @channel, @here, @everyone or group ping; no mention of a
person nobody mentioned)."""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Iterator
from urllib.parse import unquote_plus

import pytest
from sqlalchemy import select

from bot.commands.help import SUBCOMMANDS
from emulator import SlackEmulator
from models.inbox import InboxEvent
from tests.conftest import RunningBot
from tests.helpers import declare

TEXTS = int(os.environ.get("FUZZ_TEXTS", "10000"))
SEED = 20261202
AT_ONCE = 50  # Slack delivers a busy channel's commands concurrently

# The first words people type: every subcommand, near misses, other cases and nothing at all.
HEADS = sorted(
    {s.form.removeprefix("/incident").split()[0] for s in SUBCOMMANDS}
    - {"[<title>]", "sev1|sev2|sev3"}
    | {"sev1", "sev2", "sev3"}
)
NEAR_MISSES = ["sev", "sev0", "sev4", "sev-1", "SEV1", "Sev 2", "resolv", "rôle", "actions", "pm"]
# Argument pieces, as Slack sends them: a typed "<" arrives as "&lt;", a picked mention as <@U…|…>.
PIECES = [
    "1", "2", "3", "0", "-1", "99999999999999999999", "sev1", "ic", "tech", "comms", "scribe",
    "lead", "owner", "edit", "review", "publish", "export", "add", "done", "open", "won't-do",
    "INC-1", "INC-999", "#1", "P1", "P4", "13:52", "25:61", "9:5", "yesterday", "2025-01-15",
    "2025-02-30", "2025-01-15 13:52", "in 2 weeks", "next friday", "tomorrow", "noon",
    "<@U0BOB|bob>", "<@U0BOB>", "&lt;@U0CAROL&gt;", "@carol", "<@U0NOSUCH>", "<@W0BOB|bob>",
    "<!channel>", "<!here>", "<!everyone>", "&lt;!channel&gt;", "&lt;!here|here&gt;", "@here",
    "@everyone", "<!subteam^S0ONCALL|@oncall>", "&lt;!subteam^S0ONCALL&gt;", "<#C0123|general>",
    "<https://evil.example|click me>", "<mailto:x@example.com|mail>", "*bold*", "_it_", "~s~",
    "`code`", "```block```", "&amp;", "&lt;script&gt;alert(1)&lt;/script&gt;", ">quote", "\n",
    "\t", "  ", "🔥", "👩🏽‍💻", "\u202ertl", "zero\u200bwidth", "e\u0301", "Ωμέγα", "数据库",
    "'; DROP TABLE incidents; --", "%s%s%n", "{0}{1}", "${jndi:x}", "\\", "\"", "'", "|", ":",
    "payments down", "db failover", "x" * 200, "y" * 3100,
]  # fmt: skip


def fuzz_texts(count: int, seed: int = SEED) -> Iterator[str]:
    """`count` texts: a head (subcommand, near miss, severity or title word) and 0-6 pieces."""
    rng = random.Random(seed)
    heads = HEADS + NEAR_MISSES + ["help", "", "payments"]
    for _ in range(count):
        words = [rng.choice(heads), *rng.choices(PIECES, k=rng.randint(0, 6))]
        if rng.random() < 0.1:
            words = rng.sample(words, len(words))
        text = " ".join(words)
        if text.split()[:1] in (["sev1"], ["sev2"], ["sev3"]) and rng.random() < 0.9:
            text = "sev" + text[4:]  # a declaration now and then, not thousands of channels
        yield text


def test_the_generator_is_seeded_and_covers_every_subcommand() -> None:
    texts = list(fuzz_texts(TEXTS))
    assert texts == list(fuzz_texts(TEXTS))
    assert {t.split()[0] for t in texts if t.split()} >= set(HEADS)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_ten_thousand_generated_texts_leave_no_5xx_no_traceback_and_no_ping(
    bot: RunningBot, emu: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    channel = await declare(emu)
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    texts = list(fuzz_texts(TEXTS))
    rng = random.Random(SEED)
    statuses: list[tuple[int, str]] = []
    for start in range(0, len(texts), AT_ONCE):
        batch = texts[start : start + AT_ONCE]
        acks = await asyncio.gather(
            *(
                emu.slash_command(
                    "/incident",
                    text,
                    user=rng.choice(["U0ALICE", "U0ALICE", "U0BOB"]),
                    channel=rng.choice([channel.id, incidents.id]),
                )
                for text in batch
            )
        )
        statuses += [(a.status_code, t) for a, t in zip(acks, batch, strict=True)]
        await bot.runtime.inbox.drain()

    assert [(code, t) for code, t in statuses if code != 200] == []
    async with bot.runtime.deps.sessions() as session:
        unfinished = (
            await session.execute(
                select(InboxEvent.body, InboxEvent.last_error).where(
                    InboxEvent.done_at.is_(None) | InboxEvent.last_error.is_not(None)
                )
            )
        ).all()
    assert [(unquote_plus(b)[-300:], e) for b, e in unfinished] == []
    failures = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == []
    assert emu.pings == []
    mentioned = {
        user
        for c in emu.channels.values()
        for m in c.messages
        if m.user == "U0BOT"
        for user in emu.mentions(c.id, m.ts)
    }
    assert mentioned <= {"U0ALICE", "U0BOB"}
    assert not any("Traceback" in e.text for e in emu.ephemerals)
    assert emu.violations == []
