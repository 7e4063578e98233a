"""Upload decoding: WAV, WebM/Ogg (Opus, Vorbis), MP3 and MP4/AAC bytes to 16 kHz mono Audio.

Limits are checked while decoding, so an oversized or overlong upload is rejected before it
is decoded in full.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np

from arena.core.audio import Audio, Samples

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_SECONDS",
    "AudioDecodeError",
    "AudioLimits",
    "AudioTooLargeError",
    "AudioTooLongError",
    "UnsupportedAudioError",
    "decode_upload",
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_SECONDS = 60.0
TARGET_RATE = 16_000

# Container names as FFmpeg reports them (a demuxer may list several aliases).
_CONTAINERS = {"wav", "matroska", "webm", "ogg", "mp3", "mov", "mp4", "m4a"}
_CODEC_PREFIXES = ("pcm_", "opus", "libopus", "vorbis", "mp3", "aac")
_SUPPORTED = "WAV, WebM or Ogg (Opus/Vorbis), MP3 or M4A (AAC)"


class AudioDecodeError(ValueError):
    """An upload could not be turned into audio; the message says why and what to send."""


class AudioTooLargeError(AudioDecodeError):
    """The upload is bigger than the byte limit (HTTP 413)."""


class AudioTooLongError(AudioDecodeError):
    """The upload lasts longer than the duration limit (HTTP 422)."""


class UnsupportedAudioError(AudioDecodeError):
    """The upload is not audio we can read: unknown format, codec, or corrupt data (HTTP 422)."""


@dataclass(frozen=True)
class AudioLimits:
    """How big and how long an upload may be."""

    max_bytes: int = MAX_UPLOAD_BYTES
    max_seconds: float = MAX_UPLOAD_SECONDS


def decode_upload(data: bytes, limits: AudioLimits = AudioLimits()) -> Audio:
    """Decode an uploaded audio file to 16 kHz mono float32, enforcing `limits`."""
    if len(data) > limits.max_bytes:
        raise AudioTooLargeError(
            f"the recording is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{limits.max_bytes / 1_048_576:.0f} MB — send a shorter or compressed recording"
        )
    if not data:
        raise UnsupportedAudioError(f"the upload is empty — send a {_SUPPORTED} file")
    try:
        samples = _decode(data, limits)
    except av.FFmpegError as exc:
        raise UnsupportedAudioError(
            f"the audio could not be decoded ({exc.strerror or type(exc).__name__}); "
            f"it may be corrupt or truncated — send a {_SUPPORTED} file"
        ) from exc
    if samples.size == 0 or not np.isfinite(samples).all():
        raise UnsupportedAudioError(f"the upload contains no playable audio — send a {_SUPPORTED}")
    return Audio(samples, TARGET_RATE)


def _decode(data: bytes, limits: AudioLimits) -> Samples:
    with av.open(io.BytesIO(data), mode="r") as container:
        formats = set(container.format.name.split(","))
        if not formats & _CONTAINERS:
            raise UnsupportedAudioError(
                f"audio format {container.format.name!r} is not supported — send {_SUPPORTED}"
            )
        if not container.streams.audio:
            raise UnsupportedAudioError(f"the upload has no audio track — send {_SUPPORTED}")
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        if not codec.startswith(_CODEC_PREFIXES):
            raise UnsupportedAudioError(
                f"audio codec {codec!r} is not supported — send {_SUPPORTED}"
            )
        declared = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else 0.0
        )
        if declared > limits.max_seconds:
            raise _too_long(declared, limits)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=TARGET_RATE)
        chunks: list[Samples] = []
        total = 0
        max_samples = int(limits.max_seconds * TARGET_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1).astype(np.float32)
                chunks.append(chunk)
                total += chunk.size
            if total > max_samples:
                raise _too_long(total / TARGET_RATE, limits)
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
    samples: Samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size > max_samples:
        raise _too_long(samples.size / TARGET_RATE, limits)
    return samples


def _too_long(seconds: float, limits: AudioLimits) -> AudioTooLongError:
    return AudioTooLongError(
        f"the recording lasts at least {seconds:.0f} s; the limit is "
        f"{limits.max_seconds:.0f} s — record a shorter clip"
    )
