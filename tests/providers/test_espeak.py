"""espeak-ng in process: every registered voice speaks, and a bad voice is a ProviderError."""

from __future__ import annotations

import pytest

from arena.config import Settings
from arena.providers.base import ProviderError
from arena.providers.local import espeak
from arena.providers.tts import TextToSpeech
from tests.providers.speech import SENTENCE, assert_speech, joined


def espeak_voices(settings: Settings) -> list[TextToSpeech]:
    found: list[TextToSpeech] = []
    espeak.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return found


def test_registers_several_voices_with_stable_ids(settings: Settings) -> None:
    voices = espeak_voices(settings)
    assert {v.id for v in voices} >= {"espeak-ng/en-us", "espeak-ng/en-gb", "espeak-ng/en-us-f3"}
    for voice in voices:
        assert voice.mode == "tts"
        assert voice.provider == voice.engine == "espeak-ng"
        assert voice.config["voice"]


@pytest.mark.parametrize("suffix", sorted(espeak.VOICES))
def test_every_voice_speaks(settings: Settings, suffix: str) -> None:
    voice = next(v for v in espeak_voices(settings) if v.id == f"espeak-ng/{suffix}")
    assert voice.available().ok
    audio = joined(voice.synthesize(SENTENCE))
    assert_speech(audio, sample_rate=espeak.library().sample_rate)


def test_yields_one_chunk_per_sentence() -> None:
    voice = espeak.EspeakVoice(
        id="espeak-ng/test", mode="tts", display_name="t", provider="espeak-ng"
    )
    chunks = list(voice.synthesize("One. Two? Three!"))
    assert len(chunks) == 3


def test_split_sentences_keeps_punctuation() -> None:
    assert espeak.split_sentences("Hi there. How are you?  Fine; thanks") == [
        "Hi there.",
        "How are you?",
        "Fine;",
        "thanks",
    ]


def test_unknown_voice_is_a_provider_error() -> None:
    voice = espeak.EspeakVoice(
        id="espeak-ng/nope", mode="tts", display_name="t", provider="espeak-ng", voice="xx-nope"
    )
    with pytest.raises(ProviderError, match="no voice named 'xx-nope'") as caught:
        list(voice.synthesize("Hello."))
    assert caught.value.system_id == "espeak-ng/nope"
