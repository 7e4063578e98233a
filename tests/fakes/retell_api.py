"""Retell emulator: `POST /register-call`, then the (deprecated) audio WebSocket protocol.

A real server on 127.0.0.1 (HTTP + WebSocket) speaking Retell's "web" audio protocol:
binary PCM s16le 16 kHz both ways on `/audio-websocket/{call_id}`; the text frame `clear`
when the caller barges in; with `?enable_update=true`, JSON `update` events carrying the
running transcript and whose turn it is; `ping_pong` answered in kind. The client ends the
call by closing the socket; the agent ends it by closing with code 1000. A wrong Bearer key
gets 401.

Run by hand for a demo:  python -m tests.fakes.retell_api --port 8791 --key demo
then RETELL_BASE_URL=http://127.0.0.1:8791 RETELL_API_KEY=demo arena serve
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.agent_call import CallEvent, CallOptions, SimulatedCall, ThreadedServer

DEFAULT_BEGIN_MESSAGE = "Hello! How can I help you today?"


@dataclass
class Call:
    """One registered call."""

    call_id: str
    agent_id: str
    dynamic_variables: dict[str, str]
    status: str = "registered"
    disconnection_reason: str | None = None
    frames_received: int = 0
    texts_received: list[str] = field(default_factory=list)
    transcript: list[dict[str, str]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "agent_id": self.agent_id,
            "call_status": self.status,
            "audio_websocket_protocol": "web",
            "audio_encoding": "s16le",
            "sample_rate": 16000,
            "start_timestamp": int(time.time() * 1000),
            "retell_llm_dynamic_variables": self.dynamic_variables,
            "disconnection_reason": self.disconnection_reason,
        }


class RetellEmulator:
    """The emulator's state: accepted key, call options and every registered call."""

    def __init__(
        self, api_key: str = "test-retell-key", options: CallOptions | None = None
    ) -> None:
        self.api_key = api_key
        self.options = options or CallOptions()
        self.calls: dict[str, Call] = {}
        self.app = Starlette(
            routes=[
                Route("/register-call", self._register, methods=["POST"]),
                Route("/v2/get-call/{call_id}", self._get_call, methods=["GET"]),
                WebSocketRoute("/audio-websocket/{call_id}", self._audio),
            ]
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization", "") == f"Bearer {self.api_key}"

    async def _register(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"error_message": "Invalid API Key"}, status_code=401)
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return JSONResponse({"error_message": "body must be JSON"}, status_code=400)
        problems = []
        if not body.get("agent_id"):
            problems.append("agent_id is required")
        if body.get("audio_websocket_protocol") != "web":
            problems.append("this emulator speaks the web audio protocol only")
        if body.get("audio_encoding") != "s16le" or body.get("sample_rate") != 16000:
            problems.append("this emulator streams s16le at 16000 Hz only")
        if problems:
            return JSONResponse({"error_message": "; ".join(problems)}, status_code=400)
        variables = body.get("retell_llm_dynamic_variables") or {}
        call = Call(str(uuid.uuid4().hex), str(body["agent_id"]), dict(variables))
        self.calls[call.call_id] = call
        return JSONResponse(call.public(), status_code=201)

    async def _get_call(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"error_message": "Invalid API Key"}, status_code=401)
        call = self.calls.get(request.path_params["call_id"])
        if call is None:
            return JSONResponse({"error_message": "Call not found"}, status_code=404)
        return JSONResponse(call.public())

    async def _audio(self, websocket: WebSocket) -> None:
        call = self.calls.get(websocket.path_params["call_id"])
        if call is None or call.status != "registered":
            await websocket.close(code=4404, reason="no such call, or it already ran")
            return
        await websocket.accept()
        call.status = "ongoing"
        updates = websocket.query_params.get("enable_update", "false") == "true"
        greeting = call.dynamic_variables.get("first_message") or DEFAULT_BEGIN_MESSAGE
        agent = SimulatedCall(greeting, self.options)
        agent.start()
        writer = asyncio.create_task(_write(websocket, agent, call, updates))
        try:
            await _read(websocket, agent, call)
        finally:
            call.disconnection_reason = call.disconnection_reason or "user_hangup"
            agent.stop()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(writer, 2)
            writer.cancel()
            call.status = "ended"


async def _read(websocket: WebSocket, agent: SimulatedCall, call: Call) -> None:
    while True:
        try:
            message = await websocket.receive()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        if message.get("bytes") is not None:
            call.frames_received += 1
            await agent.hear(message["bytes"])
            continue
        text = message.get("text") or ""
        call.texts_received.append(text)
        with contextlib.suppress(json.JSONDecodeError, AttributeError):
            if json.loads(text).get("event_type") == "ping_pong":
                pong = {"event_type": "ping_pong", "timestamp": int(time.time() * 1000)}
                with contextlib.suppress(Exception):
                    await websocket.send_text(json.dumps(pong))


def _apply(call: Call, event: CallEvent) -> str | None:
    """Fold a transcript event into the running transcript; return whose turn it is."""
    role = "agent" if event.kind == "agent_text" else "user"
    last = call.transcript[-1] if call.transcript else None
    if last is not None and last["role"] == role and not last.get("done"):
        last["content"] = event.text
    else:
        call.transcript.append({"role": role, "content": event.text})
    if event.final and role == "agent":
        call.transcript[-1]["done"] = "yes"
        return "user_turn"
    if role == "user":
        call.transcript[-1]["done"] = "yes"
    return "agent_turn"


async def _write(websocket: WebSocket, agent: SimulatedCall, call: Call, updates: bool) -> None:
    while True:
        event = await agent.events.get()
        try:
            if event.kind == "audio":
                await websocket.send_bytes(event.pcm)
            elif event.kind == "interrupt":
                await websocket.send_text("clear")
            elif event.kind in ("agent_text", "user_text"):
                turn = _apply(call, event)
                if updates:
                    transcript = [
                        {"role": u["role"], "content": u["content"]} for u in call.transcript
                    ]
                    update = {"event_type": "update", "transcript": transcript, "turntaking": turn}
                    await websocket.send_text(json.dumps(update))
            elif event.kind == "end":
                call.disconnection_reason = "agent_hangup"
                await websocket.close(code=1000, reason=f"call ended: {event.text}")
                return
        except (WebSocketDisconnect, RuntimeError):
            return


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Retell emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--key", default="test-retell-key", help="the accepted RETELL_API_KEY")
    parser.add_argument("--voice", choices=["speech", "tone"], default="speech")
    parser.add_argument("--transcriber", choices=["pocketsphinx", "none"], default="pocketsphinx")
    parser.add_argument("--max-call-seconds", type=float, default=None)
    args = parser.parse_args()
    options = CallOptions(
        voice=args.voice, transcriber=args.transcriber, max_call_seconds=args.max_call_seconds
    )
    server = ThreadedServer(RetellEmulator(args.key, options).app, args.port)
    print(f"Retell emulator on {server.base_url} (key {args.key!r})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
