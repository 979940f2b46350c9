"""Socket Mode: the WebSocket Slack opens to the app, envelopes and their acks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from emulator.state import APP_ID

if TYPE_CHECKING:
    from emulator.base import EmulatorBase


class AckResult:
    """The app's ack of an envelope, shaped like the parts of httpx.Response tests use."""

    def __init__(self, status_code: int, payload: Any = None) -> None:
        self.status_code = status_code
        self.payload = payload

    @property
    def text(self) -> str:
        """Return the ack payload as JSON text ("" when the ack carried none)."""
        return "" if self.payload is None else json.dumps(self.payload)

    @property
    def content(self) -> bytes:
        """Return the ack payload as bytes."""
        return self.text.encode()

    def json(self) -> Any:
        """Return the ack payload (json.JSONDecodeError when it carried none, like httpx)."""
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<AckResult {self.status_code} {self.text[:80]!r}>"


class SocketHub:
    """Serve Socket Mode connections and deliver envelopes over the newest one."""

    def __init__(self, emu: EmulatorBase) -> None:
        self.emu = emu
        self.tickets: set[str] = set()
        self.clients: list[WebSocket] = []
        self.pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.connected_event = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Tell whether a Socket Mode client is connected."""
        return bool(self.clients)

    def issue_url(self) -> str:
        """Return a single-use WebSocket URL, as apps.connections.open does."""
        ticket = secrets.token_hex(16)
        self.tickets.add(ticket)
        return f"ws://127.0.0.1:{self.emu.port}/socket-mode?ticket={ticket}&app_id={APP_ID}"

    async def serve(self, ws: WebSocket) -> None:
        """Run one connection: hello, then route acks to the envelopes waiting for them."""
        ticket = ws.query_params.get("ticket", "")
        if ticket not in self.tickets:
            self.emu.violation("socket mode: connection with an unknown or used ticket")
            await ws.close(code=1008)
            return
        self.tickets.discard(ticket)
        await ws.accept()
        self.clients.append(ws)
        self.connected_event.set()
        hello = {
            "type": "hello",
            "num_connections": len(self.clients),
            "debug_info": {"host": "applink-emulator", "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        try:
            await ws.send_text(json.dumps(hello))
            while True:
                self._on_message(await ws.receive_text())
        except WebSocketDisconnect:
            pass
        finally:
            self.clients.remove(ws)
            if not self.clients:
                self.connected_event.clear()

    def _on_message(self, raw: str) -> None:
        try:
            data = json.loads(raw)
        except ValueError:
            self.emu.violation(f"socket mode: non-JSON message {raw[:80]!r}")
            return
        future = self.pending.pop(str(data.get("envelope_id")), None)
        if future is None:
            self.emu.violation(f"socket mode: ack for an unknown envelope {raw[:80]!r}")
        elif not future.done():
            future.set_result(data)

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        extra: dict[str, Any] | None = None,
    ) -> AckResult:
        """Send an envelope and wait up to emu.ack_timeout (3 s, like Slack) for its ack."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **(extra or {}),
        }
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[envelope_id] = future
        await self.clients[-1].send_text(json.dumps(envelope))
        try:
            ack = await asyncio.wait_for(future, self.emu.ack_timeout)
        except TimeoutError:
            self.pending.pop(envelope_id, None)
            self.emu.violation(f"socket mode: {kind} envelope not acknowledged within 3 s")
            return AckResult(504)
        return AckResult(200, ack.get("payload"))

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask connected clients to reconnect, as Slack does periodically."""
        for ws in list(self.clients):
            message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "emu"}}
            with contextlib.suppress(Exception):
                await ws.send_text(json.dumps(message))

    async def close_all(self) -> None:
        """Close every connection."""
        for ws in list(self.clients):
            with contextlib.suppress(Exception):
                await ws.close(code=1001)
