"""Bolt listeners: adapters that ack, parse, call one service, render and send."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import announcement, card, declare_modal, errors, events, incident_command


def register(app: AsyncApp) -> None:
    """Attach every listener to the app."""
    for module in (incident_command, declare_modal, card, announcement, events, errors):
        module.register(app)
