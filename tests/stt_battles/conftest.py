"""Fixtures for STT/S2S battle tests: registries of real offline engines, a seeded clip library."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from arena.config import Settings
from arena.providers.base import System
from arena.providers.local import espeak, pocketsphinx, whisper
from arena.providers.registry import Registry
from arena.voice.clips.augment import Augmentation
from arena.voice.clips.catalog import ClipSpec
from arena.voice.clips.library import sync_clip_library
from arena.voice.state import ArenaState

ESPEAK = ("espeak-ng/en-us",)
TEST_CLIPS = (
    ClipSpec("clean-weather", "stt", "clean", "The weather is sunny today.", ESPEAK),
    ClipSpec(
        "noisy-weather",
        "stt",
        "noisy",
        "The weather is sunny today.",
        ESPEAK,
        Augmentation(noise="pink", snr_db=10.0),
    ),
    ClipSpec("question-capital", "s2s", "question", "What is the capital of France?", ESPEAK),
)


def systems_of(*modules: ModuleType) -> list[System]:
    """Every system the given plugin modules register."""
    found: list[System] = []
    for module in modules:
        module.register_systems(register=found.append, settings=Settings())
    return found


@pytest.fixture(scope="session")
def tts_registry() -> Registry:
    """Every built-in system (the TTS voices speak the clip library)."""
    return Registry.load(Settings())


@pytest.fixture(scope="session")
def espeak_registry() -> Registry:
    """Only the espeak-ng voices: fast, and always installed (pip)."""
    return Registry(systems_of(espeak))


@pytest.fixture
def registry() -> Registry:
    """Offline STT engines (PocketSphinx, Whisper) and espeak-ng voices for the clips."""
    return Registry(systems_of(espeak, pocketsphinx, whisper))


@pytest.fixture
async def arena_state(arena_state: ArenaState) -> ArenaState:
    """The foundation's state plus a small clip library spoken by espeak-ng."""
    async with arena_state.sessions() as session:
        await sync_clip_library(
            session, arena_state.registry, arena_state.settings.audio_dir, TEST_CLIPS
        )
    return arena_state


@pytest.fixture
def audio_dir(arena_state: ArenaState) -> Path:
    return arena_state.settings.audio_dir
