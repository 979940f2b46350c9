"""Modals: trigger ids, open/update/push, submissions and their response actions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.responses import JSONResponse, Response

from emulator import SlackEmulator
from tests.emulator.conftest import Recorded, RecordingApp

MODAL = {
    "type": "modal",
    "callback_id": "declare",
    "private_metadata": "C0GENERAL",
    "title": {"type": "plain_text", "text": "Declare an incident"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": "SEV1"}, "value": "sev1"},
                    {"text": {"type": "plain_text", "text": "SEV2"}, "value": "sev2"},
                ],
            },
        },
    ],
}


async def error_of(call: Awaitable[Any]) -> str:
    """Return the Slack error an awaited call fails with."""
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


def payload_of(seen: Recorded) -> dict[str, object]:
    """Decode an interactive request's payload field."""
    return json.loads(parse_qs(seen.body.decode())["payload"][0])  # type: ignore[no-any-return]


async def test_trigger_ids_open_one_modal_within_three_seconds(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    trigger = emu.issue_trigger("U0ALICE")
    view = (await client.views_open(trigger_id=trigger, view=MODAL))["view"]
    assert view["id"].startswith("V") and view["callback_id"] == "declare"
    assert emu.views[view["id"]].user == "U0ALICE"
    assert await error_of(client.views_open(trigger_id=trigger, view=MODAL)) == (
        "exchanged_trigger_id"
    )
    assert await error_of(client.views_open(trigger_id="1.2.abc", view=MODAL)) == (
        "invalid_trigger_id"
    )
    emu.trigger_ttl = 0.05
    late = emu.issue_trigger("U0ALICE")
    await asyncio.sleep(0.1)
    assert await error_of(client.views_open(trigger_id=late, view=MODAL)) == "expired_trigger_id"


async def test_modal_limits_answer_invalid_arguments_with_pointers(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as info:
        await client.views_open(trigger_id=emu.issue_trigger("U0ALICE"), view=long_title)
    assert info.value.response["error"] == "invalid_arguments"
    assert "/view/title/text" in info.value.response["response_metadata"]["messages"][0]
    no_submit = {k: v for k, v in MODAL.items() if k != "submit"}
    trigger = emu.issue_trigger("U0ALICE")
    assert await error_of(client.views_open(trigger_id=trigger, view=no_submit)) == (
        "invalid_arguments"
    )


async def test_views_update_checks_the_hash(emu: SlackEmulator, client: AsyncWebClient) -> None:
    view = (await client.views_open(trigger_id=emu.issue_trigger("U0ALICE"), view=MODAL))["view"]
    updated = {**MODAL, "title": {"type": "plain_text", "text": "Updated"}}
    resp = await client.views_update(view_id=view["id"], view=updated, hash=view["hash"])
    assert resp["view"]["title"]["text"] == "Updated"
    stale = client.views_update(view_id=view["id"], view=updated, hash=view["hash"])
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(client.views_update(view_id="V404", view=updated)) == "not_found"


async def test_submitting_a_modal_sends_its_state_and_applies_errors_then_closes(
    emu: SlackEmulator, client: AsyncWebClient, app: RecordingApp
) -> None:
    view_id = (await client.views_open(trigger_id=emu.issue_trigger("U0ALICE"), view=MODAL))[
        "view"
    ]["id"]
    answers = [{"response_action": "errors", "errors": {"title": "Too short"}}, None]

    async def respond(seen: Recorded) -> Response:
        answer = answers.pop(0)
        return JSONResponse(answer) if answer else Response(status_code=200)

    app.respond = respond
    values = {"title": {"value": "x"}, "severity": {"value": "sev1"}}
    resp = await emu.submit_view(view_id, values)
    assert resp.json()["errors"] == {"title": "Too short"}
    assert emu.views[view_id].errors == {"title": "Too short"} and not emu.views[view_id].closed
    payload = payload_of(app.requests[0])
    assert payload["type"] == "view_submission"
    view = payload["view"]
    assert isinstance(view, dict) and view["callback_id"] == "declare"
    assert view["private_metadata"] == "C0GENERAL"
    state = view["state"]["values"]
    assert state["title"]["value"] == {"type": "plain_text_input", "value": "x"}
    assert state["severity"]["value"]["selected_option"]["value"] == "sev1"

    await emu.submit_view(view_id, {"title": {"value": "payments"}, "severity": {"value": "sev2"}})
    assert emu.views[view_id].closed
    with pytest.raises(ValueError, match="required input"):
        await emu.submit_view(
            (await client.views_open(trigger_id=emu.issue_trigger("U0BOB"), view=MODAL))["view"][
                "id"
            ],
            {"title": {"value": "only a title"}},
        )


async def test_a_home_tab_is_published_per_user(emu: SlackEmulator, client: AsyncWebClient) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    first = (await client.views_publish(user_id="U0ALICE", view=home))["view"]
    second = (await client.views_publish(user_id="U0ALICE", view=home))["view"]
    assert first["id"] == second["id"] and emu.views[first["id"]].type == "home"
