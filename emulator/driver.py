"""Drive the app the way Slack does: signed HTTP requests, or envelopes over Socket Mode."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx

from emulator.base import EmulatorBase
from emulator.interactions import VERIFICATION_TOKEN, slash_form
from emulator.redelivery import Attempt, Delivery, attempt_of
from emulator.responses import apply_response
from emulator.state import APP_ID, BOT_USER_ID, TEAM_ID, Channel, EventDelivery, ResponseTarget


class Driver(EmulatorBase):
    """Slack → app delivery over HTTP or Socket Mode."""

    def signed_headers(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """Return Slack's signature headers for a request body."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        base = b"v0:" + ts.encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    @property
    def socket_connected(self) -> bool:
        """Tell whether a Socket Mode client is connected."""
        return self.socket.connected

    async def wait_for_socket(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected."""
        await self.wait_for(lambda: self.socket.connected, timeout, "(socket mode connection)")

    def _http_client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=3.0, transport=self.bot_transport)
        return self._http

    async def _post(
        self, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> httpx.Response:
        if not self.bot_url:
            raise RuntimeError("nothing to deliver to: set emu.bot_url or connect Socket Mode")
        headers = {"Content-Type": content_type, **self.signed_headers(body), **(extra or {})}
        try:
            client = self._http_client()
            return await client.post(
                self.bot_url, content=body, headers=headers, timeout=self.ack_timeout
            )
        except httpx.TimeoutException:
            self.violation(f"the app did not answer {self.bot_url} within 3 s")
            return httpx.Response(504, text="operation_timeout")

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        http_extra: dict[str, str] | None = None,
        socket_extra: dict[str, Any] | None = None,
    ) -> Delivery:
        """Deliver a payload over Socket Mode when connected, else as a signed HTTP request."""
        if self.socket.connected:
            return await self.socket.deliver(
                kind, payload, accepts_response_payload=accepts_response_payload, extra=socket_extra
            )
        if kind == "events_api":
            body = json.dumps(payload).encode()
            return await self._post(body, "application/json", http_extra)
        if kind == "slash_commands":
            return await self._post(
                urlencode(payload).encode(), "application/x-www-form-urlencoded"
            )
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self._post(body, "application/x-www-form-urlencoded")

    async def slash_command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U0ALICE",
        channel: str | None = None,
    ) -> Delivery:
        """Send a slash command; an ack body is shown to the user like Slack shows it."""
        chan, who = self._chan(channel), self._user(user)
        response_url = self.issue_response_url(chan.id, who.id)
        form = slash_form(command, text, who, chan, response_url, self.issue_trigger(who.id))
        resp = await self.deliver("slash_commands", form, accepts_response_payload=True)
        await self._apply_ack_body(resp, chan.id, who.id)
        return resp

    async def _apply_ack_body(self, resp: Delivery, channel: str, user: str) -> None:
        if resp.status_code != 200 or not resp.text.strip():
            return
        try:
            payload = resp.json()
        except ValueError:
            payload = {"text": resp.text}
        if isinstance(payload, dict) and (payload.get("text") or payload.get("blocks")):
            apply_response(self, ResponseTarget(channel, user), payload, source="ack")

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Delivery:
        """Send an Events API event_callback (retries reuse the event_id).

        With `retry_events`, a delivery the app does not acknowledge is delivered again as Slack
        does (see `_redeliver`) before this returns the last answer; a `retry_num` given here
        plays one retry by hand instead.
        """
        envelope = self._envelope(event, event_id)
        attempt = await self._attempt(envelope, retry_num, retry_reason)
        if retry_num is None:
            attempt = await self._redeliver(envelope, attempt)
        return self._answer(attempt)

    def _envelope(self, event: dict[str, Any], event_id: str | None) -> dict[str, Any]:
        event = dict(event)
        event.setdefault("event_ts", f"{time.time():.6f}")
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "context_team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }
        self.events.append(envelope)
        return envelope

    async def _attempt(
        self, envelope: dict[str, Any], retry_num: int | None, retry_reason: str | None
    ) -> Attempt:
        http_extra = {}
        if retry_num is not None:
            http_extra = {"X-Slack-Retry-Num": str(retry_num)}
            http_extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        socket_extra = {"retry_attempt": retry_num or 0, "retry_reason": retry_reason or ""}
        try:
            answer: Delivery | httpx.TransportError = await self.deliver(
                "events_api", envelope, http_extra=http_extra, socket_extra=socket_extra
            )
        except httpx.TransportError as error:  # refused, reset: Slack's connection_failed
            answer = error
        attempt = attempt_of(str(envelope["event_id"]), retry_num, retry_reason, answer)
        self.event_deliveries.append(attempt.record)
        return attempt

    async def _redeliver(self, envelope: dict[str, Any], attempt: Attempt) -> Attempt:
        """Deliver again, the way Slack does, until the app acknowledges or Slack gives up:
        up to 3 retries (emulator/redelivery.py), each `retry_delays[n] * retry_scale` seconds
        after the failure before it."""
        while self._will_retry(attempt.record):
            retry_num = attempt.record.retry_num + 1
            await asyncio.sleep(self.retry_delays[retry_num - 1] * self.retry_scale)
            attempt = await self._attempt(envelope, retry_num, attempt.record.failure)
        return attempt

    def _will_retry(self, record: EventDelivery) -> bool:
        return (
            self.retry_events
            and record.failure is not None
            and not record.no_retry
            and record.retry_num < len(self.retry_delays)
        )

    @staticmethod
    def _answer(attempt: Attempt) -> Delivery:
        if isinstance(attempt.answer, httpx.TransportError):
            raise attempt.answer  # the app could not be reached at all
        return attempt.answer

    def _can_deliver(self) -> bool:
        return self.deliver_events and (self.socket.connected or bool(self.bot_url))

    async def deliver_event(self, event: dict[str, Any], chan: Channel | None) -> None:
        """Deliver an event the app subscribes to (only for channels the bot is in).

        Slack counts an answer other than 2xx as a failed delivery, so it is a violation; with
        `retry_events`, Slack's redeliveries run in the background (as the person acting does
        not wait for them) and only an event never acknowledged is a violation.
        """
        if chan is not None and BOT_USER_ID not in chan.members:
            return
        if not self._can_deliver() or not self.subscribed(event, chan):
            return
        envelope = self._envelope(event, None)
        attempt = await self._attempt(envelope, None, None)
        if self._will_retry(attempt.record):
            self.redeliveries_pending += 1  # until _settle is done
            self.in_background(self._settle(envelope, attempt))
        else:
            self._judge(envelope, self._answer(attempt))

    async def _settle(self, envelope: dict[str, Any], attempt: Attempt) -> None:
        try:
            record = (await self._redeliver(envelope, attempt)).record
        finally:
            self.redeliveries_pending -= 1
        if record.failure is not None:
            last = record.failure if record.status is None else f"HTTP {record.status}"
            self.violation(
                f"Slack gave up on a {envelope['event']['type']} event after {record.retry_num} "
                f"retries: the app never acknowledged it (last: {last})"
            )

    def _judge(self, envelope: dict[str, Any], answer: Delivery) -> None:
        if answer.status_code >= 300:
            self.violation(
                f"the app answered {answer.status_code} to a {envelope['event']['type']} event "
                "(Slack counts that as a failed delivery and retries)"
            )

    def subscribed(self, event: dict[str, Any], chan: Channel | None) -> bool:
        """Whether the app's manifest subscribes to this event (all, when no manifest is set)."""
        if self.subscriptions is None:
            return True
        name = str(event["type"])
        if name == "message" and chan is not None:
            name = "message." + (
                "im" if chan.is_im else "groups" if chan.is_private else "channels"
            )
        return name in self.subscriptions

    def emit(self, event: dict[str, Any], chan: Channel | None = None) -> None:
        """Deliver, in the background, an event a Web API call caused (if deliver_api_events)."""
        if (
            self.deliver_api_events
            and self._can_deliver()
            and (chan is None or BOT_USER_ID in chan.members)
        ):
            self.in_background(self.deliver_event(event, chan))
