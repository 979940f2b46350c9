"""The timeline writes itself: marked messages (📌 or a pin) become entries, once each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.deps import Deps
from bot.services.incidents import find_incident
from models import Incident, TimelineEntry, timeline
from models import search as search_rows
from models import seen_messages as seen

ACK_REACTION = "ballot_box_with_check"
MESSAGE = "message"


@dataclass(frozen=True)
class SlackMessage:
    """What the timeline keeps of a Slack message."""

    channel: str
    ts: str
    user: str | None
    text: str
    thread_ts: str | None = None
    files: list[str] = field(default_factory=list)

    @classmethod
    def from_event(cls, channel: str, message: dict[str, Any]) -> SlackMessage:
        """Read a message as events and the Web API give it."""
        return cls(
            channel=channel,
            ts=str(message["ts"]),
            user=message.get("user") or message.get("bot_id"),
            text=str(message.get("text", "")),
            thread_ts=message.get("thread_ts"),
            files=[
                str(f.get("name") or f.get("title") or f.get("id"))
                for f in message.get("files", [])
            ],
        )

    @property
    def at(self) -> datetime:
        """The message's own time."""
        return datetime.fromtimestamp(float(self.ts), tz=UTC)


async def remember_message(deps: Deps, message: SlackMessage) -> None:
    """Keep a message posted in an incident channel, so marking it later costs no read."""
    async with deps.workers:
        await _remember(deps, message)


async def _remember(deps: Deps, message: SlackMessage) -> None:
    if await find_incident(deps, message.channel) is None:
        return
    async with deps.sessions.begin() as session:
        await _keep(session, message)


async def _keep(session: AsyncSession, message: SlackMessage) -> None:
    await seen.remember(
        session=session,
        channel_id=message.channel,
        ts=message.ts,
        user=message.user,
        text=message.text,
        thread_ts=message.thread_ts,
        files=message.files,
    )


async def capture(
    deps: Deps, *, channel: str, ts: str, by: str, message: SlackMessage | None = None
) -> TimelineEntry | None:
    """Put a marked message on its incident's timeline; None if not an incident or already on."""
    # One capture of a message at a time here, so reactions arriving together cost one read.
    async with deps.workers, deps.turns(f"message:{channel}:{ts}"):
        return await _capture(deps, channel=channel, ts=ts, by=by, message=message)


async def _capture(
    deps: Deps, *, channel: str, ts: str, by: str, message: SlackMessage | None
) -> TimelineEntry | None:
    incident = await find_incident(deps, channel)
    if incident is None:
        return None
    async with deps.sessions() as session:
        if await timeline.message_entry(session=session, incident_id=incident.id, message_ts=ts):
            return None
        if message is None:
            known = await seen.get(session=session, channel_id=channel, ts=ts)
            if known is not None:
                message = SlackMessage(
                    channel, ts, known.user, known.text, known.thread_ts, list(known.files)
                )
    if message is None:
        message = SlackMessage.from_event(
            channel, await deps.slack.message_with_reactions(channel, ts)
        )
    entry = await _store(deps, incident, message, by)
    if entry is not None:
        await deps.slack.react(channel, ts, ACK_REACTION)
    return entry


async def _store(
    deps: Deps, incident: Incident, message: SlackMessage, by: str
) -> TimelineEntry | None:
    link = await deps.slack.permalink(message.channel, message.ts, message.thread_ts)
    try:
        async with deps.sessions.begin() as session:
            return await timeline.add(
                session=session,
                incident_id=incident.id,
                kind=MESSAGE,
                occurred_at=message.at,
                actor=message.user,
                text=message.text,
                message_ts=message.ts,
                thread_ts=message.thread_ts,
                permalink=link,
                files=message.files,
                added_by=by,
                added_at=deps.clock.now(),
            )
    except IntegrityError:
        return None  # another delivery or replica stored it first


async def uncapture_if_unmarked(deps: Deps, *, channel: str, ts: str) -> bool:
    """Take the message off the timeline when no timeline emoji is left on it."""
    async with deps.workers:
        return await _uncapture(deps, channel=channel, ts=ts)


async def _uncapture(deps: Deps, *, channel: str, ts: str) -> bool:
    incident = await find_incident(deps, channel)
    if incident is None:
        return False
    message = await deps.slack.message_with_reactions(channel, ts)
    bot = await deps.slack.bot_user()
    marked = {
        r["name"]
        for r in message.get("reactions", [])
        if r["name"] in deps.settings.timeline_emoji and set(r.get("users", [])) - {bot}
    }
    if marked or message.get("pinned_to"):
        return False
    async with deps.sessions.begin() as session:
        removed = await timeline.remove_message(
            session=session, incident_id=incident.id, message_ts=ts
        )
    if removed:
        await deps.slack.unreact(channel, ts, ACK_REACTION)
    return removed


async def edit_captured(deps: Deps, message: SlackMessage) -> None:
    """A message was edited: refresh what is kept, and its entry's text (marked edited)."""
    async with deps.workers:
        await _edit(deps, message)


async def _edit(deps: Deps, message: SlackMessage) -> None:
    incident = await find_incident(deps, message.channel)
    if incident is None:
        return
    async with deps.sessions.begin() as session:
        await _keep(session, message)
        entry = await timeline.message_entry(
            session=session, incident_id=incident.id, message_ts=message.ts
        )
        # Unfurls and other hidden changes arrive as message_changed with the same text.
        if entry is not None and (entry.text, entry.files) != (message.text, message.files):
            entry.text, entry.files, entry.edited = message.text, message.files, True
            await search_rows.touch(session=session, incident_id=incident.id)


async def forget_deleted(deps: Deps, *, channel: str, ts: str) -> None:
    """A message was deleted: it leaves the timeline and what is kept of it."""
    async with deps.workers:
        await _forget(deps, channel=channel, ts=ts)


async def _forget(deps: Deps, *, channel: str, ts: str) -> None:
    incident = await find_incident(deps, channel)
    if incident is None:
        return
    async with deps.sessions.begin() as session:
        await seen.forget(session=session, channel_id=channel, ts=ts)
        await timeline.remove_message(session=session, incident_id=incident.id, message_ts=ts)
