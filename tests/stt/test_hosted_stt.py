"""Hosted STT clients (OpenAI transcriptions, Deepgram listen) against real local emulators."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arena.config import Settings
from arena.core.audio import Audio, read_wav
from arena.providers.base import ProviderError
from arena.providers.hosted import deepgram, openai_stt
from arena.providers.stt import SpeechToText
from tests.fakes.deepgram_api import DeepgramEmulator
from tests.fakes.openai_api import OpenAIEmulator


@pytest.fixture
def openai_api() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key="sk-test") as api:
        yield api


@pytest.fixture
def deepgram_api() -> Iterator[DeepgramEmulator]:
    with DeepgramEmulator(api_key="dg-test") as api:
        yield api


def systems(module: object, settings: Settings) -> dict[str, SpeechToText]:
    found: list[SpeechToText] = []
    module.register_systems(register=found.append, settings=settings)  # type: ignore[attr-defined]
    return {s.id: s for s in found}


def test_without_keys_they_explain_which_variable_to_set(settings: Settings) -> None:
    for module, variable in ((openai_stt, "OPENAI_API_KEY"), (deepgram, "DEEPGRAM_API_KEY")):
        for system in systems(module, settings).values():
            assert system.mode == "stt"
            availability = system.available()
            assert not availability.ok
            assert variable in availability.reason


def test_openai_sends_multipart_wav_and_reads_words(
    settings: Settings, openai_api: OpenAIEmulator, spoken_sentence: Audio
) -> None:
    configured = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": openai_api.base_url}
    )
    received: list[Audio] = []

    def transcript(audio: bytes, fields: dict[str, str]) -> str:
        received.append(read_wav(audio))
        return "The quick brown fox."

    openai_api.respond_transcripts_with(transcript)
    system = systems(openai_stt, configured)["stt-openai/whisper-1"]
    assert system.available().ok
    result = system.transcribe(spoken_sentence.resampled(24000))
    assert result.text == "The quick brown fox."
    assert received[0].sample_rate == 16000
    assert abs(received[0].duration_s - spoken_sentence.duration_s) < 0.01
    request = openai_api.requests_to("/audio/transcriptions")[0]
    assert request.body["model"] == "whisper-1"
    assert request.body["response_format"] == "verbose_json"
    assert request.headers["authorization"] == "Bearer sk-test"


def test_openai_json_model(settings: Settings, openai_api: OpenAIEmulator) -> None:
    configured = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": openai_api.base_url}
    )
    openai_api.enqueue_transcripts("Call 555-1234.")
    system = systems(openai_stt, configured)["stt-openai/gpt-4o-mini-transcribe"]
    assert system.transcribe(Audio.from_pcm16(b"\x00\x01" * 8000, 16000)).text == "Call 555-1234."
    assert openai_api.requests_to("/audio/transcriptions")[0].body["response_format"] == "json"


def test_openai_rejected_key_is_a_clear_error(
    settings: Settings, openai_api: OpenAIEmulator
) -> None:
    configured = settings.model_copy(
        update={"openai_api_key": "sk-wrong", "openai_base_url": openai_api.base_url}
    )
    system = systems(openai_stt, configured)["stt-openai/whisper-1"]
    with pytest.raises(ProviderError, match=r"HTTP 401.*check OPENAI_API_KEY.*Incorrect API key"):
        system.transcribe(Audio.from_pcm16(b"\x00\x01" * 8000, 16000))


def test_openai_server_error_and_unreachable_server(
    settings: Settings, openai_api: OpenAIEmulator
) -> None:
    configured = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": openai_api.base_url}
    )
    openai_api.fail_next(503, "overloaded", path_contains="/audio/transcriptions")
    system = systems(openai_stt, configured)["stt-openai/whisper-1"]
    clip = Audio.from_pcm16(b"\x00\x01" * 8000, 16000)
    with pytest.raises(ProviderError, match=r"HTTP 503.*server error.*overloaded"):
        system.transcribe(clip)
    unreachable = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": "http://127.0.0.1:9/v1"}
    )
    with pytest.raises(ProviderError, match=r"could not reach .*check OPENAI_BASE_URL"):
        systems(openai_stt, unreachable)["stt-openai/whisper-1"].transcribe(clip)


def test_deepgram_posts_wav_with_token_auth(
    settings: Settings, deepgram_api: DeepgramEmulator, spoken_sentence: Audio
) -> None:
    configured = settings.model_copy(
        update={"deepgram_api_key": "dg-test", "deepgram_base_url": deepgram_api.base_url}
    )
    deepgram_api.enqueue_transcripts("The quick brown fox jumps.")
    system = systems(deepgram, configured)["stt-deepgram/nova-3"]
    assert system.available().ok
    result = system.transcribe(spoken_sentence)
    assert result.text == "The quick brown fox jumps."
    assert [w.text for w in result.words] == ["The", "quick", "brown", "fox", "jumps."]
    assert result.words[-1].end_s == pytest.approx(spoken_sentence.duration_s, abs=0.01)
    request = deepgram_api.requests[0]
    assert request.params == {"model": "nova-3", "language": "en", "smart_format": "true"}
    assert request.headers["content-type"] == "audio/wav"


def test_deepgram_rejected_key_is_a_clear_error(
    settings: Settings, deepgram_api: DeepgramEmulator
) -> None:
    configured = settings.model_copy(
        update={"deepgram_api_key": "dg-wrong", "deepgram_base_url": deepgram_api.base_url}
    )
    system = systems(deepgram, configured)["stt-deepgram/nova-3"]
    with pytest.raises(ProviderError, match=r"HTTP 401.*DEEPGRAM_API_KEY.*INVALID_AUTH"):
        system.transcribe(Audio.from_pcm16(b"\x00\x01" * 8000, 16000))
    assert deepgram_api.requests == []
