"""slack_sdk's retry handlers, which see every Web API request the bot makes: the gateway's
client and the clients Bolt makes for each request (they copy these handlers) alike. Each retry
is counted by the method it repeats and why, and each call once, by its final result.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.metrics import Metrics


class CountedRetry(AsyncRetryHandler):
    """A slack_sdk retry handler that counts each retry it decides on, then waits as it would."""

    def __init__(
        self,
        handler: AsyncRetryHandler,
        *,
        reason: str,
        metrics: Metrics,
        method_of: Callable[[str], str],
    ) -> None:
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self.handler = handler
        self.reason = reason
        self.metrics = metrics
        self.method_of = method_of

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Whether the wrapped handler would retry."""
        return await self.handler.can_retry_async(
            state=state, request=request, response=response, error=error
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Count the retry, then wait (Retry-After, or the back-off) as the wrapped one does."""
        method = self.method_of(request.url)
        self.metrics.slack_retries.labels(method=method, reason=self.reason).inc()
        await self.handler.prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


class CallCounter(AsyncRetryHandler):
    """Never retries; placed last, it is asked only about a request's final answer (slack_sdk
    stops asking once a handler retries), so it counts each call once."""

    def __init__(self, *, metrics: Metrics, method_of: Callable[[str], str]) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics
        self.method_of = method_of

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Count how the call ended; never retry."""
        method = self.method_of(request.url)
        self.metrics.slack_calls.labels(method=method, result=_result(response, error)).inc()
        return False


def _result(response: HttpResponse | None, error: Exception | None) -> str:
    """ok, Slack's error code, 429 or 5xx (the retries gave up), unreachable, or error."""
    if response is None:
        unreachable = isinstance(error, aiohttp.ClientError | TimeoutError)
        return "unreachable" if unreachable else "error"
    status = response.status_code
    if status == 429:
        return "429"
    if status >= 500:
        return "5xx"
    body = response.body if isinstance(response.body, dict) else {}
    if status < 300 and body.get("ok", True):
        return "ok"
    return str(body.get("error") or f"http_{status}")[:64]


def counted_retries(metrics: Metrics, method_of: Callable[[str], str]) -> list[AsyncRetryHandler]:
    """Wait out 429s (up to 3 times), retry 5xx and dropped links (twice); count each retry,
    and each call once with its final result."""
    handlers: list[tuple[str, AsyncRetryHandler]] = [
        ("connection", AsyncConnectionErrorRetryHandler(max_retry_count=2)),
        ("429", AsyncRateLimitErrorRetryHandler(max_retry_count=3)),
        ("5xx", AsyncServerErrorRetryHandler(max_retry_count=2)),
    ]
    counted: list[AsyncRetryHandler] = [
        CountedRetry(handler, reason=reason, metrics=metrics, method_of=method_of)
        for reason, handler in handlers
    ]
    return [*counted, CallCounter(metrics=metrics, method_of=method_of)]
