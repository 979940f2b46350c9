"""Finer points of fidelity: generated ids, JSON rules, event shapes, view stacks, closing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.responses import JSONResponse, Response

from emulator import SlackEmulator, reference
from tests.emulator.conftest import Recorded, RecordingApp

BUTTON = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "v"}


def modal(title: str, **extra: Any) -> dict[str, Any]:
    """Return a small modal with one button."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [
            {"type": "actions", "block_id": "acts", "elements": [{**BUTTON, "action_id": "go"}]}
        ],
        **extra,
    }


async def test_blocks_without_ids_get_ids_the_way_slack_assigns_them(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    blocks = [{"type": "actions", "elements": [BUTTON]}]
    resp = await client.chat_postMessage(channel="U0ALICE", text="x", blocks=blocks)
    [stored] = emu.channels[resp["channel"]].messages[0].blocks or []
    assert stored["block_id"] and stored["elements"][0]["action_id"]
    assert resp["message"]["blocks"][0]["block_id"] == stored["block_id"]
    assert "block_id" not in blocks[0]


async def test_read_methods_ignore_json_bodies_and_json_needs_a_header_token(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as info:
        await client.api_call("users.info", json={"user": "U0ALICE"})
    assert info.value.response["error"] == "user_not_found"
    assert emu.violations == [
        "users.info: does not accept JSON bodies (Slack ignores them)",
        "users.info: missing required argument 'user'",
    ]
    emu.violations.clear()
    async with httpx.AsyncClient() as raw:
        body = {"token": emu.bot_token}
        resp = await raw.post(f"{emu.api_url}auth.test", json=body)
        assert resp.json() == {"ok": False, "error": "not_authed"}
        resp = await raw.post(f"{emu.api_url}auth.test", data=body)
        assert resp.json()["ok"] is True


async def test_events_carry_the_fields_of_the_documented_examples(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    cid = emu.add_channel("inc", members=["U0BOT", "U0ALICE"])
    msg = await emu.user_posts(cid, "U0ALICE", "hi")
    await emu.user_reacts(cid, msg.ts, "U0ALICE", "eyes")
    await emu.user_unreacts(cid, msg.ts, "U0ALICE", "eyes")
    await emu.user_pins(cid, msg.ts, "U0ALICE")
    await emu.user_joins(cid, "U0BOB")
    for seen in app.requests:
        event = json.loads(seen.body)["event"]
        example = reference.event_example(event["type"])
        assert example is not None
        optional = {"enterprise", "inviter"}
        assert set(example) - optional <= set(event), event["type"]


async def test_modals_push_and_clear_through_response_actions(
    emu: SlackEmulator, client: AsyncWebClient, app: RecordingApp
) -> None:
    root = (await client.views_open(trigger_id=emu.issue_trigger("U0ALICE"), view=modal("Root")))[
        "view"
    ]
    answers: list[dict[str, Any]] = [
        {"response_action": "push", "view": modal("Second")},
        {"response_action": "clear"},
    ]

    async def respond(seen: Recorded) -> Response:
        return JSONResponse(answers.pop(0))

    app.respond = respond
    await emu.submit_view(root["id"])
    [pushed_id] = emu.views[root["id"]].stack
    assert emu.views[pushed_id].view["title"]["text"] == "Second"
    await emu.submit_view(pushed_id)
    assert emu.views[root["id"]].closed and emu.views[pushed_id].closed


async def test_views_push_stacks_on_the_modal_the_trigger_came_from(
    emu: SlackEmulator, client: AsyncWebClient, app: RecordingApp
) -> None:
    root = (await client.views_open(trigger_id=emu.issue_trigger("U0ALICE"), view=modal("Root")))[
        "view"
    ]
    await emu.view_action(root["id"], "go")
    payload = json.loads(parse_qs(app.requests[0].body.decode())["payload"][0])
    assert payload["container"] == {"type": "view", "view_id": root["id"]}
    pushed = await client.views_push(trigger_id=payload["trigger_id"], view=modal("Pushed"))
    assert emu.views[root["id"]].stack == [pushed["view"]["id"]]
    assert pushed["view"]["previous_view_id"] == root["id"]
    with pytest.raises(SlackApiError) as info:
        await client.views_push(trigger_id=emu.issue_trigger("U0ALICE"), view=modal("Orphan"))
    assert info.value.response["error"] == "not_found"


async def test_closing_a_modal_notifies_only_when_asked(
    emu: SlackEmulator, client: AsyncWebClient, app: RecordingApp
) -> None:
    quiet = (await client.views_open(trigger_id=emu.issue_trigger("U0BOB"), view=modal("Q")))[
        "view"
    ]
    assert await emu.close_view(quiet["id"]) is None and emu.views[quiet["id"]].closed
    loud_view = modal("L", notify_on_close=True)
    loud = (await client.views_open(trigger_id=emu.issue_trigger("U0BOB"), view=loud_view))["view"]
    await emu.close_view(loud["id"])
    payload = json.loads(parse_qs(app.requests[0].body.decode())["payload"][0])
    assert payload["type"] == "view_closed" and payload["view"]["id"] == loud["id"]


async def test_link_names_turns_group_handles_into_pings(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    await client.chat_postMessage(channel="U0BOB", text="cc @oncall", link_names=True)
    await client.chat_postMessage(channel="U0BOB", text="cc @oncall")
    assert [p[2] for p in emu.pings] == ["@oncall"]


def test_every_implemented_method_is_a_documented_slack_method() -> None:
    from emulator.api import METHODS

    assert len(METHODS) >= 50
    assert [m for m in METHODS if reference.spec(m) is None] == []
