"""Real audio files in several containers, encoded with soundfile and PyAV for upload tests."""

from __future__ import annotations

import io

import av
import numpy as np
import soundfile as sf

from arena.core.audio import Audio


def tone(seconds: float, rate: int = 48_000, freq: float = 440.0) -> Audio:
    """A sine tone with a little amplitude envelope, so it is not silence."""
    t = np.arange(int(seconds * rate), dtype=np.float32) / rate
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 2.0 * t)
    return Audio((0.3 * envelope * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate)


def wav_bytes(audio: Audio, channels: int = 1) -> bytes:
    buf = io.BytesIO()
    data = np.stack([audio.samples] * channels, axis=1) if channels > 1 else audio.samples
    sf.write(buf, data, audio.sample_rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def ogg_vorbis_bytes(audio: Audio) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, audio.samples, audio.sample_rate, format="OGG", subtype="VORBIS")
    return buf.getvalue()


def flac_bytes(audio: Audio) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, audio.samples, audio.sample_rate, format="FLAC")
    return buf.getvalue()


def encoded_bytes(audio: Audio, container: str, codec: str, rate: int = 48_000) -> bytes:
    """Encode with PyAV: ("webm", "libopus"), ("ogg", "libopus"), ("mp3", "libmp3lame")…"""
    source = audio.resampled(rate)
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(source.samples[None, :], format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()
