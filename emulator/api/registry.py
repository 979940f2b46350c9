"""Method registry: one small function per Web API method, plus the call context."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.state import BOT_USER_ID, Channel

if TYPE_CHECKING:
    from emulator.core import SlackEmulator

Handler = Callable[["Call"], Awaitable[dict[str, Any]]]
METHODS: dict[str, Handler] = {}


class ApiError(Exception):
    """An {"ok": false} answer; extra fields are merged into the body."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def method(name: str) -> Callable[[Handler], Handler]:
    """Register an async function as the implementation of a Web API method."""

    def register(func: Handler) -> Handler:
        """Record the function under the method's name."""
        METHODS[name] = func
        return func

    return register


@dataclass
class Call:
    """One Web API call: the emulator, the method name and the merged arguments."""

    emu: SlackEmulator
    method: str
    args: dict[str, Any]

    def text(self, name: str, default: str | None = None) -> str | None:
        """Return a string argument (the default when absent or empty)."""
        value = self.args.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def flag(self, name: str) -> bool:
        """Return a boolean argument the way Slack reads it (true/1)."""
        value = self.args.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true")

    def number(self, name: str, default: int) -> int:
        """Return an integer argument."""
        value = self.args.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments") from None

    def decoded(self, name: str, error: str = "invalid_arguments") -> Any:
        """Return a JSON argument, decoding it when it arrived form-encoded as a string."""
        value = self.args.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(error) from None
        return value

    def ids(self, name: str) -> list[str]:
        """Return a comma-separated (or JSON array) argument as a list."""
        value = self.args.get(name)
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v.strip() for v in str(value or "").split(",") if v.strip()]

    def channel(self, name: str = "channel", *, member: bool = False) -> Channel:
        """Return the conversation an argument names (id or #name) as the bot can see it."""
        return self.resolve(self.text(name) or "", member=member)

    def resolve(
        self, ref: str, *, member: bool = False, by_name: bool = False, by_user: bool = False
    ) -> Channel:
        """Return the conversation with that id (or #name / user id where Slack allows it)."""
        ws = self.emu.workspace
        chan = ws.channels.get(ref)
        if chan is None and by_name:
            chan = ws.channel_by_name(ref)
        if chan is None and by_user and ref in ws.users:
            chan = ws.dm_with(ref)
        if chan is None or (chan.is_private and BOT_USER_ID not in chan.members):
            raise ApiError("channel_not_found")
        if member and BOT_USER_ID not in chan.members:
            raise ApiError("not_in_channel")
        return chan


def page(items: list[Any], call: Call, default_limit: int = 100) -> tuple[list[Any], str]:
    """Slice a list with Slack cursor pagination; return the page and the next cursor."""
    limit = call.number("limit", default_limit) or default_limit
    cursor = call.text("cursor")
    start = 0
    if cursor:
        try:
            start = int(cursor.removeprefix("dGVhbTpD"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    chunk = items[start : start + limit]
    nxt = start + limit
    return chunk, f"dGVhbTpD{nxt}" if nxt < len(items) else ""
