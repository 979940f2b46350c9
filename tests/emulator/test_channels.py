"""Conversations through a real slack_sdk client: creation rules, membership, invites."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator import SlackEmulator


async def error_of(call: Awaitable[Any]) -> str:
    """Return the Slack error an awaited call fails with."""
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


async def test_creating_a_channel_returns_the_full_conversation_and_stores_it(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    resp = await client.conversations_create(name="inc-42-payments", is_private=False)
    chan = resp["channel"]
    assert chan["id"].startswith("C") and chan["name"] == "inc-42-payments"
    assert chan["is_member"] is True and chan["is_channel"] is True
    stored = emu.channel_by_name("inc-42-payments")
    assert stored is not None and stored.members == {"U0BOT"}
    assert emu.calls_to("conversations.create")[0].args == {
        "name": "inc-42-payments",
        "is_private": "0",
    }


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Payments", "invalid_name_specials"),
        ("pay ments", "invalid_name_specials"),
        ("pay.ments", "invalid_name_specials"),
        ("---", "invalid_name_punctuation"),
    ],
)
async def test_channel_names_follow_slack_rules(
    emu: SlackEmulator, client: AsyncWebClient, name: str, error: str
) -> None:
    assert await error_of(client.api_call("conversations.create", data={"name": name})) == error
    emu.violations.clear()  # an empty name is also a missing required argument


async def test_names_of_archived_channels_stay_taken(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.add_channel("inc-1", archived=True)
    assert await error_of(client.conversations_create(name="inc-1")) == "name_taken"
    assert await error_of(client.conversations_create(name="general")) == "name_taken"
    assert (await client.conversations_create(name="inc-1_b-2"))["ok"]


async def test_a_bot_outside_a_channel_cannot_post_there(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    public = emu.add_channel("news", members=["U0ALICE"])
    private = emu.add_channel("secret", is_private=True, members=["U0ALICE"])
    assert await error_of(client.chat_postMessage(channel=public, text="hi")) == "not_in_channel"
    assert (
        await error_of(client.chat_postMessage(channel=private, text="hi")) == "channel_not_found"
    )
    assert await error_of(client.conversations_info(channel=private)) == "channel_not_found"
    emu.bot_scopes = {"chat:write", "chat:write.public"}
    assert (await client.chat_postMessage(channel="#news", text="hi"))["channel"] == public


async def test_joining_a_public_channel_then_posting(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    cid = emu.add_channel("news", members=["U0ALICE"])
    await client.conversations_join(channel=cid)
    again = await client.conversations_join(channel=cid)
    assert again["warning"] == "already_in_channel"
    await client.chat_postMessage(channel=cid, text="hello")
    assert [m.text for m in emu.channels[cid].messages] == ["hello"]


async def test_invites_fail_as_a_whole_unless_forced(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    cid = (await client.conversations_create(name="inc"))["channel"]["id"]
    await client.conversations_invite(channel=cid, users="U0ALICE")
    with pytest.raises(SlackApiError) as info:
        await client.conversations_invite(channel=cid, users=["U0ALICE", "U0BOB", "U0BOT"])
    body = info.value.response.data
    assert body["error"] == "already_in_channel"
    assert [e["error"] for e in body["errors"]] == ["already_in_channel", "cant_invite_self"]
    assert "U0BOB" not in emu.channels[cid].members
    forced = await client.conversations_invite(channel=cid, users="U0ALICE,U0BOB", force=True)
    assert forced["errors"] == [{"user": "U0ALICE", "ok": False, "error": "already_in_channel"}]
    assert emu.channels[cid].members == {"U0BOT", "U0ALICE", "U0BOB"}
    assert await error_of(client.conversations_invite(channel=cid, users="U0NOPE")) == (
        "user_not_found"
    )


async def test_topic_purpose_rename_and_archive(emu: SlackEmulator, client: AsyncWebClient) -> None:
    cid = (await client.conversations_create(name="inc"))["channel"]["id"]
    await client.conversations_setTopic(channel=cid, topic="SEV1 · investigating")
    await client.conversations_setPurpose(channel=cid, purpose="payments down")
    assert await error_of(client.conversations_setTopic(channel=cid, topic="x" * 251)) == "too_long"
    await client.conversations_rename(channel=cid, name="inc-renamed")
    info = (await client.conversations_info(channel=cid))["channel"]
    assert info["topic"]["value"] == "SEV1 · investigating"
    assert info["purpose"]["value"] == "payments down"
    assert info["name"] == "inc-renamed" and info["previous_names"] == ["inc"]
    await client.conversations_archive(channel=cid)
    assert await error_of(client.chat_postMessage(channel=cid, text="x")) == "is_archived"
    assert await error_of(client.conversations_archive(channel=cid)) == "already_archived"


async def test_listing_and_members_paginate_with_cursors(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    for i in range(5):
        emu.add_channel(f"c{i}")
    emu.add_channel("hidden", is_private=True, members=["U0ALICE"])
    names, cursor = [], None
    while True:
        resp = await client.conversations_list(limit=2, cursor=cursor)
        names += [c["name"] for c in resp["channels"]]
        cursor = resp["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert names == ["general", "c0", "c1", "c2", "c3", "c4"]
    members = await client.conversations_members(channel="C0GENERAL")
    assert members["members"] == ["U0ALICE", "U0BOB", "U0CAROL"]


async def test_dms_open_once_per_user(emu: SlackEmulator, client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U0ALICE")
    second = await client.conversations_open(users=["U0ALICE"])
    assert first["channel"]["id"] == second["channel"]["id"]
    assert first["channel"]["id"].startswith("D") and second["already_open"] is True
    await client.chat_postMessage(channel=first["channel"]["id"], text="psst")
    assert emu.channels[first["channel"]["id"]].messages[0].text == "psst"


async def test_only_chat_methods_accept_channel_names(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.add_channel("news", members=["U0BOT", "U0ALICE"])
    assert (await client.chat_postMessage(channel="#news", text="hi"))["ok"]
    assert await error_of(client.conversations_info(channel="#news")) == "channel_not_found"
    assert await error_of(client.conversations_join(channel="news")) == "channel_not_found"
