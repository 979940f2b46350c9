"""What people do in Slack: post, react, pin, join; each delivers the matching event."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from emulator.api.conversations import add_member
from emulator.api.shapes import message_json
from emulator.driver import Driver
from emulator.mentions import rich_text_from
from emulator.state import BOT_USER_ID, TEAM_ID, Channel, Message

if TYPE_CHECKING:
    pass


def channel_type(chan: Channel) -> str:
    """Return the channel_type field of message events."""
    return "im" if chan.is_im else "group" if chan.is_private else "channel"


class UserActions(Driver):
    """Human actions that change the workspace and deliver events."""

    def _member_chan(self, channel: str, user: str) -> Channel:
        chan = self._chan(channel)
        self._user(user)
        if user not in chan.members:
            raise ValueError(f"{user} is not a member of {chan.id}; Slack would not let them act")
        return chan

    def _message(self, channel: str, ts: str) -> Message:
        msg = self.find_message(channel, ts)
        if msg is None:
            raise ValueError(f"no message {ts} in {channel}")
        return msg

    async def user_posts(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """Post a message as a person; deliver message (and app_mention) events."""
        chan = self._member_chan(channel, user)
        if chan.is_archived:
            raise ValueError(f"{chan.id} is archived")
        msg = self.store_message(chan, user, text, rich_text_from(text), thread_ts, from_app=False)
        event: dict[str, Any] = {
            "type": "message",
            "channel": chan.id,
            "user": user,
            "text": text,
            "blocks": msg.blocks,
            "ts": msg.ts,
            "event_ts": msg.ts,
            "channel_type": channel_type(chan),
            "team": TEAM_ID,
            "client_msg_id": str(uuid.uuid4()),
        }
        if msg.thread_ts:
            event["thread_ts"] = msg.thread_ts
            event["parent_user_id"] = self._message(chan.id, msg.thread_ts).user
        await self.deliver_event(event, chan)
        if BOT_USER_ID in self.mentions(chan.id, msg.ts):
            mention = {k: v for k, v in event.items() if k != "channel_type"}
            await self.deliver_event({**mention, "type": "app_mention"}, chan)
        return msg

    def _reaction_event(self, kind: str, msg: Message, user: str, name: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": user,
            "reaction": name,
            "item_user": msg.user,
            "item": {"type": "message", "channel": msg.channel, "ts": msg.ts},
            "event_ts": f"{time.time():.6f}",
        }

    async def user_reacts(self, channel: str, ts: str, user: str, name: str) -> None:
        """Add a person's reaction; deliver reaction_added."""
        chan = self._member_chan(channel, user)
        msg = self._message(chan.id, ts)
        users = msg.reactions.setdefault(name.strip(":"), [])
        if user not in users:
            users.append(user)
        await self.deliver_event(self._reaction_event("reaction_added", msg, user, name), chan)

    async def user_unreacts(self, channel: str, ts: str, user: str, name: str) -> None:
        """Remove a person's reaction; deliver reaction_removed."""
        chan = self._member_chan(channel, user)
        msg = self._message(chan.id, ts)
        users = msg.reactions.get(name.strip(":"), [])
        if user not in users:
            raise ValueError(f"{user} has no {name} reaction on {ts}")
        users.remove(user)
        if not users:
            del msg.reactions[name.strip(":")]
        await self.deliver_event(self._reaction_event("reaction_removed", msg, user, name), chan)

    async def user_pins(self, channel: str, ts: str, user: str) -> None:
        """Pin a message as a person; deliver pin_added."""
        chan = self._member_chan(channel, user)
        msg = self._message(chan.id, ts)
        if ts not in chan.pins:
            chan.pins.append(ts)
            self.pin_times[(chan.id, ts)] = int(time.time())
            self.pinned_by[(chan.id, ts)] = user
        event = {
            "type": "pin_added",
            "user": user,
            "channel_id": chan.id,
            "item": {
                "type": "message",
                "channel": chan.id,
                "message": message_json(msg),
                "created": int(time.time()),
                "created_by": user,
            },
            "event_ts": f"{time.time():.6f}",
        }
        await self.deliver_event(event, chan)

    async def user_edits(self, channel: str, ts: str, user: str, text: str) -> None:
        """Edit a person's own message; deliver message_changed."""
        chan = self._member_chan(channel, user)
        msg = self._message(chan.id, ts)
        if msg.user != user:
            raise ValueError(f"{user} cannot edit {ts}: not their message")
        previous = message_json(msg)
        msg.text, msg.blocks, msg.edited = text, rich_text_from(text), True
        now = self.workspace.ids.ts()
        changed = {**message_json(msg), "edited": {"user": user, "ts": now}}
        event: dict[str, Any] = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": chan.id,
            "ts": now,
            "message": changed,
            "previous_message": previous,
            "event_ts": now,
            "channel_type": channel_type(chan),
        }
        await self.deliver_event(event, chan)

    async def user_deletes(self, channel: str, ts: str, user: str) -> None:
        """Delete a person's own message; deliver message_deleted."""
        chan = self._member_chan(channel, user)
        msg = self._message(chan.id, ts)
        if msg.user != user:
            raise ValueError(f"{user} cannot delete {ts}: not their message")
        if msg.thread_ts and msg.thread_ts != msg.ts:
            self._message(chan.id, msg.thread_ts).replies.remove(msg)
        else:
            chan.messages.remove(msg)
        if ts in chan.pins:
            chan.pins.remove(ts)
        now = self.workspace.ids.ts()
        event: dict[str, Any] = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": chan.id,
            "ts": now,
            "deleted_ts": ts,
            "previous_message": message_json(msg),
            "event_ts": now,
            "channel_type": channel_type(chan),
        }
        await self.deliver_event(event, chan)

    async def user_joins(self, channel: str, user: str) -> None:
        """Make a person join a channel; deliver member_joined_channel."""
        chan = self._chan(channel)
        self._user(user)
        if user in chan.members:
            raise ValueError(f"{user} is already in {chan.id}")
        if chan.is_private:
            raise ValueError(f"{chan.id} is private: someone must invite {user}")
        await self.deliver_event(add_member(self, chan, user), chan)

    async def user_opens_home(self, user: str) -> None:
        """Open the app's Home tab as a person; deliver app_home_opened."""
        self._user(user)
        home = next((v for v in self.views.values() if v.type == "home" and v.user == user), None)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": "D0HOME",
            "tab": "home",
        }
        if home is not None:
            from emulator.api.views import view_json

            event["view"] = view_json(home)
        if self._can_deliver():
            await self.send_event(event)
