"""OpenAI Realtime speech-to-speech over a WebSocket (`{OPENAI_BASE_URL→wss}/realtime`).

One call is one turn: session.update (PCM16, server VAD off, input transcription on), the
input audio as input_audio_buffer.append events, commit, response.create, then audio and
transcript events until response.done. Both the beta event names (`response.audio.delta`)
and the GA ones (`response.output_audio.delta`) are understood.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI
from websockets.sync.client import ClientConnection, connect

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.openai_account import OpenAIAccount
from arena.providers.local.responder import CHAT_INSTRUCTIONS
from arena.providers.s2s import S2SResponse, SpeechToSpeech

RATE = 24000  # pcm16 in the Realtime API: 24 kHz, 16-bit little-endian, mono
APPEND_BYTES = RATE // 10 * 2  # 100 ms of audio per append event
TRANSCRIPT_GRACE_S = 5.0  # how long to wait for the input transcript after response.done
DEFAULT_TIMEOUT_S = 60.0

MODELS: dict[str, str] = {
    "gpt-4o-realtime-preview": "alloy",
    "gpt-4o-mini-realtime-preview": "verse",
}
AUDIO_DELTAS = frozenset({"response.audio.delta", "response.output_audio.delta"})
TEXT_DELTAS = frozenset(
    {"response.audio_transcript.delta", "response.output_audio_transcript.delta"}
)
TEXT_DONE = frozenset({"response.audio_transcript.done", "response.output_audio_transcript.done"})
INPUT_TRANSCRIPT = "conversation.item.input_audio_transcription.completed"
INPUT_TRANSCRIPT_FAILED = "conversation.item.input_audio_transcription.failed"


def realtime_url(base_url: str, model: str) -> str:
    """`https://api.openai.com/v1` -> `wss://api.openai.com/v1/realtime?model=…`."""
    scheme, sep, rest = base_url.rstrip("/").partition("://")
    ws_scheme = {"https": "wss", "http": "ws"}.get(scheme, scheme)
    return f"{ws_scheme}{sep}{rest}/realtime?model={model}"


@dataclass
class Turn:
    """What came back for one response, as the events arrive."""

    started: float
    audio: bytearray = field(default_factory=bytearray)
    text: str = ""
    input_transcript: str | None = None
    first_audio: float | None = None
    last_audio: float | None = None
    done: float | None = None


@dataclass
class OpenAIRealtime(OpenAIAccount, SpeechToSpeech):
    """One Realtime model and voice, one WebSocket connection per turn."""

    product: ClassVar[str] = "OpenAI Realtime"

    model: str = "gpt-4o-realtime-preview"
    voice: str = "alloy"
    timeout_s: float = DEFAULT_TIMEOUT_S

    def respond(self, audio: Audio) -> S2SResponse:
        url = realtime_url(self.base_url, self.model)
        headers = {**self.auth_headers(), "OpenAI-Beta": "realtime=v1"}
        try:
            with connect(
                url, additional_headers=headers, open_timeout=self.timeout_s, max_size=None
            ) as ws:
                return self._turn(ws, audio)
        except InvalidStatus as exc:
            status = exc.response.status_code
            hint = "check OPENAI_API_KEY" if status in (401, 403) else "check OPENAI_BASE_URL"
            raise ProviderError(
                self.id, f"the Realtime API refused the connection (HTTP {status}): {hint}"
            ) from exc
        except (OSError, InvalidURI) as exc:
            raise ProviderError(
                self.id, f"could not reach {url} ({exc}): check OPENAI_BASE_URL"
            ) from exc
        except ConnectionClosed as exc:
            raise ProviderError(self.id, f"the Realtime API closed the connection ({exc})") from exc

    def _turn(self, ws: ClientConnection, audio: Audio) -> S2SResponse:
        session = {
            "modalities": ["audio", "text"],
            "instructions": CHAT_INSTRUCTIONS,
            "voice": self.voice,
            "input_audio_format": "pcm16",
            "output_audio_format": "pcm16",
            "input_audio_transcription": {"model": "whisper-1"},
            "turn_detection": None,
        }
        _send(ws, {"type": "session.update", "session": session})
        pcm = audio.resampled(RATE).to_pcm16()
        for start in range(0, len(pcm), APPEND_BYTES):
            chunk = base64.b64encode(pcm[start : start + APPEND_BYTES]).decode()
            _send(ws, {"type": "input_audio_buffer.append", "audio": chunk})
        _send(ws, {"type": "input_audio_buffer.commit"})
        _send(ws, {"type": "response.create"})
        turn = Turn(started=time.perf_counter())
        while not self._finished(turn):
            self._apply(turn, self._receive(ws, turn))
        end = turn.last_audio or turn.done or time.perf_counter()
        if not turn.audio:
            raise ProviderError(self.id, "the Realtime API answered without audio")
        return S2SResponse(
            audio=Audio.from_pcm16(bytes(turn.audio[: len(turn.audio) // 2 * 2]), RATE),
            input_transcript=turn.input_transcript or "",
            response_text=turn.text.strip(),
            latency_s=end - turn.started,
            first_audio_s=(turn.first_audio or end) - turn.started,
        )

    def _finished(self, turn: Turn) -> bool:
        if turn.done is None:
            return False
        waited = time.perf_counter() - turn.done
        return turn.input_transcript is not None or waited >= TRANSCRIPT_GRACE_S

    def _receive(self, ws: ClientConnection, turn: Turn) -> dict[str, Any]:
        now = time.perf_counter()
        deadline = turn.started + self.timeout_s
        if turn.done is not None:
            deadline = min(deadline, turn.done + TRANSCRIPT_GRACE_S)
        try:
            message = ws.recv(timeout=max(0.0, deadline - now))
        except TimeoutError:
            if turn.done is not None:
                return {"type": INPUT_TRANSCRIPT_FAILED}
            raise ProviderError(
                self.id, f"no complete answer within {self.timeout_s:g} s"
            ) from None
        try:
            event = json.loads(message)
        except ValueError as exc:
            raise ProviderError(
                self.id, f"the Realtime API sent non-JSON: {message[:100]!r}"
            ) from exc
        return event if isinstance(event, dict) else {}

    def _apply(self, turn: Turn, event: dict[str, Any]) -> None:
        kind = event.get("type")
        now = time.perf_counter()
        if kind in AUDIO_DELTAS:
            turn.audio.extend(base64.b64decode(event.get("delta") or ""))
            turn.first_audio = turn.first_audio or now
            turn.last_audio = now
        elif kind in TEXT_DELTAS:
            turn.text += str(event.get("delta") or "")
        elif kind in TEXT_DONE:
            turn.text = str(event.get("transcript") or turn.text)
        elif kind == INPUT_TRANSCRIPT:
            turn.input_transcript = str(event.get("transcript") or "").strip()
        elif kind == INPUT_TRANSCRIPT_FAILED:
            turn.input_transcript = turn.input_transcript or ""
        elif kind == "error":
            error = event.get("error") or {}
            raise ProviderError(
                self.id, f"Realtime API error {error.get('code')}: {error.get('message')}"
            )
        elif kind == "response.done":
            response = event.get("response") or {}
            if response.get("status") != "completed":
                details = json.dumps(response.get("status_details"))[:300]
                raise ProviderError(
                    self.id, f"the response ended {response.get('status')}: {details}"
                )
            turn.done = now


def _send(ws: ClientConnection, event: dict[str, Any]) -> None:
    ws.send(json.dumps(event))


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """OpenAI Realtime models; available when OPENAI_API_KEY is set."""
    for model, voice in MODELS.items():
        register(
            OpenAIRealtime(
                id=f"s2s-openai-realtime/{model}",
                mode="s2s",
                display_name=f"OpenAI Realtime ({model})",
                provider="openai",
                engine="openai-realtime",
                config={"model": model, "voice": voice, "transport": "WebSocket, pcm16 24 kHz"},
                model=model,
                voice=voice,
                base_url=settings.openai_base_url,
                api_key=settings.openai_api_key,
            )
        )
