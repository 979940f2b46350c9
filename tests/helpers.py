"""Shared steps for end-to-end tests: what a person does in Slack, and what they then see."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from bot.app.factory import Runtime
from emulator import Channel, Ephemeral, Message, SlackEmulator
from models import Incident

CHANNEL_NAME = "incident-2025-01-15-payments-down"


async def slash(emu: SlackEmulator, text: str, *, user: str = "U0ALICE") -> Any:
    """Type `/incident <text>` in #incidents; the bot must ack at once with a 200."""
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    response = await emu.slash_command("/incident", text, user=user, channel=incidents.id)
    assert response.status_code == 200
    return response


async def ephemeral_for(emu: SlackEmulator, user: str = "U0ALICE", count: int = 1) -> Ephemeral:
    """Wait for the `count`-th private answer to a person and return it."""
    await emu.wait_for(lambda: len([e for e in emu.ephemerals if e.user == user]) >= count)
    return [e for e in emu.ephemerals if e.user == user][count - 1]


async def incident_channel(emu: SlackEmulator, name: str = CHANNEL_NAME) -> Channel:
    """Wait for the incident channel to exist and return it."""
    await emu.wait_for(lambda: emu.channel_by_name(name) is not None)
    channel = emu.channel_by_name(name)
    assert channel is not None
    return channel


async def stored_incidents(runtime: Runtime) -> list[Incident]:
    """Every incident row, in number order."""
    async with runtime.deps.sessions() as session:
        result = await session.execute(select(Incident).order_by(Incident.id))
        return list(result.scalars())


def block(blocks: list[dict[str, Any]] | None, block_id: str) -> dict[str, Any]:
    """Find a block by its block_id."""
    for candidate in blocks or []:
        if candidate.get("block_id") == block_id:
            return candidate
    raise AssertionError(f"no block {block_id!r} in {blocks!r}")


def block_text(blocks: list[dict[str, Any]] | None) -> str:
    """Every piece of text in a list of blocks, joined, as a person would read it."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks or [])
    return "\n".join(parts)


async def declare(emu: SlackEmulator, text: str = "sev2 payments down") -> Channel:
    """Declare as alice and wait until the card is pinned; returns the incident channel."""
    await slash(emu, text)
    created = len(emu.calls_to("conversations.create"))
    await emu.wait_for(lambda: len(emu.calls_to("conversations.create")) >= created)
    await emu.wait_for(lambda: any(e.text.startswith("Incident #") for e in emu.ephemerals))
    name = [c for c in emu.calls_to("conversations.create") if c.response.get("ok")][-1].args[
        "name"
    ]
    channel = emu.channel_by_name(name)
    assert channel is not None
    await emu.wait_for(lambda: len(channel.pins) == 1)
    emu.ephemerals.clear()
    return channel


async def in_channel(
    emu: SlackEmulator, channel: Channel, text: str, user: str = "U0ALICE"
) -> None:
    """Type `/incident <text>` inside a channel."""
    response = await emu.slash_command("/incident", text, user=user, channel=channel.id)
    assert response.status_code == 200


def dm_texts(emu: SlackEmulator, user: str) -> list[str]:
    """What the bot said to a person in its DM."""
    return [
        m.text for c in emu.channels.values() if c.is_im and user in c.members for m in c.messages
    ]


def card_of(channel: Channel) -> Message:
    """The pinned incident card."""
    [ts] = channel.pins
    card = next(m for m in channel.messages if m.ts == ts)
    return card


def said_after(channel: Channel, count: int) -> list[str]:
    """Texts of the channel's messages after the first `count`."""
    return [m.text for m in channel.messages[count:]]


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Poll an async condition (say, on the database) until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


async def declare_private(runtime: Runtime, emu: SlackEmulator, title: str) -> Channel:
    """Declare a private incident as alice (what the declare form does with "private" ticked)."""
    from bot.domain.severity import Severity
    from bot.services.declare import Declaration, declare_incident

    incident = await declare_incident(
        runtime.deps,
        Declaration(severity=Severity.SEV1, title=title, declarer="U0ALICE", is_private=True),
    )
    assert incident.channel_id is not None
    channel = emu.channels[incident.channel_id]
    assert channel.is_private and channel.members == {"U0BOT", "U0ALICE"}
    return channel


async def mentioned(emu: SlackEmulator) -> tuple[Message, dict[str, Any]]:
    """Alice mentions the bot in #incidents; returns the message and its app_mention event."""
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    emu.deliver_events = False  # the test delivers the event itself, as often as it likes
    incidents.members.add("U0BOT")
    message = await emu.user_posts(incidents.id, "U0ALICE", "<@U0BOT> what can you do?")
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": message.text,
        "ts": message.ts,
        "channel": incidents.id,
        "event_ts": message.ts,
    }
    return message, event
