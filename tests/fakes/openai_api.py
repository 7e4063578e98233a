"""OpenAI-compatible API emulator: a real HTTP server on 127.0.0.1 with scriptable answers.

Serves, behind `Authorization: Bearer <key>`:
- `POST /v1/audio/speech` — real speech (in-process espeak-ng) as pcm (24 kHz s16le), wav or
  flac, streamed in chunks;
- `POST /v1/chat/completions` — scripted replies (queued or from a responder), JSON mode,
  tool calls, non-streaming and SSE streaming;
- `POST /v1/audio/transcriptions` — scripted transcripts (json, text, verbose_json);
- `GET /v1/models`.
Every request is logged; failures and delays can be injected. Usage in a test:

    with OpenAIEmulator() as api:
        api.enqueue_chat('{"intent": "refund"}')
        client = httpx.Client(base_url=api.base_url, headers={"Authorization": "Bearer test-key"})

Run by hand for a demo:  python -m tests.fakes.openai_api --port 8766 --api-key demo
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import soundfile as sf
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from arena.providers.local.espeak import library
from tests.fakes.background_server import BackgroundServer, Emulator

SPEECH_RATE = 24000  # OpenAI's pcm format: 24 kHz, 16-bit signed little-endian, mono
SPEECH_CHUNK_BYTES = 4800  # 100 ms of pcm per streamed chunk
MAX_INPUT_CHARS = 4096
SPEECH_FORMATS = {"pcm", "wav", "flac"}
# Different OpenAI voice names sound different: each maps to an espeak-ng voice.
VOICE_MAP = {
    "alloy": "en-us",
    "ash": "en-us+m3",
    "ballad": "en+m2",
    "coral": "en-us+f3",
    "echo": "en-us+m7",
    "fable": "en",
    "nova": "en-us+f2",
    "onyx": "en-us+m1",
    "sage": "en-us+f4",
    "shimmer": "en-us+f5",
    "verse": "en-gb-scotland",
}


@dataclass
class RecordedRequest:
    """One request the emulator received (JSON body or form fields; file uploads as sizes)."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ChatReply:
    """A scripted assistant turn: text, tool calls, or both."""

    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None

    @classmethod
    def tool_call(cls, name: str, arguments: dict[str, Any]) -> ChatReply:
        call = {
            "id": f"call_{uuid.uuid4().hex[:24]}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        return cls(content=None, tool_calls=[call])

    def reason(self) -> str:
        return self.finish_reason or ("tool_calls" if self.tool_calls else "stop")

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = self.tool_calls
        return message


@dataclass
class InjectedFailure:
    """Answer the next matching request with this error instead of serving it."""

    status: int
    message: str
    path_contains: str = ""
    headers: dict[str, str] = field(default_factory=dict)


ChatResponder = Callable[[dict[str, Any]], "ChatReply | str"]
TranscriptResponder = Callable[[bytes, dict[str, str]], str]


def _error(status: int, message: str, kind: str, code: str | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status)


def _invalid(message: str) -> JSONResponse:
    return _error(400, message, "invalid_request_error")


def _tokens(text: str) -> int:
    return max(1, len(text.split()))


class OpenAIEmulator(Emulator):
    """The emulator's state and server. `start()`/`stop()` or use it as a context manager."""

    def __init__(self, api_key: str = "test-key", host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.delay_s = 0.0  # wait before answering any API request (for timeout tests)
        self.speech_chunk_delay_s = 0.0  # wait between streamed speech chunks
        self.default_transcript = "hello from the emulator"
        self._chat_replies: deque[ChatReply | str] = deque()
        self._chat_responder: ChatResponder | None = None
        self._transcripts: deque[str] = deque()
        self._transcript_responder: TranscriptResponder | None = None
        self._failures: deque[InjectedFailure] = deque()
        self._lock = threading.Lock()
        self.app = self._build_app()
        self._server = BackgroundServer(self.app, host, port)

    @property
    def base_url(self) -> str:
        """What to put in OPENAI_BASE_URL: `http://127.0.0.1:PORT/v1`."""
        return f"{self._server.origin}/v1"

    # -- scripting -----------------------------------------------------------------------------

    def enqueue_chat(self, *replies: ChatReply | str) -> None:
        """Answer the next chat completions with these replies, in order."""
        with self._lock:
            self._chat_replies.extend(replies)

    def respond_chat_with(self, responder: ChatResponder | None) -> None:
        """Compute replies from the request body once the queue is empty (None to reset)."""
        self._chat_responder = responder

    def enqueue_transcripts(self, *texts: str) -> None:
        """Answer the next transcriptions with these texts, in order."""
        with self._lock:
            self._transcripts.extend(texts)

    def respond_transcripts_with(self, responder: TranscriptResponder | None) -> None:
        """Compute transcripts from (audio bytes, form fields) once the queue is empty."""
        self._transcript_responder = responder

    def fail_next(
        self,
        status: int,
        message: str = "The server had an error while processing your request.",
        path_contains: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next request whose path contains `path_contains` with an error."""
        with self._lock:
            self._failures.append(InjectedFailure(status, message, path_contains, headers or {}))

    def requests_to(self, path_suffix: str) -> list[RecordedRequest]:
        """The logged requests whose path ends with `path_suffix`."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(path_suffix)]

    # -- behaviour -----------------------------------------------------------------------------

    def _take_failure(self, path: str) -> InjectedFailure | None:
        with self._lock:
            for failure in self._failures:
                if failure.path_contains in path:
                    self._failures.remove(failure)
                    return failure
        return None

    def _next_chat_reply(self, body: dict[str, Any]) -> ChatReply:
        with self._lock:
            scripted = self._chat_replies.popleft() if self._chat_replies else None
        if scripted is None and self._chat_responder is not None:
            scripted = self._chat_responder(body)
        if scripted is None:
            scripted = _default_chat_reply(body)
        return ChatReply(content=scripted) if isinstance(scripted, str) else scripted

    def _next_transcript(self, audio: bytes, fields: dict[str, str]) -> str:
        with self._lock:
            if self._transcripts:
                return self._transcripts.popleft()
        if self._transcript_responder is not None:
            return self._transcript_responder(audio, fields)
        return self.default_transcript

    def _record(self, request: Request, body: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self._lock:
            self.requests.append(RecordedRequest(request.method, request.url.path, headers, body))

    # -- HTTP ----------------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="OpenAI API emulator")

        @app.middleware("http")
        async def gate(request: Request, call_next: Any) -> Response:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                presented = request.headers.get("authorization", "")
                shown = presented.removeprefix("Bearer ")[:8] or "(none)"
                return _error(
                    401,
                    f"Incorrect API key provided: {shown}... You can find your API key at "
                    "https://platform.openai.com/account/api-keys.",
                    "invalid_request_error",
                    "invalid_api_key",
                )
            failure = self._take_failure(request.url.path)
            if failure is not None:
                response = _error(failure.status, failure.message, "server_error")
                response.headers.update(failure.headers)
                return response
            result: Response = await call_next(request)
            return result

        @app.get("/v1/models")
        async def models() -> dict[str, Any]:
            names = ["gpt-4o-mini", "gpt-4o-mini-tts", "tts-1", "whisper-1"]
            data = [{"id": n, "object": "model", "owned_by": "emulator"} for n in names]
            return {"object": "list", "data": data}

        @app.post("/v1/audio/speech")
        async def speech(request: Request) -> Response:
            body = await _json_body(request)
            self._record(request, body)
            return self._speech(body)

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Response:
            body = await _json_body(request)
            self._record(request, body)
            return self._chat(body)

        @app.post("/v1/audio/transcriptions")
        async def transcriptions(request: Request) -> Response:
            form = await request.form()
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            upload = form.get("file")
            audio = b"" if upload is None or isinstance(upload, str) else await upload.read()
            self._record(request, {**fields, "file_bytes": len(audio)})
            return self._transcription(audio, fields)

        return app

    def _speech(self, body: dict[str, Any]) -> Response:
        text, model, voice = body.get("input"), body.get("model"), body.get("voice")
        fmt = body.get("response_format", "mp3")
        if not isinstance(text, str) or not text.strip():
            return _invalid("'input' is required and must be a non-empty string.")
        if len(text) > MAX_INPUT_CHARS:
            return _invalid(f"'input' is longer than {MAX_INPUT_CHARS} characters.")
        if not model or not isinstance(voice, str):
            return _invalid("'model' and 'voice' are required.")
        if voice not in VOICE_MAP:
            return _invalid(f"Unknown voice {voice!r}; use one of {', '.join(VOICE_MAP)}.")
        if fmt not in SPEECH_FORMATS:
            return _invalid(f"The emulator serves response_format pcm, wav or flac, not {fmt!r}.")
        audio = library().speak(VOICE_MAP[voice], text).resampled(SPEECH_RATE)
        if fmt == "pcm":
            return StreamingResponse(self._chunks(audio.to_pcm16()), media_type="audio/pcm")
        encoded = io.BytesIO()
        sf.write(encoded, audio.samples, SPEECH_RATE, format=fmt.upper(), subtype="PCM_16")
        return StreamingResponse(self._chunks(encoded.getvalue()), media_type=f"audio/{fmt}")

    async def _chunks(self, data: bytes) -> AsyncIterator[bytes]:
        for start in range(0, len(data), SPEECH_CHUNK_BYTES):
            if start and self.speech_chunk_delay_s:
                await asyncio.sleep(self.speech_chunk_delay_s)
            yield data[start : start + SPEECH_CHUNK_BYTES]

    def _chat(self, body: dict[str, Any]) -> Response:
        messages = body.get("messages")
        if not body.get("model") or not isinstance(messages, list) or not messages:
            return _invalid("'model' and a non-empty 'messages' list are required.")
        try:
            reply = self._next_chat_reply(body)
        except Exception as exc:  # a test's responder failed: tell the client what happened
            return _error(500, f"The chat responder raised {exc!r}", "server_error")
        fmt = (body.get("response_format") or {}).get("type", "text")
        if fmt in {"json_object", "json_schema"} and reply.content is not None:
            try:
                json.loads(reply.content)
            except ValueError:
                return _error(
                    500,
                    f"Scripted reply is not JSON but response_format is {fmt}: {reply.content!r}",
                    "server_error",
                )
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        model = str(body["model"])
        prompt = " ".join(str(m.get("content") or "") for m in messages if isinstance(m, dict))
        if body.get("stream"):
            return StreamingResponse(
                _chat_events(completion_id, model, reply), media_type="text/event-stream"
            )
        completion = _tokens(reply.content or json.dumps(reply.tool_calls))
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {"index": 0, "message": reply.message(), "finish_reason": reply.reason()}
                ],
                "usage": {
                    "prompt_tokens": _tokens(prompt),
                    "completion_tokens": completion,
                    "total_tokens": _tokens(prompt) + completion,
                },
            }
        )

    def _transcription(self, audio: bytes, fields: dict[str, str]) -> Response:
        if not audio:
            return _invalid("'file' is required (multipart/form-data).")
        if not fields.get("model"):
            return _invalid("'model' is required.")
        try:
            text = self._next_transcript(audio, fields)
        except Exception as exc:  # a test's responder failed: tell the client what happened
            return _error(500, f"The transcript responder raised {exc!r}", "server_error")
        fmt = fields.get("response_format", "json")
        if fmt == "text":
            return PlainTextResponse(text)
        if fmt == "verbose_json":
            duration = _duration(audio)
            segment = {"id": 0, "start": 0.0, "end": duration, "text": text}
            body = {"task": "transcribe", "language": fields.get("language", "en")}
            return JSONResponse({**body, "duration": duration, "text": text, "segments": [segment]})
        return JSONResponse({"text": text})


def _default_chat_reply(body: dict[str, Any]) -> str:
    """With nothing scripted: echo the last user message (as JSON in JSON mode)."""
    user = [m for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
    last = str(user[-1].get("content") or "") if user else ""
    fmt = (body.get("response_format") or {}).get("type", "text")
    return json.dumps({"echo": last}) if fmt != "text" else f"Emulated reply to: {last}"


async def _chat_events(completion_id: str, model: str, reply: ChatReply) -> AsyncIterator[str]:
    """The reply as chat.completion.chunk server-sent events, word by word, then [DONE]."""

    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk)}\n\n"

    yield event({"role": "assistant", "content": ""})
    if reply.content:
        words = reply.content.split(" ")
        for i, word in enumerate(words):
            yield event({"content": word if i == 0 else f" {word}"})
    for index, call in enumerate(reply.tool_calls):
        yield event({"tool_calls": [{"index": index, **call}]})
    yield event({}, reply.reason())
    yield "data: [DONE]\n\n"


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _duration(audio: bytes) -> float:
    try:
        info = sf.info(io.BytesIO(audio))
    except RuntimeError:  # not a format libsndfile knows
        return 0.0
    return float(info.duration)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the OpenAI API emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--api-key", default="test-key")
    args = parser.parse_args()
    emulator = OpenAIEmulator(api_key=args.api_key, port=args.port)
    print(f"OPENAI_BASE_URL=http://127.0.0.1:{args.port}/v1 OPENAI_API_KEY={args.api_key}")
    emulator.serve_forever()


if __name__ == "__main__":
    main()
