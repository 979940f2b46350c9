"""Bolt listeners: adapters that ack, parse, call one service, render and send."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    action_items,
    announcement,
    card,
    declare_modal,
    errors,
    events,
    incident_command,
    near_miss,
    postmortem,
    recurrence,
    runbooks,
    timeline_events,
)


def register(app: AsyncApp) -> None:
    """Attach every listener to the app."""
    modules = (
        incident_command,
        declare_modal,
        card,
        postmortem,
        action_items,
        announcement,
        events,
        timeline_events,
        runbooks,
        recurrence,
        near_miss,
    )
    for module in (*modules, errors):
        module.register(app)
