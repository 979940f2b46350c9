"""A local Slack: Web API over HTTP, signed requests and Socket Mode, for end-to-end tests."""

from emulator.core import SlackEmulator
from emulator.socket_mode import AckResult
from emulator.state import ApiCall, Channel, Ephemeral, Message, User, View

__all__ = [
    "AckResult",
    "ApiCall",
    "Channel",
    "Ephemeral",
    "Message",
    "SlackEmulator",
    "User",
    "View",
]
