"""Events API deliveries go through a durable inbox: verified, stored once per `event_id`, then
acknowledged; processed from the store by Bolt and marked done; retried when processing fails.

An event is either stored or not acknowledged: when the database cannot take it, Slack gets a
503 and delivers it again. Slack's retries (`X-Slack-Retry-Num`) and replays of one `event_id`
are stored once and processed once. Slash commands and interactions do not come here: Slack
wants their answer (a modal's errors, say) in the acknowledgement itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from bot.clock import Clock
from models import inbox

logger = logging.getLogger(__name__)

# A claim older than this belongs to a processor that died; another may take the event over.
STALE_AFTER = timedelta(minutes=2)
# Then the event is left for a person to look at (`last_error` says why).
MAX_ATTEMPTS = 5
# How often pending events are looked for, and how long done ones are kept.
RETRY_EVERY_SECONDS = 30.0
KEEP_DONE = timedelta(days=7)
LANE = 8


@dataclass
class EventInbox:
    """Store-then-ack for events, and processing from the store."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    bolt: AsyncApp  # processes before it responds: its answer says whether the listener failed
    verifier: SignatureVerifier | None  # None: requests come verified (Socket Mode, tests)
    takes_events: bool = True
    # Events processed at once: the rest wait here, so a burst's acks (each a short insert)
    # always find a database connection free.
    lane: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(LANE))
    running: set[asyncio.Task[bool]] = field(default_factory=set)

    async def receive(self, request: Request) -> Response | None:
        """Answer an Events API delivery, or None when the request is not one (Bolt answers)."""
        body = await request.body()
        if not self.takes_events or "json" not in request.headers.get("content-type", ""):
            return None
        headers = dict(request.headers)
        if self.verifier is not None and not self.verifier.is_valid_request(body, headers):
            return None  # Bolt refuses it with its own 401
        try:
            envelope = json.loads(body)
        except ValueError:
            return None
        if envelope.get("type") != "event_callback" or not envelope.get("event_id"):
            return None  # url_verification and the like: Bolt answers them at once
        event_id = str(envelope["event_id"])
        kind = str((envelope.get("event") or {}).get("type", ""))[:64]
        try:
            async with self.sessions.begin() as session:
                new = await inbox.store(
                    session=session,
                    event_id=event_id,
                    event_type=kind,
                    body=body.decode(),
                    now=self.clock.now(),
                )
        except Exception:
            logger.exception(
                "event %s (%s) not stored; answering 503 for Slack to retry", event_id, kind
            )
            return Response(status_code=503)
        if new:
            self._start(event_id)
        return Response(status_code=200)

    def _start(self, event_id: str) -> None:
        task = asyncio.get_running_loop().create_task(self.process(event_id))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def process(self, event_id: str) -> bool:
        """Process one stored event if no one else is; True once it is done."""
        async with self.lane:
            try:
                return await self._process(event_id)
            except Exception:
                # Stored, so not lost: a later pass finds it pending.
                logger.exception("event %s: processing could not start or finish", event_id)
                return False

    async def _process(self, event_id: str) -> bool:
        async with self.sessions.begin() as session:
            event = await inbox.claim(
                session=session, event_id=event_id, now=self.clock.now(), stale_after=STALE_AFTER
            )
            body = event.body if event is not None else None
        if body is None:
            return False
        try:
            request = AsyncBoltRequest(body=body, headers={"content-type": ["application/json"]})
            answer = await self.bolt.async_dispatch(request)
            failure = None if answer.status < 400 else f"the listener answered {answer.status}"
        except Exception as error:
            failure = f"{type(error).__name__}: {error}"
            logger.exception("event %s failed", event_id)
        async with self.sessions.begin() as session:
            if failure is None:
                await inbox.mark_done(session=session, event_id=event_id, now=self.clock.now())
            else:
                await inbox.release(session=session, event_id=event_id, error=failure)
                logger.warning(
                    "event %s not processed (%s); it will be tried again", event_id, failure
                )
        return failure is None

    async def process_pending(self, *, limit: int = 100) -> int:
        """Process what is still pending (a crash, a failure, another replica's claim gone
        stale), oldest first, and forget events done long ago; returns how many got done."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            found = await inbox.pending(
                session=session,
                now=now,
                stale_after=STALE_AFTER,
                max_attempts=MAX_ATTEMPTS,
                limit=limit,
            )
            await inbox.prune(session=session, done_before=now - KEEP_DONE)
        done = 0
        for event_id in found:
            done += await self.process(event_id)
        return done

    async def drain(self) -> None:
        """Wait for the events being processed now (for tests and a clean stop)."""
        while self.running:
            await asyncio.gather(*self.running, return_exceptions=True)

    @contextlib.asynccontextmanager
    async def retrying(self, every: float = RETRY_EVERY_SECONDS) -> AsyncIterator[None]:
        """While open, look for pending events at once and then every `every` seconds."""

        async def loop() -> None:
            while True:
                try:
                    await self.process_pending()
                except Exception:
                    logger.exception("inbox: looking for pending events failed")
                await asyncio.sleep(every)

        task = asyncio.get_running_loop().create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
