"""Slack's requests go through a durable inbox: verified, stored once per key (an event's
`event_id`, a command's or interaction's `trigger_id`), then acknowledged; processed from the
store by Bolt and marked done; retried when processing fails.

A request is either stored or not acknowledged: when the database cannot take an event, Slack
gets a 503 and delivers it again. Slack's retries (`X-Slack-Retry-Num`) and replays of one key
are stored once and processed once. The ack is light: the stores of one loop tick are written
in one statement, through a connection of the inbox's own, and the work runs after the ack
(what is acked during a burst waits in a queue until it is over).
Forms whose errors go in the acknowledgement (view submissions) are answered by Bolt itself,
once per `trigger_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import itertools
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from contextvars import Context
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot import logs
from bot.app.deliveries import read_delivery
from bot.app.loops import repeating
from bot.clock import Clock
from bot.metrics import Metrics
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
# An event waits while requests keep arriving (a burst), this long without one, at most so long.
QUIET_SECONDS = 0.02
MAX_DEFER_SECONDS = 2.0
# A command or a button waits less: someone is looking, and a trigger_id lasts 3 s.
PROMPT_DEFER_SECONDS = 0.5
DATABASE_DOWN = (
    "The incident bot can't reach its database right now, so nothing was done. "
    "Try again in a minute; if it goes on, tell whoever runs the bot."
)
# A failed attempt is tried again here after 1 s, 2 s, 4 s, 8 s (besides the passes above).
BACKOFF_SECONDS = 1.0
# An attempt's outcome the database could not take is written again this often until it can.
REWRITE_EVERY_SECONDS = (0.25, 0.5, 1.0, 2.0)


class WriterGate:
    """SQLite lets one writer in at a time and makes the others sleep and poll for the lock,
    up to 100 ms a try, so under a burst an ack could wait a second for a claim to commit. The
    inbox's own writes take turns here instead, handed over at once, the acks' stores first.
    (PostgreSQL locks rows, so there they go straight in.)"""

    def __init__(self) -> None:
        self.busy = False
        self.stores: deque[asyncio.Future[None]] = deque()
        self.others: deque[asyncio.Future[None]] = deque()

    @contextlib.asynccontextmanager
    async def turn(self, engine: AsyncEngine, *, store: bool = False) -> AsyncIterator[None]:
        """Wait for this process's turn to write, where the database needs it."""
        if engine.dialect.name != "sqlite":
            yield
            return
        if self.busy:
            handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            (self.stores if store else self.others).append(handed)
            try:
                await handed
            except asyncio.CancelledError:
                if handed.done() and not handed.cancelled():
                    self._hand_over()  # it was our turn: pass it on
                raise
        self.busy = True
        try:
            yield
        finally:
            self._hand_over()

    def _hand_over(self) -> None:
        for queue in (self.stores, self.others):
            while queue:
                handed = queue.popleft()
                if not handed.done():
                    handed.set_result(None)  # still busy: the turn is theirs now
                    return
        self.busy = False


class StoreBatch:
    """Deliveries arriving together are written together: each store waits for the one
    transaction that keeps everything that arrived by the time the previous one ended."""

    def __init__(
        self,
        sessions: Callable[[], async_sessionmaker[AsyncSession]],
        clock: Clock,
        writer: WriterGate,
    ) -> None:
        self.sessions = sessions  # asked each time: the inbox's, whatever it is then
        self.clock = clock
        self.writer = writer
        self.waiting: list[tuple[inbox.Arrival, asyncio.Future[bool]]] = []
        self.writing: asyncio.Task[None] | None = None
        # Each database's store of its own (a connection, on SQLite a thread too).
        self.dedicated: dict[AsyncEngine, inbox.SqliteStore | inbox.PostgresStore | None] = {}

    async def store(self, arrival: inbox.Arrival) -> bool:
        """Keep a delivery; False when its key was kept before. Raises when the database
        could not take it."""
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.waiting.append((arrival, stored))
        if self.writing is None:
            self.writing = asyncio.get_running_loop().create_task(self._write())
        return await stored

    async def _write(self) -> None:
        try:
            while self.waiting:
                await asyncio.sleep(0)  # the rest of this loop tick's arrivals join in
                batch, self.waiting = self.waiting, []
                try:
                    new = await self._store([arrival for arrival, _ in batch])
                except Exception as error:
                    for _, stored in batch:
                        if not stored.done():
                            stored.set_exception(error)
                    continue
                for arrival, stored in batch:
                    first = arrival.event_id in new
                    new.discard(arrival.event_id)  # a second copy in one batch is a duplicate
                    if not stored.done():
                        stored.set_result(first)
        finally:
            self.writing = None

    async def _store(self, arrivals: list[inbox.Arrival]) -> set[str]:
        engine = self.sessions().kw["bind"]
        async with self.writer.turn(engine, store=True):
            if engine not in self.dedicated:
                self.dedicated[engine] = inbox.dedicated_store(engine)
            if (store := self.dedicated[engine]) is not None:
                return await store.store_many(arrivals=arrivals, now=self.clock.now())
            # A bare connection: no ORM unit of work for a single INSERT.
            async with engine.begin() as connection:
                return await inbox.store_many(
                    connection=connection, arrivals=arrivals, now=self.clock.now()
                )

    async def close(self) -> None:
        """Release what the stores hold (connections, SQLite's thread)."""
        for store in self.dedicated.values():
            if store is not None:
                await store.close()
        self.dedicated.clear()


