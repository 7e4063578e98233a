"""The OpenAI TTS client against the OpenAI emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arena.config import Settings
from arena.providers.base import ProviderError
from arena.providers.hosted import openai_tts
from arena.providers.hosted.openai_tts import OpenAISpeech
from arena.providers.registry import Registry
from arena.voice.synthesis import synthesize
from tests.fakes.openai_api import OpenAIEmulator
from tests.providers.speech import SENTENCE, assert_speech, joined


@pytest.fixture
def api() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key="sk-test") as emulator:
        yield emulator


def voice(api: OpenAIEmulator, settings: Settings, key: str = "sk-test") -> OpenAISpeech:
    keyed = settings.model_copy(update={"openai_api_key": key, "openai_base_url": api.base_url})
    found: list[OpenAISpeech] = []
    openai_tts.register_systems(register=found.append, settings=keyed)  # type: ignore[arg-type]
    return next(v for v in found if v.id == "openai/gpt-4o-mini-tts-alloy")


def test_streams_pcm_speech_in_several_chunks(api: OpenAIEmulator, settings: Settings) -> None:
    system = voice(api, settings)
    assert system.available().ok
    chunks = list(system.synthesize(SENTENCE))
    assert len(chunks) > 1
    assert_speech(joined(chunks), sample_rate=24000)
    (request,) = api.requests_to("/audio/speech")
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body == {
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "input": SENTENCE,
        "response_format": "pcm",
    }


def test_registered_from_settings_and_enabled_by_the_key(
    api: OpenAIEmulator, settings: Settings
) -> None:
    keyed = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": api.base_url}
    )
    systems = [s for s in Registry.load(keyed).of_mode("tts") if s.provider == "openai"]
    assert {s.id for s in systems} == {f"openai/{suffix}" for suffix in openai_tts.VOICES}
    assert all(s.available().ok for s in systems)
    for system in systems:
        assert "sk-test" not in repr(system)
        assert "sk-test" not in str(system.config)


def test_without_a_key_it_says_which_variable_to_set(settings: Settings) -> None:
    found: list[OpenAISpeech] = []
    openai_tts.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    availability = found[0].available()
    assert not availability.ok
    assert availability.reason.startswith("set OPENAI_API_KEY")


async def test_synthesis_service_normalizes_hosted_audio(
    api: OpenAIEmulator, settings: Settings
) -> None:
    result = await synthesize(voice(api, settings), SENTENCE, settings)
    assert result.duration_s > 1.0
    assert result.ttfb_s <= result.synthesis_s


def test_a_wrong_key_is_a_clear_provider_error(api: OpenAIEmulator, settings: Settings) -> None:
    with pytest.raises(ProviderError) as caught:
        list(voice(api, settings, key="sk-wrong").synthesize(SENTENCE))
    assert caught.value.system_id == "openai/gpt-4o-mini-tts-alloy"
    message = str(caught.value)
    assert "HTTP 401, the API key was rejected: check OPENAI_API_KEY" in message
    assert "Incorrect API key provided" in message


def test_a_server_error_is_a_provider_error(api: OpenAIEmulator, settings: Settings) -> None:
    api.fail_next(500, "The engine is overloaded.", path_contains="/audio/speech")
    with pytest.raises(ProviderError, match=r"HTTP 500, .*server error.*The engine is overloaded"):
        list(voice(api, settings).synthesize(SENTENCE))


def test_a_refused_request_carries_the_api_message(api: OpenAIEmulator, settings: Settings) -> None:
    system = voice(api, settings)
    system.voice = "no-such-voice"
    with pytest.raises(ProviderError, match=r"HTTP 400, the request was refused \(Unknown voice"):
        list(system.synthesize(SENTENCE))


def test_a_slow_server_times_out(api: OpenAIEmulator, settings: Settings) -> None:
    system = voice(api, settings)
    system.timeout_s = 0.2
    api.delay_s = 1.0
    with pytest.raises(ProviderError, match=r"no answer from .*/audio/speech within 0.2 s"):
        list(system.synthesize(SENTENCE))


def test_an_unreachable_base_url_names_the_setting(settings: Settings) -> None:
    with OpenAIEmulator() as gone:
        url = gone.base_url
    system = OpenAISpeech(
        id="openai/x", mode="tts", display_name="x", provider="openai", base_url=url, api_key="k"
    )
    with pytest.raises(ProviderError, match="check OPENAI_BASE_URL"):
        list(system.synthesize("Hello."))
