"""Users, user groups, files and canvases through slack_sdk."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from emulator import SlackEmulator


async def test_the_seeded_workspace_answers_identity_calls(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    me = await client.auth_test()
    assert (me["team_id"], me["user_id"], me["bot_id"]) == ("T0TEAM", "U0BOT", "B0BOT")
    assert (await client.team_info())["team"]["name"] == "Acme"
    assert (await client.bots_info(bot="B0BOT"))["bot"]["user_id"] == "U0BOT"
    alice = (await client.users_info(user="U0ALICE"))["user"]
    assert alice["real_name"] == "Alice Doe" and alice["tz"] == "Europe/Paris"
    assert alice["profile"]["email"] == "alice@example.com" and not alice["is_bot"]
    found = await client.users_lookupByEmail(email="bob@example.com")
    assert found["user"]["id"] == "U0BOB"
    with pytest.raises(SlackApiError) as info:
        await client.users_info(user="U0NOBODY")
    assert info.value.response["error"] == "user_not_found"


async def test_added_users_show_in_paginated_lists(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    dave = emu.add_user("dave", real_name="Dave", deleted=True)
    ids, cursor = [], None
    while True:
        page = await client.users_list(limit=2, cursor=cursor)
        ids += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert ids == ["U0BOT", "U0ALICE", "U0BOB", "U0CAROL", dave]
    assert emu.users[dave].deleted


async def test_the_oncall_group_lists_bob(client: AsyncWebClient) -> None:
    groups = await client.usergroups_list(include_users=True)
    assert [(g["id"], g["handle"], g["users"]) for g in groups["usergroups"]] == [
        ("S0ONCALL", "oncall", ["U0BOB"])
    ]
    assert (await client.usergroups_users_list(usergroup="S0ONCALL"))["users"] == ["U0BOB"]


async def test_files_upload_v2_stores_the_bytes_and_shares_them(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    cid = emu.add_channel("inc", members=["U0BOT"])
    resp = await client.files_upload_v2(
        channel=cid, content="timeline\n14:02 declared", filename="timeline.md", title="Timeline"
    )
    file_id = resp["file"]["id"]
    stored = emu.workspace.files[file_id]
    assert stored.content == b"timeline\n14:02 declared" and stored.title == "Timeline"
    [msg] = emu.channels[cid].messages
    assert msg.files[0]["id"] == file_id


async def test_canvases_keep_their_markdown(emu: SlackEmulator, client: AsyncWebClient) -> None:
    resp = await client.canvases_create(
        title="Postmortem", document_content={"type": "markdown", "markdown": "# What happened"}
    )
    canvas = emu.workspace.canvases[resp["canvas_id"]]
    assert (canvas.title, canvas.markdown) == ("Postmortem", "# What happened")


async def test_bookmarks_and_channel_canvases(emu: SlackEmulator, client: AsyncWebClient) -> None:
    cid = emu.add_channel("inc", members=["U0BOT"])
    added = await client.bookmarks_add(
        channel_id=cid, title="Runbook", type="link", link="https://runbooks.example.com/db"
    )
    bookmark_id = added["bookmark"]["id"]
    await client.bookmarks_edit(channel_id=cid, bookmark_id=bookmark_id, title="DB runbook")
    listed = await client.bookmarks_list(channel_id=cid)
    assert [b["title"] for b in listed["bookmarks"]] == ["DB runbook"]
    with pytest.raises(SlackApiError) as info:
        await client.bookmarks_add(channel_id=cid, title="x", type="link", link="ftp://nope")
    assert info.value.response["error"] == "invalid_link"
    await client.bookmarks_remove(channel_id=cid, bookmark_id=bookmark_id)
    assert emu.channels[cid].bookmarks == []

    doc = {"type": "markdown", "markdown": "## Timeline"}
    canvas_id = (await client.conversations_canvases_create(channel_id=cid, document_content=doc))[
        "canvas_id"
    ]
    assert emu.workspace.canvases[canvas_id].channel_id == cid
    with pytest.raises(SlackApiError) as info:
        await client.conversations_canvases_create(channel_id=cid, document_content=doc)
    assert info.value.response["error"] == "channel_canvas_already_exists"


async def test_profiles(client: AsyncWebClient) -> None:
    profile = (await client.users_profile_get(user="U0CAROL"))["profile"]
    assert (profile["real_name"], profile["email"]) == ("Carol Poe", "carol@example.com")
