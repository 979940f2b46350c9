"""Workspace state and the helpers shared by the Web API, the drivers and the tests."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx

from emulator.faults import FaultBook
from emulator.mentions import find_pings, find_user_mentions
from emulator.ratelimits import RateLimiter
from emulator.redelivery import SLACK_RETRY_DELAYS
from emulator.socket_mode import SocketHub
from emulator.state import (
    BOT_ID,
    BOT_USER_ID,
    ApiCall,
    Channel,
    Ephemeral,
    EventDelivery,
    Message,
    ResponseTarget,
    Trigger,
    User,
    View,
    Workspace,
)


class EmulatorBase:
    """Workspace state and the helpers the Web API and the drivers share."""

    def __init__(
        self,
        signing_secret: str = "test-secret",
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = Workspace()
        self.ephemerals: list[Ephemeral] = []
        self.response_url_posts: list[dict[str, Any]] = []
        self.views: dict[str, View] = {}
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.pings: list[tuple[str, str, str]] = []
        self.events: list[dict[str, Any]] = []
        self.faults = FaultBook()
        self.enforce_rate_limits = False
        self.rate_limiter = RateLimiter()
        self.triggers: dict[str, Trigger] = {}
        self.trigger_ttl = 3.0
        self.ack_timeout = 3.0
        self.response_targets: dict[str, ResponseTarget] = {}
        self.bot_url: str | None = None
        self.bot_transport: httpx.AsyncBaseTransport | None = None
        self.deliver_events = True
        # Bot events the app subscribes to (a manifest's bot_events); None delivers every event.
        self.subscriptions: set[str] | None = None
        self.deliver_api_events = False
        # Slack's redelivery of events not acknowledged with a 2xx (emulator/driver.py): off by
        # default; its delays are Slack's (nearly at once, 1 min, 5 min) times `retry_scale`.
        self.retry_events = False
        self.retry_delays: tuple[float, ...] = SLACK_RETRY_DELAYS
        self.retry_scale = 1.0
        self.event_deliveries: list[EventDelivery] = []
        self.redeliveries_pending = 0
        self.system_messages = False
        self.pin_times: dict[tuple[str, str], int] = {}
        self.pinned_by: dict[tuple[str, str], str] = {}
        self.bot_scopes: set[str] | None = None
        self.socket = SocketHub(self)
        self._mentions: dict[tuple[str, str], set[str]] = {}
        self._http: httpx.AsyncClient | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.port = 0

    @property
    def base_url(self) -> str:
        """Return the emulator's root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def channels(self) -> dict[str, Channel]:
        """Return every conversation by id."""
        return self.workspace.channels

    @property
    def users(self) -> dict[str, User]:
        """Return every user by id."""
        return self.workspace.users

    def channel_by_name(self, name: str) -> Channel | None:
        """Return the conversation with that name, if any."""
        return self.workspace.channel_by_name(name)

    def find_message(self, channel: str, ts: str) -> Message | None:
        """Return the top-level message or thread reply with that ts."""
        return self.workspace.find_message(channel, ts)

    def add_user(
        self,
        name: str,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Europe/Paris",
        email: str | None = None,
    ) -> str:
        """Add a workspace member and return its id."""
        uid = self.workspace.ids.new("U")
        self.users[uid] = User(
            uid,
            name,
            real_name if real_name is not None else name.title(),
            is_bot=is_bot,
            deleted=deleted,
            tz=tz,
            email=email if email is not None else f"{name}@example.com",
        )
        return uid

    def add_channel(
        self,
        name: str,
        is_private: bool = False,
        members: list[str] | None = None,
        archived: bool = False,
    ) -> str:
        """Add a conversation (not delivering any event) and return its id."""
        chan = Channel(
            self.workspace.ids.new("C"),
            name,
            is_private=is_private,
            is_archived=archived,
            members=set(members or []),
            creator=(members or ["U0ALICE"])[0],
            created=int(time.time()),
        )
        self.channels[chan.id] = chan
        return chan.id

    def calls_to(self, method: str) -> list[ApiCall]:
        """Return the Web API calls made to one method, in order."""
        return [c for c in self.calls if c.method == method]

    def mentions(self, channel: str, ts: str) -> set[str]:
        """Return the user ids a message mentions as <@U…>."""
        return set(self._mentions.get((channel, ts), set()))

    def reset_faults(self) -> None:
        """Drop every injected fault and latency."""
        self.faults.reset()

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of a method fail (HTTP status or documented error)."""
        self.faults.inject(method, status=status, error=error, retry_after=retry_after, times=times)

    def set_latency(self, method: str, seconds: float) -> None:
        """Delay every answer of a method by some seconds."""
        self.faults.latency[method] = seconds

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - the public API polls state, not one awaitable
        message: str = "",
    ) -> Any:
        """Poll a predicate every 10 ms until it is truthy; fail with context on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                recent = [f"{c.method} -> {c.response.get('error', 'ok')}" for c in self.calls[-8:]]
                raise AssertionError(
                    f"condition not met within {timeout}s {message}".strip()
                    + f"; last API calls: {recent}; violations: {self.violations}"
                )
            await asyncio.sleep(0.01)

    # helpers shared by the Web API and the driver

    def issue_trigger(self, user: str, view_id: str | None = None) -> str:
        """Issue a trigger_id valid for views.open for `trigger_ttl` seconds."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(user, time.monotonic(), view_id)
        return trigger_id

    def issue_response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """Issue a response_url the app may post to."""
        rid = secrets.token_hex(12)
        self.response_targets[rid] = ResponseTarget(channel, user, message_ts)
        return f"{self.base_url}/response/{rid}"

    def store_message(
        self,
        channel: Channel,
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        *,
        from_app: bool = True,
        link_names: bool = False,
        **extra: Any,
    ) -> Message:
        """Append a message (or thread reply) to a channel; note its pings and mentions."""
        msg = Message(
            self.workspace.ids.ts(),
            channel.id,
            user,
            text,
            blocks,
            thread_ts=thread_ts,
            bot_id=BOT_ID if user == BOT_USER_ID else None,
            **extra,
        )
        parent = self.find_message(channel.id, thread_ts) if thread_ts else None
        if parent is not None:
            msg.thread_ts = parent.thread_ts or parent.ts
            root = self.find_message(channel.id, msg.thread_ts)
            assert root is not None
            root.replies.append(msg)
        else:
            msg.thread_ts = None
            channel.messages.append(msg)
        self.note_content(msg, from_app=from_app, link_names=link_names)
        return msg

    def note_content(self, msg: Message, *, from_app: bool, link_names: bool = False) -> None:
        """Record a message's user mentions, and its pings when the app wrote it."""
        self._mentions[(msg.channel, msg.ts)] = find_user_mentions(msg.text, msg.blocks)
        if from_app:
            handles = frozenset(g.handle for g in self.workspace.usergroups.values())
            for ping in find_pings(msg.text, msg.blocks, link_names, handles):
                self.pings.append((msg.channel, msg.ts, ping))

    def violation(self, text: str) -> None:
        """Record a breach of Slack's contract."""
        self.violations.append(text)

    def in_background(self, coro: Any) -> None:
        """Run a coroutine as a task the emulator cancels on stop."""
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _user(self, user: str) -> User:
        if user not in self.users:
            raise ValueError(f"no user {user}")
        return self.users[user]

    def _chan(self, channel: str | None) -> Channel:
        chan = self.channels.get(channel or "C0GENERAL") or self.channel_by_name(channel or "")
        if chan is None:
            raise ValueError(f"no channel {channel}")
        return chan
