"""The synthesis service: common rate and loudness on disk, blinded cache, typed failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
import soundfile as sf

from arena.config import Settings
from arena.core.audio import Audio, read_wav
from arena.core.loudness import integrated_loudness
from arena.providers.base import ProviderError
from arena.providers.local import espeak, piper
from arena.providers.tts import TextToSpeech
from arena.voice.synthesis import astream_pcm16, stream_pcm16, synthesize
from tests.providers.speech import SENTENCE, assert_speech


def system(module: object, settings: Settings) -> TextToSpeech:
    found: list[TextToSpeech] = []
    module.register_systems(register=found.append, settings=settings)  # type: ignore[attr-defined]
    return found[0]


@dataclass
class ThirdPartyVoice(TextToSpeech):
    """A plugin's engine as the contract allows it to misbehave: fail, stay silent, or speak."""

    behaviour: str = "speak"

    def synthesize(self, text: str) -> Iterator[Audio]:
        if self.behaviour == "crash":
            raise KeyError("voice table corrupt")
        if self.behaviour == "silent":
            yield Audio(np.zeros(16000, dtype=np.float32), 16000)
            return
        if self.behaviour == "mixed":
            yield Audio(np.full(800, 0.1, dtype=np.float32), 8000)
            yield Audio(np.full(1600, 0.1, dtype=np.float32), 16000)
            return


def plugin_voice(behaviour: str) -> ThirdPartyVoice:
    return ThirdPartyVoice(
        id="thirdparty/voice", mode="tts", display_name="x", provider="x", behaviour=behaviour
    )


async def test_writes_wav_at_the_common_rate_and_loudness(settings: Settings) -> None:
    result = await synthesize(system(espeak, settings), SENTENCE, settings)
    info = sf.info(str(result.audio_path))
    assert (info.samplerate, info.channels, info.subtype) == (24000, 1, "PCM_16")
    audio = read_wav(result.audio_path.read_bytes())
    assert_speech(audio, sample_rate=settings.tts_sample_rate)
    assert integrated_loudness(audio) == pytest.approx(settings.tts_loudness_lufs, abs=1.0)
    assert result.duration_s == pytest.approx(audio.duration_s, abs=1e-3)
    assert 0 < result.ttfb_s <= result.synthesis_s
    assert result.rtf == pytest.approx(result.synthesis_s / result.duration_s)
    assert not result.cached


async def test_honours_the_configured_rate_and_loudness(settings: Settings) -> None:
    custom = settings.model_copy(update={"tts_sample_rate": 16000, "tts_loudness_lufs": -24.0})
    result = await synthesize(system(piper, custom), SENTENCE, custom)
    audio = read_wav(result.audio_path.read_bytes())
    assert_speech(audio, sample_rate=16000)
    assert integrated_loudness(audio) == pytest.approx(-24.0, abs=1.0)


async def test_second_request_is_a_cache_hit_with_the_original_timings(
    settings: Settings,
) -> None:
    voice = system(espeak, settings)
    first = await synthesize(voice, SENTENCE, settings)
    second = await synthesize(voice, SENTENCE, settings)
    assert second.cached
    assert second.audio_path == first.audio_path
    assert (second.synthesis_s, second.ttfb_s, second.duration_s) == (
        first.synthesis_s,
        first.ttfb_s,
        first.duration_s,
    )
    other_text = await synthesize(voice, "Something else entirely.", settings)
    assert not other_text.cached
    assert other_text.audio_path != first.audio_path


async def test_cache_files_do_not_name_the_system(settings: Settings) -> None:
    voice = system(espeak, settings)
    result = await synthesize(voice, SENTENCE, settings)
    cache_root = settings.cache_dir / "tts"
    assert result.audio_path.is_relative_to(cache_root)
    for path in cache_root.rglob("*"):
        relative = str(path.relative_to(cache_root))
        for word in ("espeak", "en-us", voice.id):
            assert word not in relative
    sidecar = json.loads(result.audio_path.with_suffix(".json").read_text())
    assert "espeak" not in json.dumps(sidecar)


async def test_an_engine_crash_is_a_provider_error_naming_the_system(
    settings: Settings,
) -> None:
    with pytest.raises(ProviderError) as caught:
        await synthesize(plugin_voice("crash"), SENTENCE, settings)
    assert caught.value.system_id == "thirdparty/voice"
    assert "KeyError" in str(caught.value)
    assert not (settings.cache_dir / "tts").exists()


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("nothing", "produced no audio"),
        ("silent", "only silence"),
        ("mixed", "mixed sample rates"),
    ],
)
async def test_unusable_output_is_a_provider_error(
    settings: Settings, behaviour: str, message: str
) -> None:
    with pytest.raises(ProviderError, match=message):
        await synthesize(plugin_voice(behaviour), SENTENCE, settings)


def test_stream_yields_pcm16_chunks_at_the_requested_rate(settings: Settings) -> None:
    voice = system(espeak, settings)  # near-deterministic durations, unlike Piper's sampled ones
    chunks = list(stream_pcm16(voice, SENTENCE, 16000))
    assert len(chunks) >= 2
    assert all(len(c) % 2 == 0 for c in chunks)
    audio = Audio.from_pcm16(b"".join(chunks), 16000)
    assert_speech(audio, sample_rate=16000)
    whole = list(voice.synthesize(SENTENCE))
    native_s = sum(len(c.samples) for c in whole) / whole[0].sample_rate
    assert audio.duration_s == pytest.approx(native_s, abs=0.05)


def test_piper_streams_a_chunk_per_sentence(settings: Settings) -> None:
    chunks = list(stream_pcm16(system(piper, settings), SENTENCE, 16000))
    assert len(chunks) >= 2
    assert_speech(Audio.from_pcm16(b"".join(chunks), 16000), sample_rate=16000)


async def test_async_stream_delivers_the_same_audio(settings: Settings) -> None:
    voice = system(espeak, settings)
    received = [chunk async for chunk in astream_pcm16(voice, SENTENCE, 8000)]
    assert len(received) >= 2
    audio = Audio.from_pcm16(b"".join(received), 8000)
    assert_speech(audio, sample_rate=8000)
    direct = Audio.from_pcm16(b"".join(stream_pcm16(voice, SENTENCE, 8000)), 8000)
    assert audio.duration_s == pytest.approx(direct.duration_s, abs=0.05)


async def test_async_stream_raises_the_engine_failure(settings: Settings) -> None:
    with pytest.raises(ProviderError, match="KeyError"):
        async for _ in astream_pcm16(plugin_voice("crash"), SENTENCE, 16000):
            pass


async def test_async_stream_can_stop_early(settings: Settings) -> None:
    voice = system(espeak, settings)
    stream = astream_pcm16(voice, "One. Two. Three. Four. Five.", 16000)
    first = await anext(stream)
    await stream.aclose()
    assert len(first) > 0
