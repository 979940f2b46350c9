"""Slack's redelivery of events the app did not acknowledge: the same event_id up to 3 more
times, nearly at once, after 1 minute and after 5 minutes (scaled down here), each naming why."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.responses import Response

from emulator import SlackEmulator
from emulator.state import EventDelivery
from tests.emulator.conftest import Recorded, RecordingApp

MENTION = {"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT> hi", "channel": "C0GENERAL"}


async def test_a_failed_delivery_is_retried_three_times_on_slacks_schedule_scaled(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def fail(seen: Recorded) -> Response:
        return Response(status_code=500)

    app.respond = fail
    emu.retry_events = True
    emu.retry_scale = 0.002  # 1 s, 1 min, 5 min → 2 ms, 120 ms, 600 ms
    loop = asyncio.get_running_loop()
    started = loop.time()  # real clock: the retries are spaced in real (scaled) time

    resp = await emu.send_event(MENTION, event_id="Ev0RETRY1")

    took = loop.time() - started  # real clock: as above
    assert resp.status_code == 500
    assert took >= (1 + 60 + 300) * 0.002
    assert {json.loads(r.body)["event_id"] for r in app.requests} == {"Ev0RETRY1"}
    assert [r.headers.get("x-slack-retry-num") for r in app.requests] == [None, "1", "2", "3"]
    assert [r.headers.get("x-slack-retry-reason") for r in app.requests] == [
        None,
        "http_error",
        "http_error",
        "http_error",
    ]
    assert [(d.retry_num, d.status, d.failure) for d in emu.event_deliveries] == [
        (0, 500, "http_error"),
        (1, 500, "http_error"),
        (2, 500, "http_error"),
        (3, 500, "http_error"),
    ]


async def test_retries_stop_at_the_first_acknowledgement(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def fail_twice(seen: Recorded) -> Response:
        return Response(status_code=503 if len(app.requests) <= 2 else 200)

    app.respond = fail_twice
    emu.retry_events, emu.retry_scale = True, 0.001

    resp = await emu.send_event(MENTION, event_id="Ev0RETRY2")

    assert resp.status_code == 200
    assert [(d.retry_num, d.retry_reason, d.status) for d in emu.event_deliveries] == [
        (0, None, 503),
        (1, "http_error", 503),
        (2, "http_error", 200),
    ]


async def test_an_answer_slower_than_3_s_is_retried_as_a_timeout(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def slow_first(seen: Recorded) -> Response:
        if len(app.requests) == 1:
            await asyncio.sleep(1)
        return Response(status_code=200)

    app.respond = slow_first
    emu.retry_events, emu.retry_scale, emu.ack_timeout = True, 0.001, 0.1

    resp = await emu.send_event(MENTION, event_id="Ev0RETRY3")

    assert resp.status_code == 200
    assert app.requests[1].headers["x-slack-retry-reason"] == "http_timeout"
    assert [d.failure for d in emu.event_deliveries] == ["http_timeout", None]
    assert emu.violations == [f"the app did not answer {app.url} within 3 s"]


async def test_an_app_that_cannot_be_reached_is_retried_as_connection_failed(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    emu.bot_url = "http://127.0.0.1:9/slack/events"  # nothing listens there
    emu.retry_events, emu.retry_scale = True, 0.001

    with pytest.raises(httpx.ConnectError):
        await emu.send_event(MENTION, event_id="Ev0RETRY4")

    assert emu.event_deliveries == [
        EventDelivery("Ev0RETRY4", 0, None, status=None, failure="connection_failed"),
        *(
            EventDelivery("Ev0RETRY4", n, "connection_failed", None, "connection_failed")
            for n in (1, 2, 3)
        ),
    ]


async def test_an_error_answered_with_x_slack_no_retry_is_not_retried(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def refuse(seen: Recorded) -> Response:
        return Response(status_code=400, headers={"X-Slack-No-Retry": "1"})

    app.respond = refuse
    emu.retry_events, emu.retry_scale = True, 0.001

    assert (await emu.send_event(MENTION)).status_code == 400
    assert len(app.requests) == 1 and emu.event_deliveries[0].no_retry


async def test_without_retries_asked_for_a_failed_delivery_is_not_retried(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def fail(seen: Recorded) -> Response:
        return Response(status_code=500)

    app.respond = fail
    assert (await emu.send_event(MENTION)).status_code == 500
    assert len(app.requests) == 1


async def test_a_persons_action_does_not_wait_for_slacks_retries_of_its_event(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def down_at_first(seen: Recorded) -> Response:
        return Response(status_code=503 if len(app.requests) <= 2 else 200)

    app.respond = down_at_first
    emu.retry_events, emu.retry_scale = True, 0.002
    cid = emu.add_channel("inc", members=["U0BOT", "U0ALICE"])
    msg = await emu.user_posts(cid, "U0ALICE", "disk full")  # message: 503, retried

    assert [d.retry_num for d in emu.event_deliveries] == [0]
    await emu.wait_for(lambda: emu.redeliveries_pending == 0)
    await emu.user_reacts(cid, msg.ts, "U0ALICE", "pushpin")

    assert [(d.retry_num, d.status) for d in emu.event_deliveries] == [
        (0, 503),
        (1, 503),
        (2, 200),
        (0, 200),
    ]
    assert emu.violations == []


async def test_an_event_slack_gave_up_on_is_a_violation(
    emu: SlackEmulator, app: RecordingApp
) -> None:
    async def down(seen: Recorded) -> Response:
        return Response(status_code=503)

    app.respond = down
    emu.retry_events, emu.retry_scale = True, 0.001
    cid = emu.add_channel("inc", members=["U0BOT", "U0ALICE"])
    await emu.user_posts(cid, "U0ALICE", "disk full")
    await emu.wait_for(lambda: emu.redeliveries_pending == 0)

    assert len(app.requests) == 4
    assert emu.violations == [
        "Slack gave up on a message event after 3 retries: the app never acknowledged it "
        "(last: HTTP 503)"
    ]
