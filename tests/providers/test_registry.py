"""The built-in engines arrive through the plugin hook, like any third-party plugin."""

from __future__ import annotations

from arena.config import Settings
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech

OFFLINE_IDS = {
    "espeak-ng/en-us",
    "espeak-ng/en-gb",
    "espeak-ng/en-us-f3",
    "espeak-ng/en-gb-scotland",
    "piper/joe-medium",
    "flite/kal16",
    "flite/awb",
    "flite/rms",
    "flite/slt",
    "festival/kal",
    "festival/ked",
    "festival/slt-hts",
}


def test_every_offline_engine_is_registered_and_available(settings: Settings) -> None:
    registry = Registry.load(settings)
    tts = {s.id: s for s in registry.of_mode("tts")}
    assert set(tts) >= OFFLINE_IDS
    available = {s.id for s in registry.available("tts", TextToSpeech)}
    assert available >= OFFLINE_IDS
    assert len({tts[i].engine for i in OFFLINE_IDS}) == 4


def test_hosted_engines_are_registered_but_need_their_keys(settings: Settings) -> None:
    registry = Registry.load(settings)
    hosted = [s for s in registry.of_mode("tts") if s.provider in {"openai", "elevenlabs"}]
    assert {s.provider for s in hosted} == {"openai", "elevenlabs"}
    for system in hosted:
        availability = system.available()
        assert not availability.ok
        key = "OPENAI_API_KEY" if system.provider == "openai" else "ELEVENLABS_API_KEY"
        assert key in availability.reason
