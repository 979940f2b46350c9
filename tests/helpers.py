"""Shared steps for end-to-end tests: what a person does in Slack, and what they then see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import Runtime
from emulator import Channel, Ephemeral, SlackEmulator
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
