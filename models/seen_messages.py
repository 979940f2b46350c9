"""Messages seen in incident channels, and reading and writing them.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import JSON, String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SeenMessage(Base):
    """A message posted in an incident channel, kept so that marking it costs no Slack read."""

    __tablename__ = "seen_messages"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    files: Mapped[list[str]] = mapped_column(JSON, default=list)


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
