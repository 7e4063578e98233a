"""Voice activity on a live PCM stream: 20 ms frames, webrtcvad plus an energy floor.

`Endpointer` turns arbitrary-sized chunks (with their arrival time) into speech start/end
edges, timestamped at the frame where speech really started or stopped, not when the
hangover expired. Per chunk it allocates nothing big: one reusable 640-byte frame buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import webrtcvad

from arena.voice.live.events import BYTES_PER_SAMPLE, SAMPLE_RATE

FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * BYTES_PER_SAMPLE
FRAME_SECONDS = FRAME_MS / 1000

# Frames quieter than this RMS (about -48 dBFS) are silence whatever webrtcvad says.
_ENERGY_FLOOR = 0.004 * 32768


@dataclass(frozen=True, slots=True)
class SpeechEdge:
    """Speech started or stopped at `at` (seconds on the caller's clock)."""

    kind: Literal["start", "end"]
    at: float


NO_EDGES: tuple[SpeechEdge, ...] = ()


class VoiceActivity:
    """Is this 20 ms frame speech? webrtcvad gated by an energy floor."""

    def __init__(self, aggressiveness: int = 2) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, frame: bytes | bytearray | memoryview) -> bool:
        samples = np.frombuffer(frame, dtype="<i2")
        energy = float(np.sqrt(np.mean(np.square(samples, dtype=np.float32))))
        if energy < _ENERGY_FLOOR:
            return False
        return bool(self._vad.is_speech(frame, SAMPLE_RATE))


class Endpointer:
    """Speech start/end edges on a live stream.

    Speech starts after `start_ms` of consecutive voiced frames and ends after `end_ms` of
    consecutive unvoiced ones; the edges carry the time of the first/last voiced frame.
    """

    def __init__(self, *, start_ms: int = 60, end_ms: int = 300, aggressiveness: int = 2) -> None:
        self._activity = VoiceActivity(aggressiveness)
        self._start_frames = max(1, start_ms // FRAME_MS)
        self._end_frames = max(1, end_ms // FRAME_MS)
        self.end_ms = end_ms
        self._frame = bytearray(FRAME_BYTES)
        self._view = memoryview(self._frame)
        self._filled = 0
        self._voiced_run = 0
        self._unvoiced_run = 0
        self._run_started_at = 0.0
        self._last_voiced_end = 0.0
        self.speaking = False

    @property
    def end_ms(self) -> int:
        """Silence that ends speech; may be changed between chunks (semantic endpointing)."""
        return self._end_frames * FRAME_MS

    @end_ms.setter
    def end_ms(self, value: int) -> None:
        self._end_frames = max(1, value // FRAME_MS)

    def feed(self, pcm: bytes, now: float) -> tuple[SpeechEdge, ...]:
        """Consume a chunk that finished arriving at `now`; return any edges it completed."""
        edges: tuple[SpeechEdge, ...] = NO_EDGES
        total = len(pcm)
        offset = 0
        while offset < total:
            take = min(FRAME_BYTES - self._filled, total - offset)
            self._view[self._filled : self._filled + take] = pcm[offset : offset + take]
            self._filled += take
            offset += take
            if self._filled < FRAME_BYTES:
                break
            self._filled = 0
            frame_end = now - (total - offset) / (SAMPLE_RATE * BYTES_PER_SAMPLE)
            edge = self._classify(frame_end)
            if edge is not None:
                edges = (*edges, edge)
        return edges

    def flush(self) -> tuple[SpeechEdge, ...]:
        """End any speech in progress (the stream stopped)."""
        if not self.speaking:
            return NO_EDGES
        self.speaking = False
        self._voiced_run = self._unvoiced_run = 0
        return (SpeechEdge("end", self._last_voiced_end),)

    def _classify(self, frame_end: float) -> SpeechEdge | None:
        if self._activity.is_speech(self._frame):
            if self._voiced_run == 0:
                self._run_started_at = frame_end - FRAME_SECONDS
            self._voiced_run += 1
            self._unvoiced_run = 0
            self._last_voiced_end = frame_end
            if not self.speaking and self._voiced_run >= self._start_frames:
                self.speaking = True
                return SpeechEdge("start", self._run_started_at)
            return None
        self._voiced_run = 0
        self._unvoiced_run += 1
        if self.speaking and self._unvoiced_run >= self._end_frames:
            self.speaking = False
            return SpeechEdge("end", self._last_voiced_end)
        return None
