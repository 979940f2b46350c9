"""Every HTTP request from Slack is verified; help, mentions and health answer."""

from __future__ import annotations

import time
import urllib.parse

import httpx
import pytest

from bot.app.factory import asgi_app, build_runtime
from bot.commands.help import SUBCOMMANDS
from emulator import SlackEmulator
from tests.conftest import TEST_DATABASE_URL, RunningBot, bot_settings
from tests.helpers import ephemeral_for, mentioned, slash


def command_body() -> bytes:
    """A slash command body as Slack would send it."""
    return urllib.parse.urlencode(
        {
            "command": "/incident",
            "text": "sev1 forged",
            "user_id": "U0ALICE",
            "channel_id": "C0",
            "team_id": "T0TEAM",
            "response_url": "http://127.0.0.1:1/x",
            "trigger_id": "1.2.3",
        }
    ).encode()


@pytest.mark.parametrize("kind", ["forged", "stale", "missing"])
async def test_requests_that_do_not_carry_a_valid_fresh_signature_are_refused(
    emu: SlackEmulator, bot: RunningBot, kind: str
) -> None:
    body = command_body()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == "forged":
        headers.update(emu.signed_headers(body))
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif kind == "stale":
        wall = int(time.time())  # real clock: Bolt checks signatures against it, as Slack does
        headers.update(emu.signed_headers(body, timestamp=wall - 6 * 60))
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{bot.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    assert emu.calls_to("conversations.create") == []


async def test_help_lists_every_subcommand(emu: SlackEmulator, bot: RunningBot) -> None:
    await slash(emu, "help")
    answer = await ephemeral_for(emu)
    for sub in SUBCOMMANDS:
        assert f"`{sub.form}` — {sub.meaning}, e.g. `{sub.example}`" in answer.text


async def test_mentioning_the_bot_answers_with_help_in_the_thread(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    message, event = await mentioned(emu)
    await emu.send_event(event)
    await emu.wait_for(lambda: len(message.replies) == 1)
    assert "/incident help" in message.replies[0].text


async def test_health_reports_ok_when_the_database_answers(bot: RunningBot) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{bot.url}/healthz")
    assert (response.status_code, response.json()["database"]) == (200, "reachable")


async def test_health_reports_503_when_the_database_is_unreachable(emu: SlackEmulator) -> None:
    settings = bot_settings(emu, "postgresql://postgres@127.0.0.1:9/nowhere")
    runtime = build_runtime(settings)
    transport = httpx.ASGITransport(app=asgi_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.get("/healthz")
    await runtime.close()
    assert (response.status_code, response.json()["database"]) == (503, "unreachable")


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL to run on PostgreSQL")
@pytest.mark.parametrize(
    "refusal",
    ["a database that does not exist", "a role that does not exist"],
)
async def test_health_reports_503_whatever_postgresql_refuses(
    emu: SlackEmulator, refusal: str
) -> None:
    assert TEST_DATABASE_URL
    url = urllib.parse.urlsplit(TEST_DATABASE_URL)
    if refusal == "a database that does not exist":
        url = url._replace(path="/no_such_database")
    else:
        url = url._replace(netloc=f"no_such_role@{url.hostname}:{url.port or 5432}")
    runtime = build_runtime(bot_settings(emu, urllib.parse.urlunsplit(url)))
    transport = httpx.ASGITransport(app=asgi_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.get("/healthz")
    await runtime.close()
    assert (response.status_code, response.json()["database"]) == (503, "unreachable")
