"""Messages through slack_sdk (form and JSON bodies): post, thread, update, pin, react, limits."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator import SlackEmulator


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    """Return a mrkdwn section block."""
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


async def error_of(call: Awaitable[Any]) -> dict[str, Any]:
    """Return the body of the Slack error an awaited call fails with."""
    with pytest.raises(SlackApiError) as info:
        await call
    return dict(info.value.response.data)


@pytest.fixture
async def cid(emu: SlackEmulator) -> str:
    """A channel with the bot and alice."""
    return emu.add_channel("inc", members=["U0BOT", "U0ALICE"])


@pytest.mark.parametrize("encoding", ["form", "json"])
async def test_posting_with_either_body_encoding_stores_the_same_message(
    emu: SlackEmulator, client: AsyncWebClient, cid: str, encoding: str
) -> None:
    args = {"channel": cid, "text": "fallback", "blocks": [section("*card*", "card")]}
    if encoding == "form":
        resp = await client.api_call(
            "chat.postMessage", data={**args, "blocks": str(args["blocks"]).replace("'", '"')}
        )
    else:
        resp = await client.api_call("chat.postMessage", json=args)
    assert resp["channel"] == cid and resp["message"]["blocks"][0]["block_id"] == "card"
    [msg] = emu.channels[cid].messages
    assert (msg.ts, msg.user, msg.text, msg.bot_id) == (resp["ts"], "U0BOT", "fallback", "B0BOT")
    assert msg.blocks == [section("*card*", "card")]


async def test_threads_updates_and_history(
    emu: SlackEmulator, client: AsyncWebClient, cid: str
) -> None:
    parent = (await client.chat_postMessage(channel=cid, text="parent"))["ts"]
    reply = (await client.chat_postMessage(channel=cid, text="reply", thread_ts=parent))["ts"]
    later = (await client.chat_postMessage(channel=cid, text="later"))["ts"]
    assert parent < reply < later
    await client.chat_update(channel=cid, ts=parent, text="parent (edited)")
    history = await client.conversations_history(channel=cid)
    assert [m["text"] for m in history["messages"]] == ["later", "parent (edited)"]
    assert history["messages"][1]["reply_count"] == 1
    window = await client.conversations_history(channel=cid, oldest=parent, inclusive=True, limit=1)
    assert [m["text"] for m in window["messages"]] == ["later"] and window["has_more"]
    replies = await client.conversations_replies(channel=cid, ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["parent (edited)", "reply"]
    msg = emu.find_message(cid, reply)
    assert msg is not None and msg.thread_ts == parent and emu.find_message(cid, parent).edited  # type: ignore[union-attr]
    link = await client.chat_getPermalink(channel=cid, message_ts=reply)
    assert link["permalink"].endswith(f"?thread_ts={parent}&cid={cid}")
    await client.chat_delete(channel=cid, ts=reply)
    assert emu.find_message(cid, reply) is None


async def test_people_messages_cannot_be_edited_by_the_bot(
    emu: SlackEmulator, client: AsyncWebClient, cid: str
) -> None:
    msg = await emu.user_posts(cid, "U0ALICE", "mine")
    body = await error_of(client.chat_update(channel=cid, ts=msg.ts, text="x"))
    assert body["error"] == "cant_update_message"
    assert (await error_of(client.chat_delete(channel=cid, ts=msg.ts)))["error"] == (
        "cant_delete_message"
    )
    assert (await error_of(client.chat_update(channel=cid, ts="1.000001", text="x")))["error"] == (
        "message_not_found"
    )


async def test_pins_and_reactions(emu: SlackEmulator, client: AsyncWebClient, cid: str) -> None:
    ts = (await client.chat_postMessage(channel=cid, text="card"))["ts"]
    await client.pins_add(channel=cid, timestamp=ts)
    assert (await error_of(client.pins_add(channel=cid, timestamp=ts)))["error"] == "already_pinned"
    assert emu.channels[cid].pins == [ts]
    assert [i["message"]["ts"] for i in (await client.pins_list(channel=cid))["items"]] == [ts]
    await client.pins_remove(channel=cid, timestamp=ts)
    assert (await error_of(client.pins_remove(channel=cid, timestamp=ts)))["error"] == "not_pinned"

    await client.reactions_add(channel=cid, timestamp=ts, name=":eyes:")
    body = await error_of(client.reactions_add(channel=cid, timestamp=ts, name="eyes"))
    assert body["error"] == "already_reacted"
    await emu.user_reacts(cid, ts, "U0ALICE", "eyes")
    got = await client.reactions_get(channel=cid, timestamp=ts)
    assert got["message"]["reactions"] == [
        {"name": "eyes", "users": ["U0BOT", "U0ALICE"], "count": 2}
    ]
    await client.reactions_remove(channel=cid, timestamp=ts, name="eyes")
    body = await error_of(client.reactions_remove(channel=cid, timestamp=ts, name="eyes"))
    assert body["error"] == "no_reaction"
    reply = (await client.chat_postMessage(channel=cid, text="r", thread_ts=ts))["ts"]
    await client.reactions_add(channel=cid, timestamp=reply, name="white_check_mark")
    got = await client.reactions_get(channel=cid, timestamp=reply)
    assert got["message"]["reactions"][0]["name"] == "white_check_mark"


async def test_block_kit_limits_answer_invalid_blocks(
    emu: SlackEmulator, client: AsyncWebClient, cid: str
) -> None:
    cases = [
        [section("x")] * 51,
        [section("x" * 3001)],
        [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
        [{"type": "sectoin", "text": {"type": "mrkdwn", "text": "x"}}],
        [section("a", "same"), section("b", "same")],
    ]
    for blocks in cases:
        body = await error_of(client.chat_postMessage(channel=cid, text="x", blocks=blocks))
        assert body["error"] == "invalid_blocks", blocks
        assert body["response_metadata"]["messages"][0].startswith("[ERROR]")
    assert (await client.chat_postMessage(channel=cid, text="x", blocks=[section("x")] * 50))["ok"]
    assert emu.channels[cid].messages[-1].blocks is not None


async def test_text_rules(emu: SlackEmulator, client: AsyncWebClient, cid: str) -> None:
    no_text = client.api_call("chat.postMessage", json={"channel": cid})
    assert (await error_of(no_text))["error"] == "no_text"
    await client.chat_postMessage(channel=cid, text="x" * 40_001)
    assert len(emu.channels[cid].messages[-1].text) == 40_000
    ts = emu.channels[cid].messages[-1].ts
    body = await error_of(client.chat_update(channel=cid, ts=ts, text="x" * 40_001))
    assert body["error"] == "msg_too_long"


async def test_ephemerals_need_the_user_in_the_channel(
    emu: SlackEmulator, client: AsyncWebClient, cid: str
) -> None:
    await client.chat_postEphemeral(channel=cid, user="U0ALICE", text="just you")
    assert [(e.user, e.text, e.source) for e in emu.ephemerals] == [
        ("U0ALICE", "just you", "chat.postEphemeral")
    ]
    body = await error_of(client.chat_postEphemeral(channel=cid, user="U0BOB", text="x"))
    assert body["error"] == "user_not_in_channel"


async def test_broadcast_mentions_are_recorded_as_pings_and_escaped_ones_are_not(
    emu: SlackEmulator, client: AsyncWebClient, cid: str
) -> None:
    safe = await client.chat_postMessage(
        channel=cid,
        text="&lt;!channel&gt; by <@U0ALICE>",
        blocks=[section("<@U0BOB> &lt;!here&gt;")],
    )
    assert emu.pings == []
    assert emu.mentions(cid, safe["ts"]) == {"U0ALICE", "U0BOB"}
    loud = await client.chat_postMessage(channel=cid, text="x", blocks=[section("<!here> now")])
    await client.chat_postMessage(channel=cid, text="<!subteam^S0ONCALL|@oncall> look")
    await client.chat_postMessage(channel=cid, text="hey @channel", link_names=True)
    await client.chat_postMessage(channel=cid, text="hey @channel")
    assert [p[2] for p in emu.pings] == ["<!here>", "<!subteam^S0ONCALL|@oncall>", "@channel"]
    assert emu.pings[0][:2] == (cid, loud["ts"])
