"""Upload decoding: every accepted container, the limits, and the clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from arena.core.decode import (
    AudioLimits,
    AudioTooLargeError,
    AudioTooLongError,
    UnsupportedAudioError,
    decode_upload,
)
from tests.stt_battles.audio_files import (
    encoded_bytes,
    flac_bytes,
    ogg_vorbis_bytes,
    tone,
    wav_bytes,
)

ONE_SECOND = tone(1.0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("wav", wav_bytes(ONE_SECOND)),
        ("stereo wav", wav_bytes(ONE_SECOND, channels=2)),
        ("ogg vorbis", ogg_vorbis_bytes(ONE_SECOND)),
        ("webm opus", encoded_bytes(ONE_SECOND, "webm", "libopus")),
        ("ogg opus", encoded_bytes(ONE_SECOND, "ogg", "libopus")),
        ("mp3", encoded_bytes(ONE_SECOND, "mp3", "libmp3lame", rate=44_100)),
    ],
)
def test_decodes_accepted_formats_to_16k_mono(name: str, data: bytes) -> None:
    audio = decode_upload(data)
    assert audio.sample_rate == 16_000
    assert audio.samples.ndim == 1
    assert audio.samples.dtype == np.float32
    assert audio.duration_s == pytest.approx(1.0, abs=0.1), name
    # The tone survives: its level is well above silence and within range.
    assert 0.05 < float(np.abs(audio.samples).max()) <= 1.0


def test_wav_content_is_preserved() -> None:
    audio = decode_upload(wav_bytes(tone(0.5, rate=16_000)))
    expected = tone(0.5, rate=16_000).samples
    assert np.abs(audio.samples[: expected.size] - expected).max() < 1e-3


def test_too_large_is_rejected_before_decoding() -> None:
    with pytest.raises(AudioTooLargeError, match="limit is 10 MB"):
        decode_upload(b"\0" * (10 * 1024 * 1024 + 1))


def test_too_long_is_rejected() -> None:
    data = wav_bytes(tone(3.0, rate=16_000))
    with pytest.raises(AudioTooLongError, match="limit is 2 s"):
        decode_upload(data, AudioLimits(max_seconds=2.0))


def test_too_long_without_declared_duration_is_rejected_while_decoding() -> None:
    # A live MediaRecorder WebM often declares no duration; the decoder must still stop.
    data = encoded_bytes(tone(3.0), "webm", "libopus")
    with pytest.raises(AudioTooLongError):
        decode_upload(data, AudioLimits(max_seconds=2.0))


def test_corrupt_data_names_the_problem() -> None:
    with pytest.raises(UnsupportedAudioError, match="could not be decoded"):
        decode_upload(b"this is not audio at all, just some text" * 10)


def test_truncated_webm_is_rejected() -> None:
    data = encoded_bytes(tone(1.0), "webm", "libopus")
    with pytest.raises(UnsupportedAudioError):
        decode_upload(data[:40])


def test_unsupported_container_names_the_format() -> None:
    with pytest.raises(UnsupportedAudioError, match="'flac' is not supported"):
        decode_upload(flac_bytes(ONE_SECOND))


def test_empty_upload() -> None:
    with pytest.raises(UnsupportedAudioError, match="empty"):
        decode_upload(b"")
