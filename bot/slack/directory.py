"""Who and where in the workspace: the bot itself, people, user groups, channels — each
looked up once and remembered by the gateway."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

from bot.errors import SlackRefusal


class Directory:
    """Lookups over the Web API; the gateway that mixes this in provides `call`."""

    def __init__(self) -> None:
        self._channel_ids: dict[str, str] = {}
        self._usergroup_ids: dict[str, str] = {}
        self._identity: dict[str, Any] | None = None
        self._asking = asyncio.Lock()
        self._names: dict[str, str] = {}
        self._handles: dict[str, str] = {}

    async def call(self, method: str, **args: Any) -> dict[str, Any]:
        """Call a Web API method (the gateway's)."""
        raise NotImplementedError

    async def pages(self, method: str, key: str, **args: Any) -> AsyncIterator[list[Any]]:
        """The `key` list of each page a list method returns, following Slack's cursors."""
        cursor: str | None = None
        while True:
            data = await self.call(method, **args, cursor=cursor)
            yield list(data.get(key, []))
            cursor = data.get("response_metadata", {}).get("next_cursor") or None
            if cursor is None:
                return

    async def workspace_url(self) -> str:
        """The workspace's address, e.g. https://acme.slack.com/ (asked once)."""
        return str((await self._whoami())["url"])

    async def bot_user(self) -> str:
        """The bot's own user ID (asked once)."""
        return str((await self._whoami())["user_id"])

    async def _whoami(self) -> dict[str, Any]:
        async with self._asking:  # callers arriving together share one auth.test
            if self._identity is None:
                self._identity = await self.call("auth.test")
        return self._identity

    async def permalink(self, channel: str, ts: str, thread_ts: str | None = None) -> str:
        """A message's permalink, built as Slack builds it rather than asked for each time."""
        link = f"{await self.workspace_url()}archives/{channel}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return link

    async def canvas_link(self, canvas_id: str) -> str:
        """Where people open a canvas."""
        identity = await self._whoami()
        return f"{identity['url']}docs/{identity['team_id']}/{canvas_id}"

    async def user(self, user: str) -> dict[str, Any]:
        """A workspace member's profile."""
        data = await self.call("users.info", user=user)
        profile: dict[str, Any] = data["user"]
        return profile

    async def user_by_name(self, name: str) -> str | None:
        """The ID of the member whose handle or display name this is (members listed once)."""
        if not self._handles:
            async for page in self.pages("users.list", "members", limit=200):
                for member in page:
                    if member.get("deleted") or member.get("is_bot"):
                        continue
                    profile = member.get("profile", {})
                    for label in (member.get("name"), profile.get("display_name")):
                        if label:
                            self._handles[str(label).lower()] = str(member["id"])
        return self._handles.get(name.lower().lstrip("@"))

    async def user_names(self, users: set[str]) -> dict[str, str]:
        """Display names, each asked of Slack once per process."""
        for user in users - self._names.keys():
            try:
                profile = await self.user(user)
            except SlackRefusal:
                continue
            self._names[user] = str(profile.get("real_name") or profile.get("name") or user)
        return {user: self._names.get(user, user) for user in users}

    async def usergroup_members(self, group: str) -> tuple[str, list[str]]:
        """The ID and members of a user group given by handle (looked up once) or ID."""
        if not re.match(r"^S[A-Z0-9]{2,}$", group):
            if group not in self._usergroup_ids:
                data = await self.call("usergroups.list")
                for found in data.get("usergroups", []):
                    self._usergroup_ids[found["handle"]] = found["id"]
            if group not in self._usergroup_ids:
                raise SlackRefusal("usergroups.list", "no_such_subteam")
            group = self._usergroup_ids[group]
        data = await self.call("usergroups.users.list", usergroup=group)
        return group, list(data.get("users", []))

    async def members(self, channel: str) -> set[str]:
        """Everyone in a channel (paginated)."""
        found: set[str] = set()
        async for page in self.pages(
            "conversations.members", "members", channel=channel, limit=1000
        ):
            found.update(page)
        return found

    def _channel_pages(self) -> AsyncIterator[list[Any]]:
        """The workspace's channels the bot can see (public, and private it is in), by page."""
        return self.pages(
            "conversations.list",
            "channels",
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=1000,
        )

    async def channel_named(self, name: str) -> dict[str, Any] | None:
        """The channel (public, or private with the bot in it) called `name`, if there is one."""
        async for page in self._channel_pages():
            for found in page:
                if found.get("name") == name:
                    return dict(found)
        return None

    async def resolve_channel(self, channel: str) -> str:
        """Turn `#name` into a channel ID (looked up once, then remembered); IDs pass through."""
        if not channel.startswith("#"):
            return channel
        name = channel[1:]
        if name not in self._channel_ids:
            async for page in self._channel_pages():
                self._channel_ids.update({found["name"]: found["id"] for found in page})
                if name in self._channel_ids:
                    break  # no need to read the rest of the workspace
        if name not in self._channel_ids:
            raise SlackRefusal("conversations.list", "channel_not_found")
        return self._channel_ids[name]
