"""Fixtures for the STT/S2S engine tests: spoken sentences from an offline TTS voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.config import Settings
from arena.core.audio import Audio, concat
from arena.providers.local.piper import PiperSpeaker, joe_voice_files

SENTENCE = "The quick brown fox jumps over the lazy dog. Please call me at five five five."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with ARENA_HOME in a temp dir, no .env file and no hosted keys."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        arena_home=tmp_path / "home",
        openai_api_key=None,
        deepgram_api_key=None,
    )


def speak(text: str, sample_rate: int = 16000) -> Audio:
    """`text` spoken by the bundled Piper voice at `sample_rate`."""
    model, config = joe_voice_files()
    voice = PiperSpeaker(
        id="piper/test",
        mode="tts",
        display_name="Piper",
        provider="piper",
        model_path=model,
        config_path=config,
    )
    return concat(list(voice.synthesize(text)), sample_rate)


@pytest.fixture(scope="session")
def spoken_sentence() -> Audio:
    """SENTENCE spoken by Piper at 16 kHz, synthesized once per test session."""
    return speak(SENTENCE)
