"""Records both sides of a live call on one timeline: user WAV, agent WAV, stereo mix.

Each side is placed where it was heard: a chunk starts at its arrival time or right after
the previous chunk of the same side, whichever is later (agent audio arrives faster than
real time and is played gaplessly). An interrupt cuts the agent's unplayed audio.
Per chunk it only appends a reference; the tracks are rendered once, at the end.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import soundfile as sf

from arena.voice.live.events import BYTES_PER_SAMPLE, SAMPLE_RATE


class Track:
    """One side's chunks, each with its start sample on the shared timeline."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._chunks: list[bytes] = []
        self.end_sample = 0

    def add(self, pcm: bytes, at_sample: int) -> int:
        """Place `pcm` at `at_sample` (or later, after the previous chunk); return its start."""
        start = max(at_sample, self.end_sample)
        self._starts.append(start)
        self._chunks.append(pcm)
        self.end_sample = start + len(pcm) // BYTES_PER_SAMPLE
        return start

    def cut(self, at_sample: int) -> None:
        """Drop everything scheduled at or after `at_sample` (audio never played)."""
        while self._starts and self._starts[-1] >= at_sample:
            self._starts.pop()
            self._chunks.pop()
        if self._chunks:
            last_end = self._starts[-1] + len(self._chunks[-1]) // BYTES_PER_SAMPLE
            if last_end > at_sample:
                keep = (at_sample - self._starts[-1]) * BYTES_PER_SAMPLE
                self._chunks[-1] = self._chunks[-1][:keep]
        self.end_sample = min(self.end_sample, at_sample)

    @property
    def bytes_recorded(self) -> int:
        return sum(len(chunk) for chunk in self._chunks)

    def render(self, length: int) -> npt.NDArray[np.int16]:
        """The track as `length` int16 samples, silence where nothing was heard."""
        out = np.zeros(length, dtype=np.int16)
        for start, chunk in zip(self._starts, self._chunks, strict=True):
            samples = np.frombuffer(chunk, dtype="<i2")[: max(0, length - start)]
            out[start : start + len(samples)] = samples
        return out


@dataclass(frozen=True)
class Recording:
    """The finished recordings as WAV bytes (16 kHz, 16-bit): mono per side and a stereo mix."""

    user_wav: bytes
    agent_wav: bytes
    mix_wav: bytes
    duration_seconds: float


def _wav(samples: npt.NDArray[np.int16]) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, samples, SAMPLE_RATE, subtype="PCM_16", format="WAV")
    return buf.getvalue()


class Recorder:
    """Both sides of one conversation; times are seconds since the call started."""

    def __init__(self) -> None:
        self.user = Track()
        self.agent = Track()

    @staticmethod
    def _sample(at: float) -> int:
        return max(0, round(at * SAMPLE_RATE))

    def add_user(self, pcm: bytes, at: float) -> None:
        """User audio that finished arriving at `at`: it started one chunk-length earlier."""
        self.user.add(pcm, self._sample(at) - len(pcm) // BYTES_PER_SAMPLE)

    def add_agent(self, pcm: bytes, at: float) -> float:
        """Agent audio received at `at`; returns when it will start playing (seconds)."""
        return self.agent.add(pcm, self._sample(at)) / SAMPLE_RATE

    def agent_playing_until(self) -> float:
        """When the agent audio sent so far finishes playing (seconds)."""
        return self.agent.end_sample / SAMPLE_RATE

    def interrupt(self, at: float) -> None:
        """The user barged in at `at`: agent audio not yet played is dropped."""
        self.agent.cut(self._sample(at))

    def finish(self, at: float) -> Recording:
        """Render the tracks; the mix is left = user, right = agent."""
        length = max(self._sample(at), self.user.end_sample, self.agent.end_sample)
        user = self.user.render(length)
        agent = self.agent.render(length)
        return Recording(
            user_wav=_wav(user),
            agent_wav=_wav(agent),
            mix_wav=_wav(np.stack([user, agent], axis=1)),
            duration_seconds=length / SAMPLE_RATE,
        )
