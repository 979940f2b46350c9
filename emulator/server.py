"""The Starlette app: Web API routes, response URLs, file uploads and Socket Mode."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from emulator.responses import apply_response
from emulator.webapi import Incoming, handle_call

if TYPE_CHECKING:
    from emulator.core import SlackEmulator


async def _read_request(request: Request) -> Incoming:
    """Split a Web API request into query/form arguments, JSON arguments and the token."""
    incoming = Incoming(dict(request.query_params))
    ctype = request.headers.get("content-type", "")
    if request.method == "POST" and ctype.startswith("application/json"):
        if "charset" not in ctype:
            incoming.warnings.append("missing_charset")
        body = await request.body()
        try:
            decoded = json.loads(body) if body.strip() else {}
        except ValueError:
            incoming.error = "invalid_json"
        else:
            if isinstance(decoded, dict):
                incoming.json_args = decoded
            else:
                incoming.error = "json_not_object"
    elif request.method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
        body_text = (await request.body()).decode("utf-8")
        incoming.args.update(parse_qsl(body_text, keep_blank_values=True))
    incoming.token = incoming.args.pop("token", None)
    if incoming.json_args is not None:
        incoming.json_args.pop("token", None)  # Slack reads tokens from headers for JSON bodies
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        incoming.token = auth[7:].strip()
    return incoming


def build_app(emu: SlackEmulator) -> Starlette:
    """Build the ASGI app serving one emulator."""

    async def api(request: Request) -> Response:
        """Answer a Web API call."""
        incoming = await _read_request(request)
        status, body, headers = await handle_call(emu, request.path_params["method"], incoming)
        return JSONResponse(body, status_code=status, headers=headers)

    async def response_url(request: Request) -> Response:
        """Apply a post to a response_url; answer "ok" like Slack."""
        target = emu.response_targets.get(request.path_params["rid"])
        if target is None:
            return PlainTextResponse("no_text", status_code=404)
        try:
            payload = json.loads(await request.body())
        except ValueError:
            emu.violation("response_url: body is not JSON")
            return PlainTextResponse("invalid_payload", status_code=400)
        error = apply_response(emu, target, payload, source="response_url")
        if error:
            return PlainTextResponse(error, status_code=400)
        return PlainTextResponse("ok")

    async def upload(request: Request) -> Response:
        """Store the bytes of a file reserved by files.getUploadURLExternal."""
        stored = emu.workspace.files.get(request.path_params["file_id"])
        if stored is None:
            return PlainTextResponse("not found", status_code=404)
        body = await request.body()
        stored.content = body
        return PlainTextResponse(f"OK - {len(body)}")

    async def socket_mode(websocket: WebSocket) -> None:
        """Serve one Socket Mode connection."""
        await emu.socket.serve(websocket)

    routes = [
        Route("/api/{method}", api, methods=["GET", "POST"]),
        Route("/response/{rid}", response_url, methods=["POST"]),
        Route("/upload/{file_id}", upload, methods=["POST"]),
        WebSocketRoute("/socket-mode", socket_mode),
    ]
    return Starlette(routes=routes)
