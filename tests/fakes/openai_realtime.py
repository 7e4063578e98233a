"""OpenAI Realtime API emulator: a real WebSocket server on 127.0.0.1 that hears and answers.

`GET /v1/realtime?model=…` upgrades to a WebSocket behind `Authorization: Bearer <key>` (a wrong
key is refused with HTTP 401 before the upgrade). It speaks the client/server event protocol:
session.update, input_audio_buffer.append/commit/clear, response.create; answers with
session.created/updated, input_audio_buffer.committed, conversation.item.created,
conversation.item.input_audio_transcription.completed, response.created, audio deltas and
audio transcript deltas/done, response.done, and `error` events. Audio is PCM s16le 24 kHz.

By default it really listens and talks: PocketSphinx transcribes the committed audio, the
grounded responder answers, espeak-ng speaks. Tests can script turns instead. `event_names`
"beta" sends `response.audio.delta`; "ga" sends `response.output_audio.delta` (the GA names).

    with RealtimeEmulator() as api:   # OPENAI_BASE_URL=api.base_url, OPENAI_API_KEY=test-key
        api.enqueue_turn(transcript="hi", reply="Hello!")

Run by hand for a demo:  python -m tests.fakes.openai_realtime --port 8768 --api-key demo
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from arena.core.audio import Audio
from arena.providers.local.espeak import library
from arena.providers.local.pocketsphinx import PocketsphinxSTT
from arena.providers.local.responder import GroundedResponder
from tests.fakes.background_server import BackgroundServer, Emulator

RATE = 24000
DELTA_BYTES = 4800  # 100 ms of 24 kHz PCM per audio delta
MIN_COMMIT_BYTES = RATE // 10 * 2  # the API refuses to commit less than 100 ms

EventNames = Literal["beta", "ga"]


@dataclass
class ScriptedTurn:
    """What the emulator hears and says for one committed turn (None: compute it)."""

    transcript: str | None = None
    reply: str | None = None
    fail: str | None = None  # answer response.create with this error instead


@dataclass
class Session:
    """One connection's state."""

    config: dict[str, Any] = field(default_factory=dict)
    buffer: bytearray = field(default_factory=bytearray)
    transcript: str = ""
    turn: ScriptedTurn = field(default_factory=ScriptedTurn)


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def _error(message: str, code: str, event_id: str | None = None) -> dict[str, Any]:
    detail = {"type": "invalid_request_error", "code": code, "message": message}
    return {"type": "error", "event_id": _id("event"), "error": {**detail, "event_id": event_id}}


