"""Answer one Web API call: auth, faults, latency, contract checks, then the method."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator import reference
from emulator.api import METHODS, ApiError, Call
from emulator.state import ApiCall

if TYPE_CHECKING:
    from emulator.core import SlackEmulator

# Which documented error Slack answers when a required argument is absent, by argument.
_MISSING_ARG_ERRORS = {
    "channel": "channel_not_found",
    "name": "invalid_name_required",
    "users": "no_user",
    "user": "user_not_found",
    "ts": "message_not_found",
    "timestamp": "no_item_specified",
    "trigger_id": "invalid_trigger_id",
}

Answer = tuple[int, dict[str, Any], dict[str, str]]


@dataclass
class Incoming:
    """A Web API request as read off the wire."""

    args: dict[str, Any]
    token: str | None = None
    json_args: dict[str, Any] | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _missing_arg_error(method: str, arg: str) -> str:
    specific = _MISSING_ARG_ERRORS.get(arg)
    documented = reference.documented_errors(method)
    if specific in documented:
        return specific
    return "missing_argument" if "missing_argument" in documented else "invalid_arguments"


def _auth_error(emu: SlackEmulator, method: str, token: str | None) -> str | None:
    if not token:
        return "not_authed"
    if method == "apps.connections.open":
        if token == emu.app_token:
            return None
        return "not_allowed_token_type" if token == emu.bot_token else "invalid_auth"
    if token == emu.app_token:
        return "not_allowed_token_type"
    return None if token == emu.bot_token else "invalid_auth"


async def _answer(
    emu: SlackEmulator, method: str, args: dict[str, Any], token: str | None
) -> Answer:
    if reference.spec(method) is None:
        emu.violation(f"{method}: unknown Web API method")
        return 200, {"ok": False, "error": "unknown_method"}, {}
    fault = emu.faults.take(method)
    if fault is not None:
        return fault.answer(method)
    auth_error = _auth_error(emu, method, token)
    if auth_error:
        return 200, {"ok": False, "error": auth_error}, {}
    if emu.enforce_rate_limits:
        wait = emu.rate_limiter.retry_after(method, args.get("channel"))
        if wait is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
    for arg in reference.required_args(method):
        if arg != "token" and args.get(arg) in (None, ""):
            emu.violation(f"{method}: missing required argument {arg!r}")
            return 200, {"ok": False, "error": _missing_arg_error(method, arg)}, {}
    scopes = reference.bot_scopes(method)
    if emu.bot_scopes is not None and scopes and not emu.bot_scopes & set(scopes):
        body = {"ok": False, "error": "missing_scope", "needed": scopes[0]}
        return 200, {**body, "provided": ",".join(sorted(emu.bot_scopes))}, {}
    handler = METHODS.get(method)
    if handler is None:
        emu.violation(f"{method}: not implemented by the emulator")
        return 200, {"ok": False, "error": "not_implemented"}, {}
    try:
        result = await handler(Call(emu, method, args))
    except ApiError as exc:
        if not reference.allows_error(method, exc.error):
            emu.violation(f"emulator bug: {method} answered undocumented error {exc.error!r}")
            return 500, {"ok": False, "error": "internal_error"}, {}
        return 200, {"ok": False, "error": exc.error, **exc.extra}, {}
    except Exception:
        emu.violation(f"emulator bug: {method} crashed:\n{traceback.format_exc()}")
        return 500, {"ok": False, "error": "internal_error"}, {}
    return 200, {"ok": True, **result}, {}


def _merge_args(emu: SlackEmulator, method: str, incoming: Incoming) -> dict[str, Any]:
    args = dict(incoming.args)
    if incoming.json_args:
        entry = reference.spec(method)
        if entry is None or entry.get("json_input_supported") is True:
            args.update(incoming.json_args)
        else:
            emu.violation(f"{method}: does not accept JSON bodies (Slack ignores them)")
    return args


_JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files", "document_content")


def _readable(args: dict[str, Any]) -> dict[str, Any]:
    """Return the arguments with JSON-string fields decoded, whatever the body encoding."""
    out = dict(args)
    for key in _JSON_ARGS:
        if isinstance(out.get(key), str):
            with contextlib.suppress(ValueError):
                out[key] = json.loads(out[key])
    return out


async def handle_call(emu: SlackEmulator, method: str, incoming: Incoming) -> Answer:
    """Answer a Web API call and record it in emu.calls."""
    delay = emu.faults.latency.get(method)
    if delay:
        await asyncio.sleep(delay)
    args = _merge_args(emu, method, incoming)
    held = emu.faults.take_hold(method, _readable(args), done=False)
    if held is not None:
        await held.wait(_readable(args))
    answer: Answer
    if incoming.error and reference.spec(method) is not None:
        answer = 200, {"ok": False, "error": incoming.error}, {}
    else:
        answer = await _answer(emu, method, args, incoming.token)
    held = emu.faults.take_hold(method, _readable(args), done=True)
    if held is not None:
        await held.wait(_readable(args))
    status, body, headers = answer
    if incoming.warnings and body.get("ok"):
        body["warning"] = ",".join(incoming.warnings)
        metadata: dict[str, Any] = body.setdefault("response_metadata", {})
        metadata["warnings"] = [*metadata.get("warnings", []), *incoming.warnings]
    emu.calls.append(ApiCall(method, _readable(args), status, body, time.monotonic()))
    return status, body, headers
