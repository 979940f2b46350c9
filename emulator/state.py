"""Workspace state of the emulator: plain dataclasses, ids, timestamps and the seed."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TEAM_ID = "T0TEAM"
TEAM_NAME = "Acme"
TEAM_DOMAIN = "acme"
APP_ID = "A0APP"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_NAME = "incidentbot"


@dataclass
class User:
    """A workspace member (human or bot)."""

    id: str
    name: str
    real_name: str = ""
    is_bot: bool = False
    deleted: bool = False
    tz: str = "Europe/Paris"
    email: str | None = None
    bot_id: str | None = None
    is_admin: bool = False


@dataclass
class Message:
    """A channel message; top-level messages hold their thread replies."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    replies: list[Message] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: bool = False
    bot_id: str | None = None
    metadata: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    subtype: str | None = None
    reply_broadcast: bool = False


@dataclass
class Channel:
    """A conversation: public or private channel, or a DM (is_im)."""

    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    members: set[str] = field(default_factory=set)
    topic: str = ""
    purpose: str = ""
    creator: str = ""
    created: int = 0
    messages: list[Message] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    is_im: bool = False
    previous_names: list[str] = field(default_factory=list)
    bookmarks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Ephemeral:
    """A message only one user sees."""

    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    source: str
    thread_ts: str | None = None


@dataclass
class View:
    """A modal or Home tab opened by the app."""

    id: str
    user: str
    type: str
    view: dict[str, Any]
    trigger_id: str | None
    hash: str
    closed: bool = False
    stack: list[str] = field(default_factory=list)
    root_view_id: str = ""
    previous_view_id: str | None = None
    external_id: str | None = None
    state_values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ApiCall:
    """One Web API call as the emulator saw and answered it."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float


@dataclass
class EventDelivery:
    """One attempt at delivering an Events API event, and how the app answered it."""

    event_id: str
    retry_num: int  # 0 for the first delivery, then X-Slack-Retry-Num
    retry_reason: str | None  # X-Slack-Retry-Reason: why the attempt before failed
    status: int | None  # the app's HTTP status; None when it could not be reached
    failure: str | None  # http_error, http_timeout or connection_failed; None when acked
    no_retry: bool = False  # the app answered X-Slack-No-Retry: 1


@dataclass
class Usergroup:
    """A user group (mentioned as <!subteam^ID>)."""

    id: str
    handle: str
    name: str
    users: list[str] = field(default_factory=list)


@dataclass
class StoredFile:
    """A file uploaded through files.getUploadURLExternal."""

    id: str
    name: str
    length: int
    content: bytes | None = None
    title: str = ""
    channels: list[str] = field(default_factory=list)


@dataclass
class Canvas:
    """A canvas created by canvases.create."""

    id: str
    title: str
    markdown: str
    channel_id: str | None = None
    channel_canvas: bool = False
    # Who besides its creator may open it: channel or user ID -> read | write | owner.
    access: dict[str, str] = field(default_factory=dict)


@dataclass
class Trigger:
    """A trigger_id the emulator issued with an interaction."""

    user: str
    issued_at: float
    view_id: str | None = None
    used: bool = False


@dataclass
class ResponseTarget:
    """Where a response_url posts land: the channel, the user, and the original message."""

    channel: str
    user: str
    message_ts: str | None = None
    uses: int = 0


class Ids:
    """Issue Slack-looking ids and unique, increasing message timestamps."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._last_us = 0
        # Seconds since the epoch for message timestamps; None reads the real time.
        self.clock: Callable[[], float] | None = None

    def new(self, prefix: str) -> str:
        """Return a fresh id such as C0100000A."""
        return f"{prefix}01{next(self._counter):07X}"

    def ts(self) -> str:
        """Return a fresh message timestamp, strictly greater than the previous one."""
        now_us = int(self.clock() * 1_000_000) if self.clock else time.time_ns() // 1000
        self._last_us = max(now_us, self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"


class Workspace:
    """All mutable workspace data; the seed is team Acme with a bot and three people."""

    def __init__(self) -> None:
        self.ids = Ids()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, Usergroup] = {}
        self.files: dict[str, StoredFile] = {}
        self.canvases: dict[str, Canvas] = {}
        self._seed()

    def _seed(self) -> None:
        self.users[BOT_USER_ID] = User(
            BOT_USER_ID, BOT_NAME, "Incident Bot", is_bot=True, bot_id=BOT_ID
        )
        people = [("alice", "Alice Doe"), ("bob", "Bob Roe"), ("carol", "Carol Poe")]
        for name, real in people:
            uid = f"U0{name.upper()}"
            self.users[uid] = User(uid, name, real, email=f"{name}@example.com")
        self.usergroups["S0ONCALL"] = Usergroup("S0ONCALL", "oncall", "On-call", ["U0BOB"])
        humans = {uid for uid, u in self.users.items() if not u.is_bot}
        general = Channel("C0GENERAL", "general", members=humans, creator="U0ALICE")
        general.created = int(time.time()) - 86400
        self.channels[general.id] = general

    def channel_by_name(self, name: str) -> Channel | None:
        """Return the conversation with that name (archived ones included), if any."""
        name = name.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def find_message(self, channel: str, ts: str) -> Message | None:
        """Return the top-level message or thread reply with that ts."""
        chan = self.channels.get(channel)
        if chan is None:
            return None
        for msg in chan.messages:
            if msg.ts == ts:
                return msg
            for reply in msg.replies:
                if reply.ts == ts:
                    return reply
        return None

    def dm_with(self, user: str) -> Channel:
        """Return (creating it if needed) the DM between the bot and a user."""
        for chan in self.channels.values():
            if chan.is_im and chan.members == {BOT_USER_ID, user}:
                return chan
        chan = Channel(self.ids.new("D"), user, is_private=True, is_im=True)
        chan.members = {BOT_USER_ID, user}
        chan.created = int(time.time())
        self.channels[chan.id] = chan
        return chan
