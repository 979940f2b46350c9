"""Slack → app over HTTP: signatures, slash commands, response URLs, clicks, events."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from starlette.responses import JSONResponse, Response

from emulator import SlackEmulator
from tests.emulator.conftest import Recorded, RecordingApp


def form_of(seen: Recorded) -> dict[str, str]:
    """Decode a form-encoded request body."""
    return {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}


async def test_slash_commands_are_signed_like_slack(emu: SlackEmulator, app: RecordingApp) -> None:
    resp = await emu.slash_command("/incident", "sev1 payments down", user="U0ALICE")
    assert resp.status_code == 200
    [seen] = app.requests
    verifier = SignatureVerifier("test-secret")
    assert verifier.is_valid_request(seen.body, seen.headers)
    assert not SignatureVerifier("other-secret").is_valid_request(seen.body, seen.headers)
    form = form_of(seen)
    assert form["command"] == "/incident" and form["text"] == "sev1 payments down"
    assert form["user_id"] == "U0ALICE" and form["channel_id"] == "C0GENERAL"
    assert form["team_id"] == "T0TEAM" and form["response_url"].startswith(emu.base_url)
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_stale_signatures_are_what_slack_would_never_send(emu: SlackEmulator) -> None:
    body = b"token=x&text=hi"
    wall = int(time.time())  # real clock: signatures are checked against it, as Slack's are
    stale = emu.signed_headers(body, timestamp=wall - 600)
    assert not SignatureVerifier("test-secret").is_valid_request(body, stale)
    assert SignatureVerifier("test-secret").is_valid_request(body, emu.signed_headers(body))


async def test_an_ack_body_is_shown_to_the_user_and_response_urls_post_messages(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def answer(seen: Recorded) -> Response:
        return JSONResponse({"text": "Working on it"})

    app.respond = answer
    await emu.slash_command("/incident", "help", user="U0BOB")
    assert [(e.user, e.text, e.source) for e in emu.ephemerals] == [
        ("U0BOB", "Working on it", "ack")
    ]

    response_url = form_of(app.requests[0])["response_url"]
    hook = AsyncWebhookClient(response_url)
    assert (await hook.send(text="only you")).body == "ok"
    assert (await hook.send(text="everyone", response_type="in_channel")).status_code == 200
    assert emu.ephemerals[-1].source == "response_url"
    assert emu.channels["C0GENERAL"].messages[-1].text == "everyone"
    assert [p["text"] for p in emu.response_url_posts] == ["only you", "everyone"]


async def test_clicking_a_button_sends_block_actions_built_from_the_message(
    emu: SlackEmulator, app: RecordingApp, client: AsyncWebClient
) -> None:
    cid = emu.add_channel("inc", members=["U0BOT", "U0ALICE"])
    blocks: list[dict[str, Any]] = [
        {"type": "section", "block_id": "card", "text": {"type": "mrkdwn", "text": "Incident"}},
        {
            "type": "actions",
            "block_id": "card_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ack",
                    "value": "inc-1",
                    "text": {"type": "plain_text", "text": "Ack"},
                }
            ],
        },
    ]
    ts = (await client.chat_postMessage(channel=cid, text="Incident", blocks=blocks))["ts"]
    await emu.click_button(cid, ts, "ack", user="U0ALICE")
    payload = json.loads(form_of(app.requests[0])["payload"])
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "ack"
    assert payload["actions"][0]["block_id"] == "card_actions"
    assert payload["actions"][0]["value"] == "inc-1"
    assert payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": cid,
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == ts and payload["trigger_id"]

    hook = AsyncWebhookClient(payload["response_url"])
    await hook.send(text="Acked", replace_original=True)
    assert emu.find_message(cid, ts).text == "Acked"  # type: ignore[union-attr]
    await hook.send(delete_original=True)
    assert emu.find_message(cid, ts) is None


async def test_events_carry_the_envelope_and_retries_reuse_the_event_id(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": "<@U0BOT> hi",
        "channel": "C0GENERAL",
    }
    await emu.send_event(event, event_id="Ev123")
    await emu.send_event(event, event_id="Ev123", retry_num=1, retry_reason="http_timeout")
    first, retry = app.requests
    envelope = json.loads(first.body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev123"
    assert envelope["event"]["text"] == "<@U0BOT> hi" and envelope["authorizations"]
    assert "x-slack-retry-num" not in first.headers
    assert retry.headers["x-slack-retry-num"] == "1"
    assert retry.headers["x-slack-retry-reason"] == "http_timeout"
    assert json.loads(retry.body)["event_id"] == "Ev123"
    assert SignatureVerifier("test-secret").is_valid_request(retry.body, retry.headers)


async def test_people_acting_deliver_events_only_from_channels_the_bot_is_in(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    cid = emu.add_channel("inc", members=["U0BOT", "U0ALICE"])
    msg = await emu.user_posts(cid, "U0ALICE", "hello <@U0BOT>")
    await emu.user_reacts(cid, msg.ts, "U0ALICE", "pushpin")
    await emu.user_unreacts(cid, msg.ts, "U0ALICE", "pushpin")
    await emu.user_pins(cid, msg.ts, "U0ALICE")
    await emu.user_joins(cid, "U0BOB")
    reply = await emu.user_posts(cid, "U0BOB", "me too", thread_ts=msg.ts)
    await emu.user_posts("C0GENERAL", "U0ALICE", "bot is not here")
    kinds = [json.loads(r.body)["event"]["type"] for r in app.requests]
    assert kinds == [
        "message",
        "app_mention",
        "reaction_added",
        "reaction_removed",
        "pin_added",
        "member_joined_channel",
        "message",
    ]
    assert json.loads(app.requests[-1].body)["event"]["thread_ts"] == msg.ts
    assert emu.find_message(cid, reply.ts) is reply and msg.replies == [reply]
    assert emu.channels[cid].pins == [msg.ts]
    emu.deliver_events = False
    await emu.user_posts(cid, "U0ALICE", "quiet")
    assert len(app.requests) == 7


async def test_events_caused_by_the_app_are_delivered_only_when_asked(
    emu: SlackEmulator, app: RecordingApp, client: AsyncWebClient
) -> None:
    cid = (await client.conversations_create(name="inc"))["channel"]["id"]
    await client.conversations_invite(channel=cid, users="U0ALICE")
    emu.deliver_api_events = True
    await client.conversations_invite(channel=cid, users="U0BOB")
    await emu.wait_for(lambda: app.requests)
    event = json.loads(app.requests[0].body)["event"]
    assert (event["type"], event["user"], event["inviter"]) == (
        "member_joined_channel",
        "U0BOB",
        "U0BOT",
    )
    assert len(app.requests) == 1
