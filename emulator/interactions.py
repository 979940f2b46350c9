"""Build the payloads Slack sends to apps: slash commands, block actions, view submissions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from emulator.state import APP_ID, TEAM_DOMAIN, TEAM_ID, Channel, User

VERIFICATION_TOKEN = "emulator-verification-token"


def user_ref(user: User) -> dict[str, Any]:
    """Return the user object interaction payloads carry."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": TEAM_ID}


def team_ref() -> dict[str, Any]:
    """Return the team object interaction payloads carry."""
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def slash_form(
    command: str, text: str, user: User, chan: Channel, response_url: str, trigger_id: str
) -> dict[str, str]:
    """Return the form fields of a slash command request."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": chan.id,
        "channel_name": "directmessage" if chan.is_im else chan.name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def walk_elements(blocks: list[dict[str, Any]] | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (block_id, element) for every interactive element in blocks."""
    for block in blocks or []:
        block_id = str(block.get("block_id", ""))
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        for el in elements:
            if isinstance(el, dict) and el.get("action_id"):
                yield block_id, el


def option_for(el: dict[str, Any], value: str) -> dict[str, Any]:
    """Return the option of a select/radio/overflow element with that value."""
    groups = el.get("option_groups") or []
    options = list(el.get("options") or []) + [o for g in groups for o in g.get("options", [])]
    for opt in options:
        if opt.get("value") == value:
            return dict(opt)
    raise ValueError(f"element {el.get('action_id')!r} has no option with value {value!r}")


def action_json(block_id: str, el: dict[str, Any], value: Any) -> dict[str, Any]:
    """Return one entry of a block_actions payload's actions list."""
    kind = el["type"]
    action: dict[str, Any] = {
        "type": kind,
        "block_id": block_id,
        "action_id": el["action_id"],
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        action["text"] = el.get("text")
        if value is not None or "value" in el:
            action["value"] = value if value is not None else el["value"]
        if "style" in el:
            action["style"] = el["style"]
    else:
        action.update(element_state(el, value))
    return action


def element_state(el: dict[str, Any], value: Any) -> dict[str, Any]:
    """Return the state entry of an input element given a plain value (or a full entry)."""
    kind = el.get("type", "")
    if isinstance(value, dict):
        return {"type": kind, **value}
    if kind in ("static_select", "radio_buttons", "overflow", "external_select"):
        return {"type": kind, "selected_option": option_for(el, str(value)) if value else None}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": [option_for(el, str(v)) for v in value or []]}
    simple = {
        "users_select": "selected_user",
        "conversations_select": "selected_conversation",
        "channels_select": "selected_channel",
        "datepicker": "selected_date",
        "timepicker": "selected_time",
        "datetimepicker": "selected_date_time",
        "multi_users_select": "selected_users",
        "multi_conversations_select": "selected_conversations",
        "multi_channels_select": "selected_channels",
        "email_text_input": "value",
        "number_input": "value",
        "url_text_input": "value",
    }
    return {"type": kind, simple.get(kind, "value"): value}


def view_state(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Build state.values for a view submission, checking ids against the view's inputs."""
    inputs = {
        (block_id, el["action_id"]): el
        for block_id, el in walk_elements(view.get("blocks"))
        if any(b.get("block_id") == block_id and b.get("type") == "input" for b in view["blocks"])
    }
    state: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        for action_id, value in actions.items():
            el = inputs.get((block_id, action_id))
            if el is None:
                raise ValueError(f"the view has no input {block_id}/{action_id}")
            state.setdefault(block_id, {})[action_id] = element_state(el, value)
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and not block.get("optional"):
            action_id = (block.get("element") or {}).get("action_id")
            if action_id and action_id not in state.get(block.get("block_id", ""), {}):
                raise ValueError(
                    f"required input {block.get('block_id')}/{action_id} has no value: "
                    "Slack would not let the user submit"
                )
    return state