@dataclass(frozen=True)
class Outcome:
    """How one attempt at an event ended, to be written down."""

    event_id: str
    event_type: str
    claimed_at: datetime  # the claim this attempt held
    attempts: int
    failure: str | None  # None: processed


@dataclass
class EventInbox:
    """Store-then-ack for events, and processing from the store."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    bolt: AsyncApp  # processes before it responds: its answer says whether the listener failed
    verifier: SignatureVerifier | None  # None: requests come verified (Socket Mode, tests)
    takes_events: bool = True
    metrics: Metrics = field(default_factory=Metrics)
    # Events processed at once: the rest wait here, so a burst's acks (each a short insert)
    # always find a database connection free.
    lane: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(LANE))
    # Commands and buttons someone is waiting on go through a lane of their own.
    prompt_lane: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(LANE))
    running: set[asyncio.Task[Any]] = field(default_factory=set)
    # Deliveries acked and waiting for their burst to end (commands and buttons: prompt), each
    # with the log context of its request, and the task that releases each queue.
    deferred: dict[bool, list[tuple[str, Context, str]]] = field(default_factory=dict)
    releasing: dict[bool, asyncio.Task[None]] = field(default_factory=dict)
    # The latest command or click started in each place (channel), for the next to follow.
    last_in_place: dict[str, asyncio.Task[Any]] = field(default_factory=dict)
    # Requests being acknowledged now, and when the last one arrived (the loop's clock).
    arriving: int = 0
    last_arrival: float = 0.0
    calm: asyncio.Future[None] | None = None  # settled once no request has come for a while
    writer: WriterGate = field(default_factory=WriterGate)
    batch: StoreBatch = field(init=False)

    def __post_init__(self) -> None:
        self.batch = StoreBatch(lambda: self.sessions, self.clock, self.writer)

    # Attempts to come (a backoff, an outcome waiting for the database): dropped at a stop,
    # as the store still has the event pending.
    waiting: set[asyncio.Task[None]] = field(default_factory=set)

    async def receive(self, request: Request) -> Response | None:
        """Acknowledge a Slack request the inbox takes, or None for Bolt to answer it (a
        request it refuses, url_verification, or a form whose errors go in the ack)."""
        self.arriving += 1
        self.last_arrival = asyncio.get_running_loop().time()
        try:
            return await self._receive(request)
        finally:
            self.arriving -= 1

    async def _receive(self, request: Request) -> Response | None:
        body = await request.body()
        if not self.takes_events:
            return None
        if self.verifier is not None and not self.verifier.is_valid_request(
            body, dict(request.headers)
        ):
            return None  # Bolt refuses it with its own 401
        delivery = request.scope.get("state", {}).get("delivery") or read_delivery(
            request.headers.get("content-type", ""), body
        )
        if delivery.key is None:
            return None  # url_verification and the like: Bolt answers them at once
        arrival = inbox.Arrival(
            delivery.key, delivery.type, body.decode(), done=not delivery.deferred
        )
        try:
            new = await self.batch.store(arrival)
        except Exception as error:  # whatever the driver raised: the database is not there
            if delivery.kind == "event":
                self.metrics.events_received.labels(
                    event_type=delivery.type, result="refused"
                ).inc()
            logger.warning(
                "%s %s not stored (%s: %s); not acknowledged",
                delivery.kind,
                delivery.key,
                type(error).__name__,
                error,
            )
            if delivery.kind == "command":  # Slack shows the person the ack's text
                return JSONResponse({"response_type": "ephemeral", "text": DATABASE_DOWN})
            return Response(status_code=503)  # Slack delivers an event again
        if delivery.kind == "event":  # commands and interactions: in requests_total
            result = "stored" if new else "duplicate"
            self.metrics.events_received.labels(event_type=delivery.type, result=result).inc()
        if not delivery.deferred:
            return None if new else Response(status_code=200)  # a replayed form does nothing
        if new:
            self._defer(delivery.key, prompt=delivery.kind != "event", place=delivery.place)
        return Response(status_code=200)  # the rule: ack empty, answer with respond()

    def _defer(self, event_id: str, *, prompt: bool, place: str = "") -> None:
        """Process it once the burst it came in is over: until then it only joins a queue
        (with its log context), so the acks have the loop to themselves."""
        queue = self.deferred.setdefault(prompt, [])
        queue.append((event_id, contextvars.copy_context(), place))
        if prompt not in self.releasing:
            releasing = self._release(prompt, queue)
            loop = asyncio.get_running_loop()
            self.releasing[prompt] = self._track(loop.create_task(releasing, context=Context()))

    async def _release(self, prompt: bool, queue: list[tuple[str, Context, str]]) -> None:
        """Start what waited; commands and clicks of one place each after the one before it
        (`/incident action A` then `action B` are INC-1 and INC-2)."""
        try:
            while queue:
                await self._after_acks(PROMPT_DEFER_SECONDS if prompt else MAX_DEFER_SECONDS)
                released, queue[:] = list(queue), []
                for event_id, context, place in released:
                    after = self.last_in_place.get(place) if place else None
                    task = self._start(
                        event_id, prompt=prompt, waited=True, after=after, context=context
                    )
                    if place:
                        self.last_in_place[place] = task
                        task.add_done_callback(functools.partial(self._forget, place))
        finally:
            del self.releasing[prompt]

    def _forget(self, place: str, task: asyncio.Task[Any]) -> None:
        if self.last_in_place.get(place) is task:
            del self.last_in_place[place]

    def _start(
        self,
        event_id: str,
        tries: int = 0,
        *,
        prompt: bool = False,
        waited: bool = False,
        after: asyncio.Task[Any] | None = None,
        context: Context | None = None,
    ) -> asyncio.Task[Any]:
        work = self.process(event_id, tries=tries, prompt=prompt, waited=waited, after=after)
        return self._track(asyncio.get_running_loop().create_task(work, context=context))

    def _track(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return task

    def _wait(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.waiting.add(task)
        task.add_done_callback(self.waiting.discard)

    async def process(
        self,
        event_id: str,
        *,
        tries: int = 0,
        prompt: bool = False,
        waited: bool = False,
        after: asyncio.Task[Any] | None = None,
    ) -> bool:
        """Process one stored delivery if no one else is; True once it is done. A burst's acks
        pass first (unless it `waited` already), for a shorter while when someone waits for it
        (a `prompt` command, a button); then the delivery it comes `after`, if any."""
        with logs.context(request="event", event_id=event_id):  # every line logged names it
            if not waited:
                await self._after_acks(PROMPT_DEFER_SECONDS if prompt else MAX_DEFER_SECONDS)
            if after is not None:
                await asyncio.wait([after])
            async with self.prompt_lane if prompt else self.lane:
                try:
                    return await self._process(event_id, tries)
                except Exception:
                    logger.exception("event %s: processing failed unexpectedly", event_id)
                    return False

    async def _process(self, event_id: str, tries: int) -> bool:
        try:
            async with self._writing() as session:
                event = await inbox.claim(
                    session=session,
                    event_id=event_id,
                    now=self.clock.now(),
                    stale_after=STALE_AFTER,
                )
                claim = None
                if event is not None and event.claimed_at is not None:
                    claim = (event.body, event.event_type, event.claimed_at, event.attempts)
        except Exception as error:
            # Stored, so not lost: tried again soon, and found by every pass over pending events.
            logger.warning("event %s not claimed (%s: %s)", event_id, type(error).__name__, error)
            self._again(event_id, tries + 1)
            return False
        if claim is None:
            return False
        body, kind, claimed_at, attempts = claim
        logs.bind(event_type=kind)
        if attempts > 1:
            self.metrics.events_retried.labels(event_type=kind).inc()
        failure = await self._dispatch(event_id, body)
        outcome = Outcome(event_id, kind, claimed_at, attempts, failure)
        if not await self._write(outcome):
            # Processed (a mention answered, say) but not yet known to be: written as soon as
            # the database takes it, else the event would be processed again once stale.
            self._wait(self._write_when_back(outcome))
        elif outcome.failure is not None:
            self._again(event_id, attempts)
        return outcome.failure is None

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        """A transaction of the inbox's own, in its turn to write."""
        async with self.writer.turn(self.sessions.kw["bind"]), self.sessions.begin() as session:
            yield session

    async def _after_acks(self, at_most: float) -> None:
        """Wait while requests are arriving (until QUIET_SECONDS pass without one), at most
        `at_most` seconds: during a burst the acks go first, the work after. One watcher looks
        at the clock for all the work waiting."""
        if self.calm is None or self.calm.done():
            self.calm = asyncio.get_running_loop().create_future()
            self._wait(self._watch_for_calm(self.calm))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(at_most):
                await asyncio.shield(self.calm)

    async def _watch_for_calm(self, calm: asyncio.Future[None]) -> None:
        loop = asyncio.get_running_loop()
        try:
            for _ in itertools.count():  # a clock to watch, not an event to wait for
                quiet_for = loop.time() - self.last_arrival
                if quiet_for >= QUIET_SECONDS and not self.arriving:
                    break
                await asyncio.sleep(max(QUIET_SECONDS - quiet_for, QUIET_SECONDS / 4))
        finally:  # stopped too (a drain): nothing waits for a watcher that is gone
            if not calm.done():
                calm.set_result(None)

    async def _dispatch(self, event_id: str, body: str) -> str | None:
        """Run the delivery's listeners; why they failed, or None."""
        kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
        try:
            request = AsyncBoltRequest(body=body, headers={"content-type": [kind]})
            answer = await self.bolt.async_dispatch(request)
        except Exception as error:
            logger.exception("event %s failed", event_id)
            return f"{type(error).__name__}: {error}"
        return None if answer.status < 400 else f"the listener answered {answer.status}"

    async def _write(self, outcome: Outcome, *, quiet: bool = False) -> bool:
        """Mark the event done, or give its claim up for a later attempt; False when the
        database could not take it."""
        try:
            async with self._writing() as session:
                if outcome.failure is None:
                    now = self.clock.now()
                    await inbox.mark_done(session=session, event_id=outcome.event_id, now=now)
                else:
                    await inbox.release(
                        session=session,
                        event_id=outcome.event_id,
                        claimed_at=outcome.claimed_at,
                        error=outcome.failure,
                    )
        except Exception as error:
            if not quiet:
                logger.warning(
                    "event %s: its outcome (%s) not written yet (%s: %s)",
                    outcome.event_id,
                    "done" if outcome.failure is None else "failed",
                    type(error).__name__,
                    error,
                )
            return False
        if outcome.failure is None:
            self.metrics.events_processed.labels(event_type=outcome.event_type).inc()
            logger.info("event %s processed", outcome.event_id, extra={"outcome": "processed"})
        else:
            self.metrics.events_failed.labels(event_type=outcome.event_type).inc()
            logger.warning(
                "event %s not processed (%s); it will be tried again",
                outcome.event_id,
                outcome.failure,
                extra={"outcome": "failed"},
            )
        return True

    async def _write_when_back(self, outcome: Outcome) -> None:
        for tries in itertools.count():
            await asyncio.sleep(REWRITE_EVERY_SECONDS[min(tries, len(REWRITE_EVERY_SECONDS) - 1)])
            if await self._write(outcome, quiet=True):
                logger.info("event %s: its outcome is written now", outcome.event_id)
                if outcome.failure is not None:
                    self._again(outcome.event_id, outcome.attempts)
                return

    def _again(self, event_id: str, tries: int) -> None:
        """Try an event again after a backoff (1 s, 2 s, 4 s…), up to MAX_ATTEMPTS tries."""
        if tries >= MAX_ATTEMPTS:
            return

        async def later() -> None:
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (tries - 1))
            self._start(event_id, tries)

        self._wait(later())

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
        """Wait for the events being processed now, and drop the attempts still to come (for
        tests and a clean stop): the store keeps those events pending for the next pass."""
        while self.running:
            await asyncio.gather(*self.running, return_exceptions=True)
        for task in list(self.waiting):
            task.cancel()
        await asyncio.gather(*self.waiting, return_exceptions=True)

    def retrying(self, every: float = RETRY_EVERY_SECONDS) -> AbstractAsyncContextManager[None]:
        """While open, look for pending events at once and then every `every` seconds."""
        return repeating("inbox: looking for pending events", self.process_pending, every=every)
