"""ElevenLabs API emulator: a real HTTP server on 127.0.0.1 that speaks with espeak-ng.

Serves, behind the `xi-api-key` header:
- `POST /v1/text-to-speech/{voice_id}` and `.../{voice_id}/stream` with `?output_format=`
  pcm_16000 | pcm_22050 | pcm_24000 | pcm_44100 (raw s16le mono, streamed in chunks);
- `GET /v1/voices`.
Every request is logged; failures and delays can be injected.

Run by hand for a demo:  python -m tests.fakes.elevenlabs_api --port 8767 --api-key demo
"""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from arena.providers.local.espeak import library
from tests.fakes.background_server import BackgroundServer, Emulator

CHUNK_MS = 100
PCM_FORMATS = {"pcm_16000": 16000, "pcm_22050": 22050, "pcm_24000": 24000, "pcm_44100": 44100}
# Premade voice ids, each mapped to an espeak-ng voice so they sound different.
VOICES: dict[str, tuple[str, str]] = {
    "21m00Tcm4TlvDq8ikWAM": ("Rachel", "en-us+f3"),
    "JBFqnCBsd6RMkjVDRZzb": ("George", "en"),
    "pNInz6obpgDQGcFmaJgB": ("Adam", "en-us"),
}


@dataclass
class RecordedRequest:
    """One request the emulator received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class InjectedFailure:
    """Answer the next request with this error instead of serving it."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


def _detail(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": {"status": code, "message": message}}, status_code=status)


class ElevenLabsEmulator(Emulator):
    """The emulator's state and server. `start()`/`stop()` or use it as a context manager."""

    def __init__(self, api_key: str = "test-key", host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.delay_s = 0.0  # wait before answering any request (for timeout tests)
        self.chunk_delay_s = 0.0  # wait between streamed audio chunks
        self._failures: deque[InjectedFailure] = deque()
        self._lock = threading.Lock()
        self.app = self._build_app()
        self._server = BackgroundServer(self.app, host, port)

    @property
    def base_url(self) -> str:
        """What to put in ELEVENLABS_BASE_URL: `http://127.0.0.1:PORT` (no /v1)."""
        return self._server.origin

    def fail_next(self, status: int, message: str = "Internal server error") -> None:
        """Answer the next authorized request with an error."""
        with self._lock:
            self._failures.append(InjectedFailure(status, message))

    def _take_failure(self) -> InjectedFailure | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="ElevenLabs API emulator")

        @app.middleware("http")
        async def gate(request: Request, call_next: Any) -> Response:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if request.headers.get("xi-api-key") != self.api_key:
                return _detail(401, "invalid_api_key", "Invalid API key")
            failure = self._take_failure()
            if failure is not None:
                return _detail(failure.status, "server_error", failure.message)
            result: Response = await call_next(request)
            return result

        @app.get("/v1/voices")
        async def voices() -> dict[str, Any]:
            listed = [
                {"voice_id": vid, "name": name, "category": "premade"}
                for vid, (name, _) in VOICES.items()
            ]
            return {"voices": listed}

        @app.post("/v1/text-to-speech/{voice_id}")
        async def speak(voice_id: str, request: Request) -> Response:
            return await self._speech(voice_id, request)

        @app.post("/v1/text-to-speech/{voice_id}/stream")
        async def speak_streamed(voice_id: str, request: Request) -> Response:
            return await self._speech(voice_id, request)

        return app

    async def _speech(self, voice_id: str, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        query = dict(request.query_params)
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self.requests.append(
                RecordedRequest(request.method, request.url.path, query, headers, body)
            )
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return _detail(422, "invalid_request", "'text' is required and must not be empty.")
        if voice_id not in VOICES:
            return _detail(
                404, "voice_not_found", f"A voice with the voice_id {voice_id} was not found."
            )
        fmt = query.get("output_format", "mp3_44100_128")
        if fmt not in PCM_FORMATS:
            return _detail(
                422,
                "invalid_output_format",
                f"The emulator serves {', '.join(PCM_FORMATS)}, not {fmt!r}.",
            )
        rate = PCM_FORMATS[fmt]
        audio = library().speak(VOICES[voice_id][1], text).resampled(rate)
        return StreamingResponse(
            self._chunks(audio.to_pcm16(), rate * 2 * CHUNK_MS // 1000), media_type="audio/pcm"
        )

    async def _chunks(self, data: bytes, size: int) -> AsyncIterator[bytes]:
        for start in range(0, len(data), size):
            if start and self.chunk_delay_s:
                await asyncio.sleep(self.chunk_delay_s)
            yield data[start : start + size]


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the ElevenLabs API emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--api-key", default="test-key")
    args = parser.parse_args()
    print(f"ELEVENLABS_BASE_URL=http://127.0.0.1:{args.port} ELEVENLABS_API_KEY={args.api_key}")
    ElevenLabsEmulator(api_key=args.api_key, port=args.port).serve_forever()


if __name__ == "__main__":
    main()
