"""The ElevenLabs TTS client against the ElevenLabs emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arena.config import Settings
from arena.providers.base import ProviderError
from arena.providers.hosted import elevenlabs
from arena.providers.hosted.elevenlabs import ElevenLabsSpeech
from tests.fakes.elevenlabs_api import ElevenLabsEmulator
from tests.providers.speech import SENTENCE, assert_speech, joined


@pytest.fixture
def api() -> Iterator[ElevenLabsEmulator]:
    with ElevenLabsEmulator(api_key="xi-test") as emulator:
        yield emulator


def voices(
    api: ElevenLabsEmulator, settings: Settings, key: str = "xi-test"
) -> dict[str, ElevenLabsSpeech]:
    keyed = settings.model_copy(
        update={"elevenlabs_api_key": key, "elevenlabs_base_url": api.base_url}
    )
    found: list[ElevenLabsSpeech] = []
    elevenlabs.register_systems(register=found.append, settings=keyed)  # type: ignore[arg-type]
    return {v.id: v for v in found}


@pytest.mark.parametrize("suffix", sorted(elevenlabs.VOICES))
def test_every_voice_streams_pcm_speech(
    api: ElevenLabsEmulator, settings: Settings, suffix: str
) -> None:
    system = voices(api, settings)[f"elevenlabs/{suffix}"]
    assert system.available().ok
    assert (system.provider, system.engine) == ("elevenlabs", "elevenlabs")
    chunks = list(system.synthesize(SENTENCE))
    assert len(chunks) > 1
    assert_speech(joined(chunks), sample_rate=16000)
    (request,) = api.requests
    spec = elevenlabs.VOICES[suffix]
    assert request.path == f"/v1/text-to-speech/{spec.voice_id}/stream"
    assert request.query == {"output_format": "pcm_16000"}
    assert request.headers["xi-api-key"] == "xi-test"
    assert request.body == {"text": SENTENCE, "model_id": spec.model_id}


def test_without_a_key_it_says_which_variable_to_set(settings: Settings) -> None:
    found: list[ElevenLabsSpeech] = []
    elevenlabs.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    assert all(not s.available().ok for s in found)
    assert found[0].available().reason.startswith("set ELEVENLABS_API_KEY")


def test_a_wrong_key_is_a_clear_provider_error(api: ElevenLabsEmulator, settings: Settings) -> None:
    system = voices(api, settings, key="xi-wrong")["elevenlabs/rachel-flash-v2.5"]
    with pytest.raises(
        ProviderError,
        match=r"HTTP 401, the API key was rejected: check ELEVENLABS_API_KEY \(Invalid API key\)",
    ):
        list(system.synthesize(SENTENCE))


def test_a_server_error_is_a_provider_error(api: ElevenLabsEmulator, settings: Settings) -> None:
    api.fail_next(503, "Service temporarily unavailable")
    system = voices(api, settings)["elevenlabs/rachel-flash-v2.5"]
    with pytest.raises(ProviderError, match=r"HTTP 503, .*\(Service temporarily unavailable\)"):
        list(system.synthesize(SENTENCE))


def test_an_unknown_voice_carries_the_api_message(
    api: ElevenLabsEmulator, settings: Settings
) -> None:
    system = voices(api, settings)["elevenlabs/rachel-flash-v2.5"]
    system.voice_id = "missing"
    with pytest.raises(ProviderError, match="voice_id missing was not found"):
        list(system.synthesize(SENTENCE))


def test_a_slow_server_times_out(api: ElevenLabsEmulator, settings: Settings) -> None:
    system = voices(api, settings)["elevenlabs/rachel-flash-v2.5"]
    system.timeout_s = 0.2
    api.delay_s = 1.0
    with pytest.raises(ProviderError, match=r"within 0.2 s"):
        list(system.synthesize(SENTENCE))
