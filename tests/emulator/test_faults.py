"""Fault injection, seen through slack_sdk's own retry handlers."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from emulator import SlackEmulator


async def test_rate_limits_are_retried_after_retry_after(emu: SlackEmulator) -> None:
    client = AsyncWebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    emu.inject("conversations.create", status=429, retry_after=0, times=1)
    resp = await client.conversations_create(name="inc-1")
    assert resp["ok"]
    calls = emu.calls_to("conversations.create")
    assert [(c.status, c.response.get("error")) for c in calls] == [
        (429, "ratelimited"),
        (200, None),
    ]


async def test_server_errors_are_retried(emu: SlackEmulator) -> None:
    client = AsyncWebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        retry_handlers=[AsyncServerErrorRetryHandler(2, FixedValueRetryIntervalCalculator(0.01))],
    )
    emu.inject("auth.test", status=503, times=2)
    assert (await client.auth_test())["ok"]
    assert [c.status for c in emu.calls_to("auth.test")] == [503, 503, 200]


async def test_documented_errors_are_injected_once(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.inject("conversations.create", error="restricted_action")
    emu.inject("chat.postMessage", error="missing_scope")
    with pytest.raises(SlackApiError) as info:
        await client.conversations_create(name="inc-1")
    assert info.value.response["error"] == "restricted_action"
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C0GENERAL", text="x")
    assert info.value.response["needed"] and info.value.response["provided"]
    assert (await client.conversations_create(name="inc-1"))["ok"]


def test_undocumented_errors_cannot_be_injected(emu: SlackEmulator) -> None:
    with pytest.raises(ValueError, match="does not document"):
        emu.inject("conversations.create", error="not_in_channel")
    with pytest.raises(ValueError, match="not a Slack Web API method"):
        emu.inject("chat.postMessages", status=500)


async def test_latency_delays_answers_and_reset_clears_it(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.set_latency("auth.test", 0.2)
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started >= 0.2
    emu.reset_faults()
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started < 0.2


async def test_bad_tokens_and_contract_breaches_are_recorded(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=emu.api_url)
    with pytest.raises(SlackApiError) as info:
        await bad.auth_test()
    assert info.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as info:
        await AsyncWebClient(base_url=emu.api_url).auth_test()
    assert info.value.response["error"] == "not_authed"
    assert emu.violations == []

    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.postMessage", json={"text": "no channel"})
    assert info.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.postMessages", json={"channel": "C0GENERAL"})
    assert info.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as info:
        await client.api_call("admin.users.list")
    assert info.value.response["error"] == "not_implemented"
    assert emu.violations == [
        "chat.postMessage: missing required argument 'channel'",
        "chat.postMessages: unknown Web API method",
        "admin.users.list: not implemented by the emulator",
    ]
    emu.violations.clear()


async def test_rate_limits_can_be_enforced_per_tier_and_per_channel(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    emu.enforce_rate_limits = True
    for _ in range(3):
        await client.chat_postMessage(channel="U0ALICE", text="burst")
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="U0ALICE", text="one too many")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    await client.chat_postMessage(channel="U0BOB", text="another channel is fine")
    for i in range(20):
        await client.conversations_create(name=f"c{i}")  # tier 2: 20 per minute
    with pytest.raises(SlackApiError) as info:
        await client.conversations_create(name="c20")
    assert info.value.response["error"] == "ratelimited"
