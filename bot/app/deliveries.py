"""What a POST to /slack/events is, read once at the edge: an event, a slash command or an
interaction; the key the inbox keeps it under; whether it is acknowledged at once and done
after; and what the log lines it leads to should say of it (its type and IDs, never what was
typed)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

# Interactions whose answer goes in the acknowledgement: a form's errors, a menu's options.
ANSWERED_IN_ACK = frozenset({"view_submission", "block_suggestion"})


@dataclass(frozen=True)
class Delivery:
    """One Slack request, as far as the edge needs to know it."""

    kind: str  # event, command, interaction, or other (url_verification, ssl_check, junk)
    key: str | None = None  # unique per delivery: the event_id, or "trigger:<trigger_id>"
    type: str = ""  # the event's type, the command, or the interaction's type
    # Acked empty at once and processed from the inbox; otherwise Bolt answers in the ack.
    deferred: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    # Where it was typed or clicked (a channel): what someone does in one place is done in order.
    place: str = ""


def read_delivery(content_type: str, body: bytes) -> Delivery:
    """Read a request's kind, key and IDs (nothing when it is not a Slack request we know)."""
    try:
        if "json" in content_type:
            return _event(json.loads(body))
        form = parse_qs(body.decode("utf-8", "replace"))
        if "command" in form:
            return _command(form)
        if "payload" in form:
            return _interaction(json.loads(form["payload"][0]))
    except (ValueError, KeyError, IndexError):  # not JSON, not a form: Bolt refuses it
        pass
    return Delivery("other")


def _event(envelope: object) -> Delivery:
    if not isinstance(envelope, dict) or envelope.get("type") != "event_callback":
        return Delivery("other")
    event = envelope.get("event")
    kind = str((event if isinstance(event, dict) else {}).get("type", ""))[:64]
    event_id = str(envelope.get("event_id") or "")[:64]
    fields = {"request": "event", "event_id": event_id, "event_type": kind}
    return Delivery("event", event_id or None, kind, deferred=bool(event_id), fields=fields)


def _command(form: dict[str, list[str]]) -> Delivery:
    command = form["command"][0][:64]
    trigger = form.get("trigger_id", [""])[0][:128]
    fields = {"request": "command", "command": command, "trigger_id": trigger}
    key = f"trigger:{trigger}"[:64] if trigger else None
    place = form.get("channel_id", [""])[0][:32]
    return Delivery("command", key, command, deferred=key is not None, fields=fields, place=place)


def _interaction(payload: object) -> Delivery:
    if not isinstance(payload, dict):
        return Delivery("other")
    kind = str(payload.get("type", ""))[:64]
    trigger = str(payload.get("trigger_id") or "")[:128]
    fields = {"request": "interaction", "interaction": kind, "trigger_id": trigger}
    key = f"trigger:{trigger}"[:64] if trigger else None
    deferred = key is not None and kind not in ANSWERED_IN_ACK
    channel = payload.get("channel") if isinstance(payload.get("channel"), dict) else {}
    user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
    place = str((channel or {}).get("id") or (user or {}).get("id") or "")[:32]
    return Delivery("interaction", key, kind, deferred=deferred, fields=fields, place=place)
