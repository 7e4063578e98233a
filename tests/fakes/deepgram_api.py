"""Deepgram pre-recorded API emulator: a real HTTP server on 127.0.0.1 with scripted transcripts.

Serves `POST /v1/listen` behind `Authorization: Token <key>`: the body is the audio (WAV or any
format libsndfile reads), the answer Deepgram's JSON shape (metadata, results.channels[0].
alternatives[0] with transcript, confidence and words spread evenly over the audio). Usage:

    with DeepgramEmulator() as api:
        api.enqueue_transcripts("hello world")
        ...  # DEEPGRAM_BASE_URL=api.base_url, DEEPGRAM_API_KEY="test-key"

Run by hand for a demo:  python -m tests.fakes.deepgram_api --port 8767 --api-key demo
"""

from __future__ import annotations

import argparse
import io
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

import soundfile as sf
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.background_server import BackgroundServer, Emulator


@dataclass
class RecordedListen:
    """One /v1/listen request: its query parameters, headers and audio size."""

    params: dict[str, str]
    headers: dict[str, str]
    audio_bytes: int


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = {"err_code": code, "err_msg": message, "request_id": str(uuid.uuid4())}
    return JSONResponse(body, status_code=status)


class DeepgramEmulator(Emulator):
    """The emulator's state and server. `start()`/`stop()` or use it as a context manager."""

    def __init__(self, api_key: str = "test-key", host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.requests: list[RecordedListen] = []
        self.default_transcript = "hello from the deepgram emulator"
        self._transcripts: deque[str] = deque()
        self._lock = threading.Lock()
        self._server = BackgroundServer(self._build_app(), host, port)

    @property
    def base_url(self) -> str:
        """What to put in DEEPGRAM_BASE_URL: `http://127.0.0.1:PORT`."""
        return self._server.origin

    def enqueue_transcripts(self, *texts: str) -> None:
        """Answer the next requests with these transcripts, in order."""
        with self._lock:
            self._transcripts.extend(texts)

    def _next_transcript(self) -> str:
        with self._lock:
            return self._transcripts.popleft() if self._transcripts else self.default_transcript

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Deepgram API emulator")

        @app.post("/v1/listen")
        async def listen(request: Request) -> JSONResponse:
            if request.headers.get("authorization") != f"Token {self.api_key}":
                return _error(401, "INVALID_AUTH", "Invalid credentials.")
            audio = await request.body()
            params = dict(request.query_params)
            headers = {k.lower(): v for k, v in request.headers.items()}
            with self._lock:
                self.requests.append(RecordedListen(params, headers, len(audio)))
            try:
                info = sf.info(io.BytesIO(audio))
            except RuntimeError:
                return _error(
                    400,
                    "Bad Request",
                    "Bad Request: failed to process audio: corrupt or unsupported data",
                )
            return JSONResponse(self._answer(self._next_transcript(), float(info.duration), params))

        return app

    def _answer(self, transcript: str, duration: float, params: dict[str, str]) -> dict[str, Any]:
        tokens = transcript.split()
        step = duration / max(1, len(tokens))
        words = [
            {
                "word": token.strip(".,!?").lower(),
                "start": round(i * step, 3),
                "end": round((i + 1) * step, 3),
                "confidence": 0.98,
                "punctuated_word": token,
            }
            for i, token in enumerate(tokens)
        ]
        alternative = {"transcript": transcript, "confidence": 0.98, "words": words}
        return {
            "metadata": {
                "request_id": str(uuid.uuid4()),
                "duration": duration,
                "channels": 1,
                "models": [params.get("model", "nova-3")],
            },
            "results": {"channels": [{"alternatives": [alternative]}]},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the Deepgram API emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--api-key", default="test-key")
    args = parser.parse_args()
    emulator = DeepgramEmulator(api_key=args.api_key, port=args.port)
    print(f"DEEPGRAM_BASE_URL=http://127.0.0.1:{args.port} DEEPGRAM_API_KEY={args.api_key}")
    emulator.serve_forever()


if __name__ == "__main__":
    main()
