"""📌 a message and it is on the record with its original time; pins, edits, deletions,
removals, retries and duplicates all leave exactly the right timeline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.services.backfill import backfill_open_incidents
from bot.services.capture import ACK_REACTION
from emulator import Message, SlackEmulator
from models import TimelineEntry, timeline
from models import seen_messages as seen
from tests.conftest import RunningBot
from tests.helpers import declare, in_channel, stored_incidents, until

READS = ("reactions.get", "conversations.history", "conversations.replies", "chat.getPermalink")


async def entries(bot: RunningBot, kind: str | None = "message") -> list[TimelineEntry]:
    """The first incident's timeline entries (of one kind)."""
    [incident, *_] = await stored_incidents(bot.runtime)
    async with bot.runtime.deps.sessions() as session:
        found = await timeline.for_incident(session=session, incident_id=incident.id)
    return [e for e in found if kind is None or e.kind == kind]


async def is_seen(bot: RunningBot, channel: str, ts: str) -> bool:
    """Whether the bot has kept the message it saw posted."""
    async with bot.runtime.deps.sessions() as session:
        return await seen.get(session=session, channel_id=channel, ts=ts) is not None


def reads(emu: SlackEmulator, since: int) -> list[str]:
    """Web API reads made after the `since`-th call."""
    return [c.method for c in emu.calls[since:] if c.method in READS]


