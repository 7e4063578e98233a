"""Assertions about synthesized speech shared by the provider tests."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from arena.core.audio import Audio

SENTENCE = "The quick brown fox jumps over the lazy dog. Then it rests."


def joined(chunks: Iterable[Audio]) -> Audio:
    """The chunks an engine yielded, as one Audio; they must share one sample rate."""
    parts = list(chunks)
    assert parts, "the engine yielded no audio"
    rates = {p.sample_rate for p in parts}
    assert len(rates) == 1, f"mixed sample rates {rates}"
    return Audio(np.concatenate([p.samples for p in parts]), rates.pop())


def assert_speech(audio: Audio, sample_rate: int | None = None) -> None:
    """Speech-like: a plausible length for SENTENCE, clearly audible, at the expected rate."""
    if sample_rate is not None:
        assert audio.sample_rate == sample_rate
    assert 1.0 < audio.duration_s < 15.0, audio.duration_s
    rms = float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)))
    assert rms > 0.01, f"nearly silent (rms {rms:.4f})"
    assert float(np.abs(audio.samples).max()) <= 1.0
