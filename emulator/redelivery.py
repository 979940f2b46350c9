"""Slack's redelivery of Events API events, as the driver models it.

Slack counts a delivery as failed when the app does not answer 2xx within 3 s: an error status
(`http_error`), no answer in time (`http_timeout`) or no connection (`connection_failed`). It
then delivers the same event_id again up to 3 times, nearly at once, after 1 minute and after
5 minutes, with `X-Slack-Retry-Num` 1..3 and `X-Slack-Retry-Reason`; an error answered with
`X-Slack-No-Retry: 1` is not retried.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from emulator.socket_mode import AckResult
from emulator.state import EventDelivery

Delivery = httpx.Response | AckResult
# Each retry's wait after the failure before it, in seconds (emu.retry_delays, scalable).
SLACK_RETRY_DELAYS = (1.0, 60.0, 300.0)


@dataclass(frozen=True)
class Attempt:
    """One delivery of an event: the record kept of it, and what came back."""

    record: EventDelivery
    answer: Delivery | httpx.TransportError


def attempt_of(
    event_id: str,
    retry_num: int | None,
    retry_reason: str | None,
    answer: Delivery | httpx.TransportError,
) -> Attempt:
    """Record an attempt, its failure named as X-Slack-Retry-Reason would name it."""
    tried = (event_id, retry_num or 0, retry_reason if retry_num else None)
    if isinstance(answer, httpx.TransportError):
        return Attempt(EventDelivery(*tried, status=None, failure="connection_failed"), answer)
    status = answer.status_code
    # The driver answers 504 itself when the app took longer than Slack's 3 s.
    failure = None if 200 <= status < 300 else "http_timeout" if status == 504 else "http_error"
    headers = getattr(answer, "headers", {})  # Socket Mode acks carry none
    no_retry = failure is not None and headers.get("x-slack-no-retry") == "1"
    record = EventDelivery(*tried, status=status, failure=failure, no_retry=no_retry)
    return Attempt(record, answer)
