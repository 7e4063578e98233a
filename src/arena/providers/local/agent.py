"""Offline voice agents: VAD → streaming STT → dialogue policy → TTS, with barge-in.

Everything runs in this process with bundled models. A listener thread per call runs the
VAD and the recognizer on 20 ms frames (the event loop only enqueues them); at the end of an
utterance the policy answers in a worker thread and the reply is synthesized sentence by
sentence and sent in 100 ms chunks paced a little ahead of real time, so that when the caller
starts speaking over it the agent stops at once and emits `Interrupt`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.agent import AgentConnectError, AgentSession, VoiceAgent
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.local.chat_policy import ChatPolicy, PolicyError
from arena.providers.local.policy import GroundedPolicy, Policy
from arena.providers.stt import SpeechToText, StreamingRecognizer
from arena.providers.tts import TextToSpeech
from arena.voice.live.events import (
    BYTES_PER_SAMPLE,
    SAMPLE_RATE,
    AgentAudio,
    AgentEvent,
    AgentTranscript,
    Ended,
    Error,
    Interrupt,
    SpeechStarted,
    SpeechStopped,
    ToolCall,
    UserTranscript,
)
from arena.voice.live.vad import FRAME_BYTES, Endpointer
from arena.voice.synthesis import astream_pcm16

if TYPE_CHECKING:
    from arena.core.scenarios import Scenario

logger = logging.getLogger("arena.live.local_agent")

CHUNK_BYTES = SAMPLE_RATE * BYTES_PER_SAMPLE // 10  # 100 ms
LEAD_S = 0.2  # how far ahead of playback the agent sends audio
PREROLL_FRAMES = 15  # 300 ms of audio before the detected speech start goes to the STT
PARTIAL_EVERY_S = 0.3
# Speech resuming this soon after an utterance ended continues it (a pause, not a new turn).
CONTINUATION_S = 0.8
# Semantic endpointing: after a short or clearly unfinished phrase ("Hi,", "and the"), wait
# this long for more before answering; otherwise the agent's `end_of_speech_ms` applies.
HOLD_MS = 700
_UNFINISHED = frozenset(
    {"and", "but", "or", "so", "because", "the", "a", "an", "to", "for", "at", "of", "with"}
    | {"my", "i", "i'm", "i'd", "is", "are", "was", "in", "on", "um", "uh", "that", "this"}
)


def sounds_unfinished(partial: str | None) -> bool:
    """Whether a running transcript looks like the caller has more to say."""
    words = (partial or "").split()
    return len(words) <= 2 or words[-1] in _UNFINISHED


@dataclass
class LocalAgent(VoiceAgent):
    """An offline agent made of one STT and one TTS system and a dialogue policy."""

    stt: SpeechToText | None = None
    tts: TextToSpeech | None = None
    end_of_speech_ms: int = 300
    warm_up: bool = False
    openai_api_key: str | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "gpt-4o-mini"

    def available(self) -> Availability:
        for part in (self.stt, self.tts):
            if part is None:
                return Availability.no("the agent has no STT or TTS engine configured")
            availability = part.available()
            if not availability.ok:
                return availability
        return Availability.yes()

    def policy_for(self, scenario: Scenario) -> Policy:
        """The chat model when OPENAI_API_KEY is set, else the scenario-grounded policy."""
        if self.openai_api_key:
            return ChatPolicy(
                scenario, self.openai_base_url, self.openai_api_key, self.openai_model
            )
        return GroundedPolicy(scenario)

    async def connect(self, scenario: Scenario) -> AgentSession:
        availability = self.available()
        if not availability.ok or self.stt is None or self.tts is None:
            raise AgentConnectError(self.id, "local", availability.reason)
        session = LocalAgentSession(
            self.id, self.stt, self.tts, self.policy_for(scenario), self.end_of_speech_ms
        )
        if self.warm_up:  # load the model now rather than during the caller's first turn
            await asyncio.to_thread(self.stt.transcribe, Audio(np.zeros(3200, np.float32), 16000))
        await session.start()
        return session


class LocalAgentSession(AgentSession):
    """One call with a local agent (see the module docstring)."""

    def __init__(
        self,
        system_id: str,
        stt: SpeechToText,
        tts: TextToSpeech,
        policy: Policy,
        end_of_speech_ms: int,
    ) -> None:
        self._system_id = system_id
        self._stt = stt
        self._tts = tts
        self._policy = policy
        self._end_of_speech_ms = end_of_speech_ms
        self._endpointer = Endpointer(end_ms=end_of_speech_ms)
        self._events: asyncio.Queue[AgentEvent | None] = asyncio.Queue()
        self._frames: queue.Queue[bytes | None] = queue.Queue()
        self._loop = asyncio.get_running_loop()
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._speaking: asyncio.Task[None] | None = None
        self._replying: asyncio.Task[None] | None = None
        self._plays_until = 0.0
        self._closed = False
        self._pending = bytearray()
        self._last_heard = ""
        self._last_heard_at = float("-inf")
        self._continuing = False
        self._preroll: deque[bytes] = deque(maxlen=PREROLL_FRAMES)
        self._last_partial = ""
        self._partial_at = 0.0

    async def start(self) -> None:
        try:
            greeting = self._policy.greeting()
        except PolicyError as exc:
            raise AgentConnectError(self._system_id, "local", str(exc)) from exc
        self._listener.start()
        self._speaking = asyncio.create_task(self._say(greeting.text, end_call=False))

    # --- audio in: the listener thread ----------------------------------------------------

    async def send_audio(self, pcm16_16k: bytes) -> None:
        if self._closed:
            return
        # Hand whole 20 ms frames to the listener; keep the remainder for the next chunk.
        self._pending.extend(pcm16_16k)
        usable = len(self._pending) - len(self._pending) % FRAME_BYTES
        if usable:
            self._frames.put(bytes(self._pending[:usable]))
            del self._pending[:usable]

    def _listen(self) -> None:
        recognizer = self._stt.open_stream(SAMPLE_RATE)
        try:
            while (audio := self._drain()) is not None:
                self._hear(recognizer, audio)
        except ProviderError as exc:
            self._post(Error(f"speech recognition failed: {exc}"))
        finally:
            with contextlib.suppress(Exception):
                recognizer.reset()

    def _drain(self) -> bytes | None:
        """All audio waiting (one recognizer call when the listener fell behind); None: stop."""
        chunks = [self._frames.get()]
        while chunks[-1] is not None:
            try:
                chunks.append(self._frames.get_nowait())
            except queue.Empty:
                break
        if chunks[-1] is None:
            return None
        return b"".join(c for c in chunks if c is not None)

    def _hear(self, recognizer: StreamingRecognizer, audio: bytes) -> None:
        """VAD per 20 ms frame; the speech (with its pre-roll) goes to the recognizer."""
        speech = bytearray()
        for start in range(0, len(audio), FRAME_BYTES):
            frame = audio[start : start + FRAME_BYTES]
            was_speaking = self._endpointer.speaking
            edges = self._endpointer.feed(frame, time.monotonic())
            if was_speaking or self._endpointer.speaking:
                speech.extend(b"".join(self._preroll))
                self._preroll.clear()
                speech.extend(frame)
            else:
                self._preroll.append(frame)
            for edge in edges:
                if edge.kind == "start":
                    self._call(self._user_started)
                    continue
                if speech:
                    recognizer.feed(bytes(speech))
                    speech.clear()
                self._last_partial = ""
                self._call(self._user_finished, recognizer.finish())
        if speech:
            self._partial(recognizer.feed(bytes(speech)))

    def _partial(self, partial: str | None) -> None:
        """Semantic endpointing from the running transcript, and throttled partial events."""
        self._endpointer.end_ms = HOLD_MS if sounds_unfinished(partial) else self._end_of_speech_ms
        now = time.monotonic()
        if partial and partial != self._last_partial and now - self._partial_at > PARTIAL_EVERY_S:
            self._last_partial, self._partial_at = partial, now
            self._post(UserTranscript(partial, final=False))

    def _post(self, event: AgentEvent | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            self._loop.call_soon_threadsafe(self._events.put_nowait, event)

    def _call(self, callback: object, *args: object) -> None:
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(callback, *args)  # type: ignore[arg-type]

    # --- turn taking: on the event loop ------------------------------------------------------

    def _user_started(self) -> None:
        self._events.put_nowait(SpeechStarted("user"))
        self._continuing = time.monotonic() - self._last_heard_at < CONTINUATION_S
        playing = time.monotonic() < self._plays_until
        for task in (self._speaking, self._replying):
            if task is not None and not task.done():
                task.cancel()
        if playing:
            self._plays_until = time.monotonic()
            self._events.put_nowait(Interrupt())

    def _user_finished(self, text: str) -> None:
        self._events.put_nowait(SpeechStopped("user"))
        text = text.strip()
        if not text or self._closed:
            return
        self._events.put_nowait(UserTranscript(text, final=True))
        heard = f"{self._last_heard} {text}" if self._continuing else text
        self._last_heard, self._last_heard_at = heard, time.monotonic()
        self._replying = asyncio.create_task(self._reply(heard))

    async def _reply(self, heard: str) -> None:
        try:
            reply = await asyncio.to_thread(self._policy.respond, heard)
        except PolicyError as exc:
            self._events.put_nowait(Error(f"the dialogue policy failed: {exc}"))
            return
        for call in reply.tool_calls:
            self._events.put_nowait(ToolCall(call.name, call.arguments, call.result))
        if reply.text:
            self._speaking = asyncio.create_task(self._say(reply.text, reply.end_call))

    async def _say(self, text: str, end_call: bool) -> None:
        """Synthesize `text` and send it paced; announce the transcript with the first audio."""
        announced = False
        try:
            async for pcm in astream_pcm16(self._tts, text, SAMPLE_RATE):
                for start in range(0, len(pcm), CHUNK_BYTES):
                    chunk = pcm[start : start + CHUNK_BYTES]
                    ahead = self._plays_until - time.monotonic()
                    if ahead > LEAD_S:
                        await asyncio.sleep(ahead - LEAD_S)
                    self._events.put_nowait(AgentAudio(chunk))
                    if not announced:
                        announced = True
                        self._events.put_nowait(SpeechStarted("agent"))
                        self._events.put_nowait(AgentTranscript(text, final=True))
                    seconds = len(chunk) / (SAMPLE_RATE * BYTES_PER_SAMPLE)
                    self._plays_until = max(self._plays_until, time.monotonic()) + seconds
        except ProviderError as exc:
            self._events.put_nowait(Error(f"speech synthesis failed: {exc}"))
            return
        remaining = self._plays_until - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)
        self._events.put_nowait(SpeechStopped("agent"))
        if end_call:
            self._events.put_nowait(Ended("the agent said goodbye and hung up"))

    # --- events out, and the end ---------------------------------------------------------------

    async def events(self) -> AsyncIterator[AgentEvent]:
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event
            if isinstance(event, Ended | Error):
                return

    async def end(self) -> None:
        await self.close()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._frames.put(None)
        for task in (self._speaking, self._replying):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await asyncio.to_thread(self._listener.join, 5)
        close = getattr(self._policy, "close", None)
        if callable(close):
            close()
        self._events.put_nowait(None)


def _engines(settings: Settings) -> dict[str, tuple[SpeechToText, TextToSpeech]]:
    from arena.providers.local.espeak import EspeakVoice
    from arena.providers.local.piper import PiperSpeaker, joe_voice_files
    from arena.providers.local.turn_recognizer import TurnPocketsphinxSTT
    from arena.providers.local.whisper import WhisperSTT, bundled_model_dir

    sphinx = TurnPocketsphinxSTT(
        id="stt-pocketsphinx/stream",
        mode="stt",
        display_name="PocketSphinx (stream)",
        provider="pocketsphinx",
        streaming=True,
    )
    espeak = EspeakVoice(
        id="espeak-ng/en-us", mode="tts", display_name="eSpeak NG", provider="espeak-ng"
    )
    model_dir: Path | None
    try:
        model_dir = bundled_model_dir()
    except ImportError:
        model_dir = None
    whisper = WhisperSTT(
        id="stt-whisper-tiny/greedy",
        mode="stt",
        display_name="Whisper tiny.en",
        provider="faster-whisper",
        model_dir=model_dir,
    )
    voice: tuple[Path, Path] | tuple[None, None]
    try:
        voice = joe_voice_files()
    except ImportError:
        voice = (None, None)
    piper = PiperSpeaker(
        id="piper/joe-medium",
        mode="tts",
        display_name="Piper (joe)",
        provider="piper",
        model_path=voice[0],
        config_path=voice[1],
    )
    return {"fast": (sphinx, espeak), "quality": (whisper, piper)}


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The two offline agents: fast (PocketSphinx + eSpeak NG), quality (Whisper + Piper)."""
    engines = _engines(settings)
    policy = (
        f"{settings.openai_model} (OpenAI-compatible, {settings.openai_base_url})"
        if settings.openai_api_key
        else "scenario-grounded rules (slots, fact retrieval, simulated tools)"
    )
    described = {
        "fast": (
            "Local: PocketSphinx + eSpeak NG",
            "pocketsphinx (streaming, no fwdflat pass)",
            "espeak-ng en-us",
        ),
        "quality": (
            "Local: Whisper tiny.en + Piper",
            "whisper tiny.en (greedy)",
            "piper joe-medium",
        ),
    }
    for suffix, (stt, tts) in engines.items():
        name, stt_name, tts_name = described[suffix]
        register(
            LocalAgent(
                id=f"agent-local-{suffix}",
                mode="agent",
                display_name=name,
                provider="local",
                engine=f"local-{suffix}",
                config={
                    "architecture_type": "cascade",
                    "components": {
                        "vad": "webrtcvad",
                        "stt": stt_name,
                        "llm": policy,
                        "tts": tts_name,
                    },
                },
                stt=stt,
                tts=tts,
                end_of_speech_ms=300,
                warm_up=suffix == "quality",
                openai_api_key=settings.openai_api_key,
                openai_base_url=settings.openai_base_url,
                openai_model=settings.openai_model,
            )
        )
