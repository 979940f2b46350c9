"""views.* methods: modals (open, update, push) and the Home tab (publish)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from emulator.api.registry import ApiError, Call, method
from emulator.blocks import check_view, with_ids
from emulator.state import APP_ID, BOT_ID, TEAM_ID, View

PUSH_LIMIT = 3
VIEW_SIZE_LIMIT = 250_000


def new_hash() -> str:
    """Return a fresh view hash."""
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def view_json(view: View) -> dict[str, Any]:
    """Return a view object as Slack echoes it (and sends it in view payloads)."""
    body = dict(view.view)
    body.update(
        id=view.id,
        team_id=TEAM_ID,
        type=view.type,
        private_metadata=body.get("private_metadata", ""),
        callback_id=body.get("callback_id", ""),
        state={"values": view.state_values},
        hash=view.hash,
        clear_on_close=bool(body.get("clear_on_close", False)),
        notify_on_close=bool(body.get("notify_on_close", False)),
        root_view_id=view.root_view_id,
        previous_view_id=view.previous_view_id,
        app_id=APP_ID,
        external_id=view.external_id or "",
        app_installed_team_id=TEAM_ID,
        bot_id=BOT_ID,
    )
    return body


def _view_arg(call: Call, kind: str | None = None) -> dict[str, Any]:
    raw = call.args.get("view")
    view = call.decoded("view")
    if not isinstance(view, dict):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] invalid view"]}
        )
    if len(str(raw)) > VIEW_SIZE_LIMIT:
        raise ApiError("view_too_large")
    problems = check_view(view)
    if kind and view.get("type") != kind:
        problems.append(f"[ERROR] must be '{kind}' [json-pointer:/view/type]")
    if problems:
        raise ApiError("invalid_arguments", response_metadata={"messages": problems})
    external_id = view.get("external_id")
    if external_id and any(
        v.external_id == external_id and not v.closed for v in call.emu.views.values()
    ):
        raise ApiError("duplicate_external_id")
    return {**view, "blocks": with_ids(view.get("blocks"))}


def _use_trigger(call: Call) -> tuple[str, str, str | None]:
    """Consume the trigger_id argument; return it with its user and originating view."""
    trigger_id = call.text("trigger_id") or call.text("interactivity_pointer") or ""
    trigger = call.emu.triggers.get(trigger_id)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if time.monotonic() - trigger.issued_at > call.emu.trigger_ttl:
        raise ApiError("expired_trigger_id")
    trigger.used = True
    return trigger_id, trigger.user, trigger.view_id


def _store(call: Call, view_dict: dict[str, Any], user: str, trigger_id: str | None) -> View:
    view = View(
        call.emu.workspace.ids.new("V"),
        user,
        view_dict["type"],
        view_dict,
        trigger_id,
        new_hash(),
        external_id=view_dict.get("external_id"),
    )
    view.root_view_id = view.id
    call.emu.views[view.id] = view
    return view


@method("views.open")
async def views_open(call: Call) -> dict[str, Any]:
    """Open a modal for the user whose interaction issued the trigger_id."""
    view_dict = _view_arg(call, "modal")
    trigger_id, user, _ = _use_trigger(call)
    view = _store(call, view_dict, user, trigger_id)
    return {"view": view_json(view)}


@method("views.push")
async def views_push(call: Call) -> dict[str, Any]:
    """Push a modal onto the stack of the modal the trigger came from."""
    view_dict = _view_arg(call, "modal")
    trigger_id, user, origin = _use_trigger(call)
    root = call.emu.views.get(origin or "")
    if root is None or root.closed:
        raise ApiError("not_found")
    root = call.emu.views[root.root_view_id]
    if len(root.stack) + 1 >= PUSH_LIMIT:
        raise ApiError("push_limit_reached")
    view = _store(call, view_dict, user, trigger_id)
    view.root_view_id = root.id
    view.previous_view_id = root.stack[-1] if root.stack else root.id
    root.stack.append(view.id)
    return {"view": view_json(view)}


@method("views.update")
async def views_update(call: Call) -> dict[str, Any]:
    """Replace an open view, checking the hash when one is given."""
    view_id, external_id = call.text("view_id"), call.text("external_id")
    view = call.emu.views.get(view_id or "")
    if view is None and external_id:
        view = next((v for v in call.emu.views.values() if v.external_id == external_id), None)
    if view is None or view.closed:
        raise ApiError("not_found")
    hash_ = call.text("hash")
    if hash_ and hash_ != view.hash:
        raise ApiError("hash_conflict")
    view_dict = call.decoded("view")
    if isinstance(view_dict, dict) and view_dict.get("external_id") == view.external_id:
        view_dict = {k: v for k, v in view_dict.items() if k != "external_id"}
        call.args["view"] = view_dict
    view_dict = _view_arg(call, view.type)
    view.view = view_dict
    view.external_id = view_dict.get("external_id", view.external_id)
    view.hash = new_hash()
    return {"view": view_json(view)}


@method("views.publish")
async def views_publish(call: Call) -> dict[str, Any]:
    """Publish a user's Home tab."""
    user = call.text("user_id") or ""
    if user not in call.emu.users:
        raise ApiError("invalid_arguments")
    view_dict = _view_arg(call, "home")
    home = next((v for v in call.emu.views.values() if v.type == "home" and v.user == user), None)
    hash_ = call.text("hash")
    if home is not None and hash_ and hash_ != home.hash:
        raise ApiError("hash_conflict")
    if home is None:
        home = _store(call, view_dict, user, None)
    home.view, home.hash = view_dict, new_hash()
    return {"view": view_json(home)}
