"""Vapi emulator: `POST /call` with the `vapi.websocket` transport, and that call's socket.

A real server on 127.0.0.1 (HTTP + WebSocket). The socket carries PCM s16le 16 kHz both ways
as binary frames and Vapi's JSON client messages as text: `transcript` (partial/final),
`speech-update`, `user-interrupted`, `status-update` (ended, with `endedReason`). The client
ends the call with `{"type": "hangup"}`; the assistant's `maxDurationSeconds` makes the
provider end it. A wrong Bearer key gets 401.

Run by hand for a demo:  python -m tests.fakes.vapi_api --port 8790 --key demo
then VAPI_BASE_URL=http://127.0.0.1:8790 VAPI_API_KEY=demo arena serve
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.agent_call import CallEvent, CallOptions, SimulatedCall, ThreadedServer


@dataclass
class Call:
    """One call created through `POST /call`."""

    id: str
    assistant: dict[str, Any]
    status: str = "queued"
    ended_reason: str | None = None
    frames_received: int = 0
    messages_received: list[dict[str, Any]] = field(default_factory=list)

    def public(self, ws_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "webCall",
            "status": self.status,
            "endedReason": self.ended_reason,
            "framesReceived": self.frames_received,
            "assistant": self.assistant,
            "transport": {
                "provider": "vapi.websocket",
                "websocketCallUrl": ws_url,
                "audioFormat": {"format": "pcm_s16le", "container": "raw", "sampleRate": 16000},
            },
        }


class VapiEmulator:
    """The emulator's state: accepted key, call options and every call it created."""

    def __init__(self, api_key: str = "test-vapi-key", options: CallOptions | None = None) -> None:
        self.api_key = api_key
        self.options = options or CallOptions()
        self.calls: dict[str, Call] = {}
        self.app = Starlette(
            routes=[
                Route("/call", self._create_call, methods=["POST"]),
                Route("/call/{call_id}", self._get_call, methods=["GET"]),
                WebSocketRoute("/{call_id}/transport", self._transport),
            ]
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization", "") == f"Bearer {self.api_key}"

    @staticmethod
    def _ws_url(request: Request, call_id: str) -> str:
        host = request.headers.get("host", "127.0.0.1")
        return f"ws://{host}/{call_id}/transport"

    async def _create_call(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse(
                {
                    "message": "Invalid Key. Hot tip, you may be using the private key instead of "
                    "the public key, or vice versa.",
                    "error": "Unauthorized",
                    "statusCode": 401,
                },
                status_code=401,
            )
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return JSONResponse({"message": ["body must be JSON"]}, status_code=400)
        transport = body.get("transport") or {}
        assistant = body.get("assistant")
        problems = []
        if transport.get("provider") != "vapi.websocket":
            problems.append("transport.provider must be vapi.websocket")
        audio = transport.get("audioFormat") or {}
        if audio.get("format", "pcm_s16le") != "pcm_s16le" or audio.get("sampleRate") != 16000:
            problems.append("this emulator streams pcm_s16le at 16000 Hz only")
        if not isinstance(assistant, dict):
            problems.append("assistant must be an inline assistant object")
        if problems:
            return JSONResponse({"message": problems, "statusCode": 400}, status_code=400)
        assert isinstance(assistant, dict)
        call = Call(id=str(uuid.uuid4()), assistant=assistant)
        self.calls[call.id] = call
        return JSONResponse(call.public(self._ws_url(request, call.id)), status_code=201)

    async def _get_call(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return JSONResponse({"message": "Invalid Key", "statusCode": 401}, status_code=401)
        call = self.calls.get(request.path_params["call_id"])
        if call is None:
            return JSONResponse({"message": "Call not found", "statusCode": 404}, status_code=404)
        return JSONResponse(call.public(self._ws_url(request, call.id)))

    async def _transport(self, websocket: WebSocket) -> None:
        call = self.calls.get(websocket.path_params["call_id"])
        if call is None or call.status != "queued":
            await websocket.close(code=4404, reason="no such call, or it already ran")
            return
        await websocket.accept()
        call.status = "in-progress"
        limit = call.assistant.get("maxDurationSeconds")
        options = CallOptions(
            voice=self.options.voice,
            transcriber=self.options.transcriber,
            max_call_seconds=self.options.max_call_seconds or (float(limit) if limit else None),
            stamp_frames=self.options.stamp_frames,
            tone_seconds=self.options.tone_seconds,
            listen=self.options.listen,
            reply=self.options.reply,
        )
        agent = SimulatedCall(str(call.assistant.get("firstMessage") or "Hello."), options)
        agent.start()
        writer = asyncio.create_task(_write(websocket, agent, call))
        try:
            await _read(websocket, agent, call)
        finally:
            if not agent.ended:
                call.ended_reason = call.ended_reason or "customer-did-not-answer"
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
            call.ended_reason = call.ended_reason or "customer-ended-call"
            return
        if message.get("bytes") is not None:
            call.frames_received += 1
            await agent.hear(message["bytes"])
            continue
        try:
            control = json.loads(message.get("text") or "")
        except json.JSONDecodeError:
            continue
        call.messages_received.append(control)
        if isinstance(control, dict) and control.get("type") in ("hangup", "end-call"):
            call.ended_reason = "customer-ended-call"
            await agent.end("customer-ended-call")


async def _write(websocket: WebSocket, agent: SimulatedCall, call: Call) -> None:
    while True:
        event = await agent.events.get()
        try:
            if event.kind == "audio":
                await websocket.send_bytes(event.pcm)
            elif event.kind == "end":
                call.ended_reason = call.ended_reason or event.text
                await websocket.send_text(
                    json.dumps(
                        {"type": "status-update", "status": "ended", "endedReason": event.text}
                    )
                )
                await websocket.close(code=1000)
                return
            else:
                await websocket.send_text(json.dumps(_message(event)))
        except (WebSocketDisconnect, RuntimeError):
            return


def _message(event: CallEvent) -> dict[str, Any]:
    role = "assistant" if event.role == "agent" else "user"
    if event.kind in ("agent_text", "user_text"):
        return {
            "type": "transcript",
            "role": role,
            "transcriptType": "final" if event.final else "partial",
            "transcript": event.text,
        }
    if event.kind in ("speech_started", "speech_stopped"):
        status = "started" if event.kind == "speech_started" else "stopped"
        return {"type": "speech-update", "status": status, "role": role}
    return {"type": "user-interrupted"}


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Vapi emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--key", default="test-vapi-key", help="the accepted VAPI_API_KEY")
    parser.add_argument("--voice", choices=["speech", "tone"], default="speech")
    parser.add_argument("--transcriber", choices=["pocketsphinx", "none"], default="pocketsphinx")
    parser.add_argument("--stamp-frames", action="store_true", help="timestamp agent frames")
    parser.add_argument("--tone-seconds", type=float, default=None, help="length of tone replies")
    parser.add_argument("--deaf", action="store_true", help="count caller audio, never answer")
    args = parser.parse_args()
    options = CallOptions(
        voice=args.voice,
        transcriber=args.transcriber,
        stamp_frames=args.stamp_frames,
        tone_seconds=args.tone_seconds,
        listen=not args.deaf,
    )
    server = ThreadedServer(VapiEmulator(args.key, options).app, args.port)
    print(f"Vapi emulator on {server.base_url} (key {args.key!r})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
