"""Drive interactive surfaces: button clicks and modal submissions, and apply their acks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from emulator.api.shapes import message_json
from emulator.api.views import new_hash, view_json
from emulator.blocks import check_view, with_ids
from emulator.driver import Driver
from emulator.interactions import (
    VERIFICATION_TOKEN,
    action_json,
    element_state,
    team_ref,
    user_ref,
    view_state,
    walk_elements,
)
from emulator.state import APP_ID, Ephemeral, View

if TYPE_CHECKING:
    from emulator.redelivery import Delivery


def _find_element(
    blocks: list[dict[str, Any]] | None, action_id: str, block_id: str | None = None
) -> tuple[str, dict[str, Any]]:
    for found, el in walk_elements(blocks):
        if el.get("action_id") == action_id and block_id in (None, found):
            return found, el
    where = f" in block {block_id!r}" if block_id else ""
    raise ValueError(f"no element with action_id {action_id!r}{where}")


class UiDriver(Driver):
    """Clicks and modal submissions."""

    def _base_payload(self, kind: str, user: str) -> dict[str, Any]:
        return {
            "type": kind,
            "team": team_ref(),
            "user": user_ref(self._user(user)),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    async def click_button(
        self,
        channel: str,
        message_ts: str,
        action_id: str,
        user: str = "U0ALICE",
        value: Any = None,
        block_id: str | None = None,
    ) -> Delivery:
        """Click a button (or pick a value in a select) of a channel message; `block_id`
        picks one of several elements with the same action ID."""
        msg = self.find_message(channel, message_ts)
        if msg is None:
            raise ValueError(f"no message {message_ts} in {channel}")
        block_id, el = _find_element(msg.blocks, action_id, block_id)
        chan = self.channels[channel]
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": msg.ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        if msg.thread_ts:
            container["thread_ts"] = msg.thread_ts
        payload = self._base_payload("block_actions", user)
        payload.update(
            container=container,
            trigger_id=self.issue_trigger(user),
            channel={"id": channel, "name": "directmessage" if chan.is_im else chan.name},
            message=message_json(msg),
            state={"values": {}},
            response_url=self.issue_response_url(channel, user, msg.ts),
            actions=[action_json(block_id, el, value)],
        )
        return await self.deliver("interactive", payload)

    async def click_ephemeral(
        self, ephemeral: Ephemeral, action_id: str, value: Any = None
    ) -> Delivery:
        """Click a button of a message only one person sees (as that person)."""
        block_id, el = _find_element(ephemeral.blocks, action_id)
        chan = self.channels[ephemeral.channel]
        ts = self.workspace.ids.ts()
        payload = self._base_payload("block_actions", ephemeral.user)
        payload.update(
            container={
                "type": "message",
                "message_ts": ts,
                "channel_id": chan.id,
                "is_ephemeral": True,
            },
            trigger_id=self.issue_trigger(ephemeral.user),
            channel={"id": chan.id, "name": "directmessage" if chan.is_im else chan.name},
            state={"values": {}},
            response_url=self.issue_response_url(chan.id, ephemeral.user, None),
            actions=[action_json(block_id, el, value)],
        )
        return await self.deliver("interactive", payload)

    async def view_action(
        self,
        view_id: str,
        action_id: str,
        user: str | None = None,
        value: Any = None,
    ) -> Delivery:
        """Click a button or change an element inside an open view."""
        view = self._open_view(view_id)
        block_id, el = _find_element(view.view.get("blocks"), action_id)
        if el.get("type") != "button":
            view.state_values.setdefault(block_id, {})[action_id] = element_state(el, value)
        who = user or view.user
        payload = self._base_payload("block_actions", who)
        payload.update(
            container={"type": "view", "view_id": view.id},
            trigger_id=self.issue_trigger(who, view.id),
            view=view_json(view),
            actions=[action_json(block_id, el, value)],
        )
        return await self.deliver("interactive", payload)

    def _open_view(self, view_id: str) -> View:
        view = self.views.get(view_id)
        if view is None or view.closed:
            raise ValueError(f"no open view {view_id}")
        return view

    async def submit_view(
        self,
        view_id: str,
        values: dict[str, dict[str, Any]] | None = None,
        user: str | None = None,
    ) -> Delivery:
        """Submit a modal; values map block_id → action_id → state entry or plain value."""
        view = self._open_view(view_id)
        who = user or view.user
        view.state_values = view_state(view.view, values or {})
        payload = self._base_payload("view_submission", who)
        payload.update(
            trigger_id=self.issue_trigger(who, view.id),
            view=view_json(view),
            response_urls=self._view_response_urls(view, who),
        )
        resp = await self.deliver("interactive", payload, accepts_response_payload=True)
        if resp.status_code == 200:
            self._apply_view_ack(view, resp.text)
        return resp

    async def close_view(
        self, view_id: str, user: str | None = None, *, clear: bool = False
    ) -> Delivery | None:
        """Close a modal as its user would; send view_closed when the view asked for it."""
        view = self._open_view(view_id)
        self._close_view(view, clear=clear)
        if not view.view.get("notify_on_close"):
            return None
        payload = self._base_payload("view_closed", user or view.user)
        payload.update(view=view_json(view), is_cleared=clear)
        return await self.deliver("interactive", payload)

    def _view_response_urls(self, view: View, user: str) -> list[dict[str, Any]]:
        urls = []
        for block_id, el in walk_elements(view.view.get("blocks")):
            if not el.get("response_url_enabled"):
                continue
            state = view.state_values.get(block_id, {}).get(el["action_id"], {})
            channel = state.get("selected_conversation") or state.get("selected_channel")
            if channel:
                url = self.issue_response_url(channel, user)
                urls.append(
                    {
                        "block_id": block_id,
                        "action_id": el["action_id"],
                        "channel_id": channel,
                        "response_url": url,
                    }
                )
        return urls

    def _close_view(self, view: View, *, clear: bool = False) -> None:
        root = self.views.get(view.root_view_id, view)
        targets = [root, *(self.views[v] for v in root.stack)] if clear else [view]
        for target in targets:
            target.closed = True
            if target.id in root.stack:
                root.stack.remove(target.id)

    def _apply_view_ack(self, view: View, text: str) -> None:
        try:
            body = json.loads(text) if text.strip() else {}
        except ValueError:
            self.violation(f"view_submission ack body is not JSON: {text[:80]!r}")
            return
        action = body.get("response_action") if isinstance(body, dict) else None
        if action is None:
            self._close_view(view)
        elif action == "clear":
            self._close_view(view, clear=True)
        elif action == "errors":
            inputs = {
                b.get("block_id") for b in view.view.get("blocks", []) if b.get("type") == "input"
            }
            unknown = set(body.get("errors", {})) - inputs
            if unknown:
                self.violation(f"view_submission errors name non-input blocks {sorted(unknown)}")
            view.errors = dict(body.get("errors", {}))
        elif action in ("update", "push"):
            new = body.get("view")
            problems = check_view(new)
            if problems or not isinstance(new, dict):
                self.violation(f"view_submission {action}: invalid view {problems}")
                return
            new = {**new, "blocks": with_ids(new.get("blocks"))}
            if action == "update":
                view.view, view.hash, view.errors = new, new_hash(), {}
            else:
                self._push(view, new)
        else:
            self.violation(f"view_submission: unknown response_action {action!r}")

    def _push(self, view: View, new: dict[str, Any]) -> None:
        root = self.views.get(view.root_view_id, view)
        pushed = View(self.workspace.ids.new("V"), view.user, "modal", new, None, new_hash())
        pushed.root_view_id, pushed.previous_view_id = root.id, view.id
        root.stack.append(pushed.id)
        self.views[pushed.id] = pushed
