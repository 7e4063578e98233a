"""A scripted voice agent on one call, shared by the Vapi and Retell emulators.

It greets, listens to the caller with VAD endpointing, transcribes (pocketsphinx, or a
description of the utterance when `transcriber="none"`), replies in real speech (espeak-ng)
or a tone, paced in 20 ms frames, and stops talking when the caller barges in. The protocol
layers turn its `CallEvent`s into their wire messages.
"""

from __future__ import annotations

import asyncio
import math
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from arena.voice.live.vad import FRAME_BYTES, FRAME_SECONDS, Endpointer

Voice = Literal["speech", "tone"]
Transcriber = Literal["pocketsphinx", "none"]


@dataclass(frozen=True)
class CallEvent:
    """Something the simulated agent did: `kind` plus its payload."""

    kind: Literal[
        "audio",
        "agent_text",
        "user_text",
        "speech_started",
        "speech_stopped",
        "interrupt",
        "end",
    ]
    text: str = ""
    final: bool = False
    role: Literal["user", "agent"] = "agent"
    pcm: bytes = b""


def default_reply(heard: str) -> str:
    """What the emulator answers: it repeats what it heard and offers more help."""
    return f"You said: {heard}. What else can I do for you?"


@dataclass
class CallOptions:
    """How a simulated call behaves; the emulators expose these as command-line flags."""

    voice: Voice = "speech"
    transcriber: Transcriber = "none"
    max_call_seconds: float | None = None
    stamp_frames: bool = False
    tone_seconds: float | None = None
    listen: bool = True
    reply: Callable[[str], str] = default_reply


def _tone(text: str, seconds: float | None = None) -> bytes:
    seconds = seconds or max(0.4, 0.06 * len(text))
    t = np.arange(int(seconds * 16000), dtype=np.float32) / 16000
    wave = 0.2 * np.sin(2 * math.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * math.pi * 3 * t))
    return (wave * 32767).astype("<i2").tobytes()


def _speech(text: str) -> bytes:
    from arena.providers.local.espeak import library

    return library().speak("en-us", text).resampled(16000).to_pcm16()


class _Transcriber:
    """Whole-utterance transcription in a worker thread."""

    def __init__(self, kind: Transcriber) -> None:
        self._kind = kind
        self._recognizer: object | None = None

    async def transcribe(self, pcm: bytes) -> str:
        seconds = len(pcm) / 32000
        if self._kind == "none" or not pcm:
            return f"[{seconds:.1f} seconds of speech]"
        return await asyncio.to_thread(self._pocketsphinx, pcm)

    def _pocketsphinx(self, pcm: bytes) -> str:
        from pocketsphinx import Decoder

        if self._recognizer is None:
            self._recognizer = Decoder(samprate=16000, loglevel="FATAL")
        decoder = self._recognizer
        assert isinstance(decoder, Decoder)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr if hyp is not None and hyp.hypstr else "(inaudible)"


class SimulatedCall:
    """One call's agent. Feed caller audio with `hear`; read `events` until an "end" event."""

    def __init__(self, greeting: str, options: CallOptions) -> None:
        self.events: asyncio.Queue[CallEvent] = asyncio.Queue()
        self._greeting = greeting
        self._options = options
        self._endpointer = Endpointer(end_ms=400)
        self._utterance = bytearray()
        self._transcriber = _Transcriber(options.transcriber)
        self._speaking: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = time.monotonic()
        self.ended = False
        self.frames_sent = 0
        self._words_said = 0

    def start(self) -> None:
        self._spawn(self._say(self._greeting))
        if self._options.max_call_seconds is not None:
            self._spawn(self._limit(self._options.max_call_seconds))

    def _spawn(self, coro: object) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def hear(self, pcm: bytes) -> None:
        """Caller audio arrived."""
        if self.ended or not self._options.listen:
            return
        was_speaking = self._endpointer.speaking
        edges = self._endpointer.feed(pcm, time.monotonic())
        if was_speaking:
            self._utterance.extend(pcm)
        for edge in edges:
            if edge.kind == "start":
                self._utterance = bytearray(pcm)
                await self.events.put(CallEvent("speech_started", role="user"))
                if self._speaking is not None and not self._speaking.done():
                    self._speaking.cancel()
                    await self.events.put(CallEvent("interrupt"))
            else:
                await self.events.put(CallEvent("speech_stopped", role="user"))
                self._spawn(self._answer(bytes(self._utterance)))
                self._utterance = bytearray()

    async def _answer(self, pcm: bytes) -> None:
        heard = await self._transcriber.transcribe(pcm)
        await self.events.put(CallEvent("user_text", text=heard, final=True, role="user"))
        await self._say(self._options.reply(heard))

    async def _say(self, text: str) -> None:
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
        self._speaking = self._spawn(self._speak(text))

    async def _speak(self, text: str) -> None:
        if self._options.voice == "speech":
            pcm = await asyncio.to_thread(_speech, text)
        else:
            pcm = _tone(text, self._options.tone_seconds)
        words = text.split()
        frames = max(1, math.ceil(len(pcm) / FRAME_BYTES))
        await self.events.put(CallEvent("speech_started", role="agent"))
        start = time.monotonic()
        try:
            await self._stream(pcm, frames, words, start)
        except asyncio.CancelledError:
            said = " ".join(words[: self._words_said])
            await self.events.put(CallEvent("agent_text", text=said or "…", final=True))
            await self.events.put(CallEvent("speech_stopped", role="agent"))
            raise
        await self.events.put(CallEvent("agent_text", text=text, final=True))
        await self.events.put(CallEvent("speech_stopped", role="agent"))

    async def _stream(self, pcm: bytes, frames: int, words: list[str], start: float) -> None:
        self._words_said = 0
        for index in range(frames):
            frame = pcm[index * FRAME_BYTES : (index + 1) * FRAME_BYTES]
            if len(frame) < FRAME_BYTES:
                frame = frame + bytes(FRAME_BYTES - len(frame))
            if self._options.stamp_frames:  # send time (CLOCK_MONOTONIC) and sequence number
                frame = struct.pack("<QI", time.monotonic_ns(), self.frames_sent) + frame[12:]
            await self.events.put(CallEvent("audio", pcm=frame))
            self.frames_sent += 1
            due_words = math.ceil(len(words) * (index + 1) / frames)
            if due_words > self._words_said and index % 10 == 9:
                self._words_said = due_words
                partial = " ".join(words[:due_words])
                await self.events.put(CallEvent("agent_text", text=partial, final=False))
            delay = start + (index + 1) * FRAME_SECONDS - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)

    async def _limit(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.end("exceeded-max-duration")

    async def end(self, reason: str) -> None:
        """The agent side hangs up."""
        if self.ended:
            return
        self.ended = True
        if self._speaking is not None:
            self._speaking.cancel()
        await self.events.put(CallEvent("end", text=reason))

    def stop(self) -> None:
        """The socket is gone: stop every task of this call."""
        self.ended = True
        for task in list(self._tasks):
            task.cancel()


class ThreadedServer:
    """Runs an ASGI app with uvicorn on 127.0.0.1 in a background thread (its own loop)."""

    def __init__(self, app: object, port: int = 0) -> None:
        import socket
        import threading

        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", ws_max_size=1 << 20, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

    def start(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def serve_forever(self) -> None:
        """Run in the foreground until Ctrl-C (for demos)."""
        self._run()