async def test_a_pushpin_on_a_message_seen_live_costs_no_read_and_keeps_its_own_time(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    message = await emu.user_posts(channel.id, "U0ALICE", "p99 latency at 4s since 14:20")
    await until(lambda: is_seen(bot, channel.id, message.ts))
    mark = len(emu.calls)

    await emu.user_reacts(channel.id, message.ts, "U0BOB", "pushpin")

    await emu.wait_for(lambda: ACK_REACTION in message.reactions)
    [entry, *_] = await entries(bot)
    assert entry.occurred_at == datetime.fromtimestamp(float(message.ts), tz=UTC)
    assert (entry.actor, entry.text, entry.added_by) == ("U0ALICE", message.text, "U0BOB")
    assert entry.added_at == bot.clock.now()
    assert (
        entry.permalink
        == f"https://acme.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    )
    assert reads(emu, mark) == []
    # The workspace address for permalinks is asked once per process (auth.test), then known.
    assert [c.method for c in emu.calls[mark:] if c.method != "auth.test"] == ["reactions.add"]
    second = await emu.user_posts(channel.id, "U0ALICE", "error budget burned")
    await until(lambda: is_seen(bot, channel.id, second.ts))
    mark = len(emu.calls)
    await emu.user_reacts(channel.id, second.ts, "U0BOB", "pushpin")
    await emu.wait_for(lambda: ACK_REACTION in second.reactions)
    assert [c.method for c in emu.calls[mark:]] == ["reactions.add"]
    assert message.reactions[ACK_REACTION] == ["U0BOT"]


async def test_a_message_not_seen_costs_one_read_and_a_thread_reply_is_captured_too(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    emu.deliver_events = False
    parent = await emu.user_posts(channel.id, "U0ALICE", "rolling back")
    reply = await emu.user_posts(channel.id, "U0BOB", "rollback done", thread_ts=parent.ts)
    emu.deliver_events = True
    mark = len(emu.calls)

    await emu.user_reacts(channel.id, reply.ts, "U0ALICE", "pushpin")

    await emu.wait_for(lambda: ACK_REACTION in reply.reactions)
    assert reads(emu, mark) == ["reactions.get"]
    [entry] = await entries(bot)
    assert (entry.message_ts, entry.thread_ts, entry.text) == (reply.ts, parent.ts, "rollback done")
    assert entry.permalink is not None
    assert entry.permalink.endswith(f"?thread_ts={parent.ts}&cid={channel.id}")


async def test_many_pushpins_and_retried_deliveries_make_one_entry(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    message = await emu.user_posts(channel.id, "U0ALICE", "db failover started")
    await emu.user_reacts(channel.id, message.ts, "U0ALICE", "pushpin")
    await emu.user_reacts(channel.id, message.ts, "U0BOB", "pushpin")
    event = {
        "type": "reaction_added",
        "user": "U0BOB",
        "reaction": "pushpin",
        "item_user": "U0ALICE",
        "item": {"type": "message", "channel": channel.id, "ts": message.ts},
        "event_ts": message.ts,
    }
    first = await emu.send_event(event, event_id="Ev0RETRY")
    again = await emu.send_event(
        event, event_id="Ev0RETRY", retry_num=1, retry_reason="http_timeout"
    )
    assert (first.status_code, again.status_code) == (200, 200)
    await emu.wait_for(lambda: ACK_REACTION in message.reactions)
    await emu.wait_for(lambda: len(emu.calls_to("reactions.add")) >= 1)
    assert len(await entries(bot)) == 1


async def test_the_entry_leaves_when_the_last_timeline_emoji_is_removed(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    message = await emu.user_posts(channel.id, "U0ALICE", "cache flushed")
    await emu.user_reacts(channel.id, message.ts, "U0ALICE", "pushpin")
    await emu.user_reacts(channel.id, message.ts, "U0BOB", "pushpin")
    await emu.wait_for(lambda: ACK_REACTION in message.reactions)

    await emu.user_unreacts(channel.id, message.ts, "U0ALICE", "pushpin")
    await emu.wait_for(lambda: len(emu.calls_to("reactions.get")) == 1)
    assert len(await entries(bot)) == 1

    await emu.user_unreacts(channel.id, message.ts, "U0BOB", "pushpin")
    await emu.wait_for(lambda: ACK_REACTION not in message.reactions)
    assert await entries(bot) == []


async def test_pinning_a_message_puts_it_on_the_timeline(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    message = await emu.user_posts(channel.id, "U0BOB", "root cause: expired cert")
    await emu.user_pins(channel.id, message.ts, "U0ALICE")
    await emu.wait_for(lambda: ACK_REACTION in message.reactions)
    [entry] = await entries(bot)
    assert (entry.text, entry.actor, entry.added_by) == (
        "root cause: expired cert",
        "U0BOB",
        "U0ALICE",
    )


async def test_edits_follow_onto_the_timeline_and_deletions_take_entries_off(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    kept = await emu.user_posts(channel.id, "U0ALICE", "error rate 40%")
    gone = await emu.user_posts(channel.id, "U0BOB", "wrong channel, sorry")
    for message in (kept, gone):
        await emu.user_reacts(channel.id, message.ts, "U0ALICE", "pushpin")
    await emu.wait_for(lambda: all(ACK_REACTION in m.reactions for m in (kept, gone)))

    await emu.user_edits(channel.id, kept.ts, "U0ALICE", "error rate 45%")
    await emu.user_deletes(channel.id, gone.ts, "U0BOB")

    async def settled() -> bool:
        found = await entries(bot)
        return len(found) == 1 and found[0].edited

    await until(settled)
    [entry] = await entries(bot)
    assert (entry.message_ts, entry.text, entry.edited) == (kept.ts, "error rate 45%", True)


async def test_marks_outside_incidents_by_the_bot_or_with_other_emoji_are_ignored_quietly(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    general = emu.channel_by_name("incidents")
    assert general is not None
    elsewhere = await emu.user_posts(general.id, "U0ALICE", "lunch?")
    await emu.user_reacts(general.id, elsewhere.ts, "U0BOB", "pushpin")
    message = await emu.user_posts(channel.id, "U0ALICE", "nice")
    await emu.user_reacts(channel.id, message.ts, "U0BOB", "tada")
    await emu.send_event(
        {
            "type": "reaction_added",
            "user": "U0BOT",
            "reaction": "pushpin",
            "item": {"type": "message", "channel": channel.id, "ts": message.ts},
            "event_ts": message.ts,
        }
    )
    assert await entries(bot) == []
    assert emu.calls_to("reactions.add") == []
    assert emu.violations == []  # every delivery was answered 2xx


async def test_everything_the_bot_does_lands_on_the_timeline(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    steps = [
        ("role tech <@U0BOB|bob>", "role_assigned"),
        ("role tech <@U0CAROL|carol>", "role_handover"),
        ("sev 1", "severity_changed"),
        ("status identified", "status_changed"),
        ("update rolling back", "update_posted"),
        ("note 14:01 first alert fired", "note"),
        ("resolve", "resolved"),
    ]
    for text, kind in steps:
        await in_channel(emu, channel, text)

        async def recorded(kind: str = kind) -> bool:
            return kind in [e.kind for e in await entries(bot, None)]

        await until(recorded)
    kinds = [(e.kind, e.actor) for e in await entries(bot, None)]
    assert kinds == [
        ("note", "U0ALICE"),  # 14:01, before the declaration at 14:02
        ("declared", "U0ALICE"),
        ("role_assigned", "U0ALICE"),
        ("role_handover", "U0ALICE"),
        ("severity_changed", "U0ALICE"),
        ("status_changed", "U0ALICE"),
        ("update_posted", "U0ALICE"),
        ("resolved", "U0ALICE"),
        ("postmortem_started", "U0ALICE"),
    ]


async def test_backfill_adds_the_marks_made_while_the_bot_was_down_without_duplicates(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    emu.deliver_events = False
    parent: Message = await emu.user_posts(channel.id, "U0ALICE", "disk full on db-2")
    reply = await emu.user_posts(channel.id, "U0BOB", "cleared old WAL", thread_ts=parent.ts)
    pinned = await emu.user_posts(channel.id, "U0CAROL", "status page updated")
    await emu.user_reacts(channel.id, parent.ts, "U0BOB", "pushpin")
    await emu.user_reacts(channel.id, reply.ts, "U0ALICE", "pushpin")
    await emu.user_pins(channel.id, pinned.ts, "U0CAROL")
    emu.deliver_events = True

    assert await backfill_open_incidents(bot.runtime.deps) == 3
    assert await backfill_open_incidents(bot.runtime.deps) == 0
    found = {(e.message_ts, e.added_by) for e in await entries(bot)}
    assert found == {(parent.ts, "U0BOB"), (reply.ts, "U0ALICE"), (pinned.ts, "U0CAROL")}


async def marked(emu: SlackEmulator, channel_id: str, text: str) -> Message:
    """A message alice posts and pins with 📌, once the bot has confirmed it."""
    message = await emu.user_posts(channel_id, "U0ALICE", text)
    await emu.user_reacts(channel_id, message.ts, "U0ALICE", "pushpin")
    await emu.wait_for(lambda: ACK_REACTION in message.reactions)
    return message


def message_changed(channel_id: str, message: dict[str, object]) -> dict[str, object]:
    """A `message_changed` event as Slack sends it."""
    now = f"{float(str(message['ts'])) + 60:.6f}"
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel_id,
        "ts": now,
        "message": message,
        "event_ts": now,
    }


async def test_a_deleted_message_with_replies_leaves_the_timeline_as_a_tombstone(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    message = await marked(emu, channel.id, "disk is full")
    tombstone = {
        "type": "message",
        "subtype": "tombstone",
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "ts": message.ts,
        "reply_count": 1,
    }
    await emu.send_event(message_changed(channel.id, tombstone))

    async def gone() -> bool:
        return await entries(bot) == []

    await until(gone)


async def test_an_unfurl_does_not_mark_an_entry_edited(emu: SlackEmulator, bot: RunningBot) -> None:
    channel = await declare(emu)
    message = await marked(emu, channel.id, "see https://status.example")
    unfurled = {"type": "message", "user": "U0ALICE", "text": message.text, "ts": message.ts}
    await emu.send_event(message_changed(channel.id, unfurled))
    for _ in range(20):  # it never becomes edited while the event is handled
        [entry] = await entries(bot)
        assert not entry.edited
        await asyncio.sleep(0.02)