class RealtimeEmulator(Emulator):
    """The emulator's state and server. `start()`/`stop()` or use it as a context manager."""

    def __init__(
        self,
        api_key: str = "test-key",
        event_names: EventNames = "beta",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.event_names = event_names
        self.received: list[dict[str, Any]] = []  # client events (audio payloads as byte counts)
        self.connections: list[dict[str, str]] = []  # query parameters and headers per connection
        self._turns: deque[ScriptedTurn] = deque()
        self._lock = threading.Lock()
        self._listener = PocketsphinxSTT(
            id="emulator", mode="stt", display_name="emulator", provider="emulator"
        )
        self._responder = GroundedResponder()
        self._server = BackgroundServer(self._build_app(), host, port)

    @property
    def base_url(self) -> str:
        """What to put in OPENAI_BASE_URL: `http://127.0.0.1:PORT/v1`."""
        return f"{self._server.origin}/v1"

    def enqueue_turn(
        self, transcript: str | None = None, reply: str | None = None, fail: str | None = None
    ) -> None:
        """Script the next committed turn: what was heard, what to say, or an error."""
        with self._lock:
            self._turns.append(ScriptedTurn(transcript, reply, fail))

    def client_events(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.received if e.get("type") == kind]

    # -- protocol ------------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="OpenAI Realtime emulator")

        @app.websocket("/v1/realtime")
        async def realtime(websocket: WebSocket) -> None:
            if websocket.headers.get("authorization") != f"Bearer {self.api_key}":
                body = {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                        "message": "Incorrect API key provided.",
                    }
                }
                await websocket.send_denial_response(JSONResponse(body, status_code=401))
                return
            with self._lock:
                self.connections.append(
                    {
                        **dict(websocket.query_params),
                        **{k.lower(): v for k, v in websocket.headers.items()},
                    }
                )
            await websocket.accept()
            session = Session(
                config={
                    "model": websocket.query_params.get("model", "gpt-4o-realtime-preview"),
                    "voice": "alloy",
                    "input_audio_format": "pcm16",
                    "output_audio_format": "pcm16",
                    "input_audio_transcription": None,
                }
            )
            await websocket.send_json(
                {"type": "session.created", "event_id": _id("event"), "session": session.config}
            )
            try:
                while True:
                    message = await websocket.receive_text()
                    for event in await self._handle(session, message):
                        await websocket.send_json(event)
            except WebSocketDisconnect:
                return

        return app

    async def _handle(self, session: Session, message: str) -> list[dict[str, Any]]:
        try:
            event = json.loads(message)
        except ValueError:
            return [_error("The message is not valid JSON.", "invalid_json")]
        kind = event.get("type")
        self._log(event)
        if kind == "session.update":
            session.config.update(event.get("session") or {})
            return [
                {"type": "session.updated", "event_id": _id("event"), "session": session.config}
            ]
        if kind == "input_audio_buffer.append":
            try:
                session.buffer.extend(base64.b64decode(event.get("audio", ""), validate=True))
            except (binascii.Error, ValueError):
                return [_error("Invalid base64 audio.", "invalid_audio", event.get("event_id"))]
            return []
        if kind == "input_audio_buffer.clear":
            session.buffer.clear()
            return [{"type": "input_audio_buffer.cleared", "event_id": _id("event")}]
        if kind == "input_audio_buffer.commit":
            return await self._commit(session, event)
        if kind == "response.create":
            return await self._respond(session)
        return [_error(f"Unknown event type {kind!r}.", "unknown_event", event.get("event_id"))]

    def _log(self, event: dict[str, Any]) -> None:
        logged = dict(event)
        if "audio" in logged:
            logged["audio"] = len(base64.b64decode(logged["audio"] or "", validate=False))
        with self._lock:
            self.received.append(logged)

    async def _commit(self, session: Session, event: dict[str, Any]) -> list[dict[str, Any]]:
        if len(session.buffer) < MIN_COMMIT_BYTES:
            return [
                _error(
                    "Error committing input audio buffer: buffer too small. Expected at least "
                    "100ms of audio.",
                    "input_audio_buffer_commit_empty",
                    event.get("event_id"),
                )
            ]
        with self._lock:
            session.turn = self._turns.popleft() if self._turns else ScriptedTurn()
        audio = Audio.from_pcm16(bytes(session.buffer), RATE)
        session.buffer.clear()
        item_id = _id("item")
        if session.turn.transcript is not None:
            session.transcript = session.turn.transcript
        else:
            heard = await asyncio.to_thread(self._listener.transcribe, audio)
            session.transcript = heard.text
        events: list[dict[str, Any]] = [
            {"type": "input_audio_buffer.committed", "event_id": _id("event"), "item_id": item_id},
            {
                "type": "conversation.item.created",
                "event_id": _id("event"),
                "item": {
                    "id": item_id,
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_audio", "transcript": None}],
                },
            },
        ]
        if session.config.get("input_audio_transcription"):
            events.append(
                {
                    "type": "conversation.item.input_audio_transcription.completed",
                    "event_id": _id("event"),
                    "item_id": item_id,
                    "content_index": 0,
                    "transcript": session.transcript,
                }
            )
        return events

    async def _respond(self, session: Session) -> list[dict[str, Any]]:
        response_id = _id("resp")
        turn, session.turn = session.turn, ScriptedTurn()
        if turn.fail is not None:
            failed = {
                "id": response_id,
                "status": "failed",
                "status_details": {
                    "type": "failed",
                    "error": {"type": "server_error", "message": turn.fail},
                },
            }
            return [
                {
                    "type": "response.created",
                    "event_id": _id("event"),
                    "response": {"id": response_id, "status": "in_progress"},
                },
                {"type": "response.done", "event_id": _id("event"), "response": failed},
            ]
        reply = turn.reply if turn.reply is not None else self._responder.reply(session.transcript)
        voice = str(session.config.get("voice") or "alloy")
        speech = await asyncio.to_thread(
            library().speak, "en-us+f3" if voice != "alloy" else "en-us", reply
        )
        pcm = speech.resampled(RATE).to_pcm16()
        audio_delta, transcript_delta = (
            ("response.audio.delta", "response.audio_transcript.delta")
            if self.event_names == "beta"
            else ("response.output_audio.delta", "response.output_audio_transcript.delta")
        )
        ids = {
            "response_id": response_id,
            "item_id": _id("item"),
            "output_index": 0,
            "content_index": 0,
        }
        events: list[dict[str, Any]] = [
            {
                "type": "response.created",
                "event_id": _id("event"),
                "response": {"id": response_id, "status": "in_progress"},
            },
        ]
        words = reply.split(" ")
        chunks = [pcm[i : i + DELTA_BYTES] for i in range(0, len(pcm), DELTA_BYTES)]
        for i, chunk in enumerate(chunks):
            events.append(
                {
                    "type": audio_delta,
                    "event_id": _id("event"),
                    **ids,
                    "delta": base64.b64encode(chunk).decode(),
                }
            )
            if i < len(words):
                text = words[i] if i == 0 else f" {words[i]}"
                events.append(
                    {"type": transcript_delta, "event_id": _id("event"), **ids, "delta": text}
                )
        if len(words) > len(chunks):
            rest = " " + " ".join(words[len(chunks) :])
            events.append(
                {"type": transcript_delta, "event_id": _id("event"), **ids, "delta": rest}
            )
        done = transcript_delta.removesuffix(".delta") + ".done"
        events += [
            {"type": audio_delta.removesuffix(".delta") + ".done", "event_id": _id("event"), **ids},
            {"type": done, "event_id": _id("event"), **ids, "transcript": reply},
            {
                "type": "response.done",
                "event_id": _id("event"),
                "response": {
                    "id": response_id,
                    "status": "completed",
                    "output": [
                        {
                            "type": "message",
                            "role": "assistant",
                            "content": [{"type": "audio", "transcript": reply}],
                        }
                    ],
                },
            },
        ]
        return events


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the OpenAI Realtime emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--api-key", default="test-key")
    args = parser.parse_args()
    emulator = RealtimeEmulator(api_key=args.api_key, port=args.port)
    print(f"OPENAI_BASE_URL=http://127.0.0.1:{args.port}/v1 OPENAI_API_KEY={args.api_key}")
    emulator.serve_forever()


if __name__ == "__main__":
    main()
