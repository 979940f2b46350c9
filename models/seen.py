"""Messages seen in incident channels. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.incident import SeenMessage


async def remember(
    *,
    session: AsyncSession,
    channel_id: str,
    ts: str,
    user: str | None,
    text: str,
    thread_ts: str | None,
    files: list[str],
) -> None:
    """Keep (or refresh) what a message says."""
    seen = await session.get(SeenMessage, (channel_id, ts))
    if seen is None:
        seen = SeenMessage(channel_id=channel_id, ts=ts)
        session.add(seen)
    seen.user, seen.text, seen.thread_ts, seen.files = user, text, thread_ts, files


async def get(*, session: AsyncSession, channel_id: str, ts: str) -> SeenMessage | None:
    """The message, if it was seen."""
    return await session.get(SeenMessage, (channel_id, ts))


async def forget(*, session: AsyncSession, channel_id: str, ts: str) -> None:
    """Drop a deleted message."""
    await session.execute(
        delete(SeenMessage).where(SeenMessage.channel_id == channel_id, SeenMessage.ts == ts)
    )


async def in_channel(*, session: AsyncSession, channel_id: str) -> list[SeenMessage]:
    """Every seen message of a channel."""
    result = await session.execute(select(SeenMessage).where(SeenMessage.channel_id == channel_id))
    return list(result.scalars())
