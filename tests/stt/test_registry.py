"""The STT and S2S plugins register through the default plugin list with stable ids."""

from __future__ import annotations

from arena.config import Settings
from arena.providers.registry import DEFAULT_PLUGINS, Registry
from arena.providers.s2s import SpeechToSpeech
from arena.providers.stt import SpeechToText

OFFLINE_STT = {
    "stt-pocketsphinx/batch",
    "stt-pocketsphinx/stream",
    "stt-whisper-tiny/greedy",
    "stt-whisper-tiny/beam5",
}
HOSTED_STT = {
    "stt-openai/whisper-1",
    "stt-openai/gpt-4o-mini-transcribe",
    "stt-deepgram/nova-3",
    "stt-deepgram/nova-2",
}
OFFLINE_S2S = {"s2s-local-fast", "s2s-local-quality"}
HOSTED_S2S = {
    "s2s-openai-realtime/gpt-4o-realtime-preview",
    "s2s-openai-realtime/gpt-4o-mini-realtime-preview",
}


def test_modules_are_default_plugins() -> None:
    for name in ("pocketsphinx", "whisper", "cascade"):
        assert f"arena.providers.local.{name}" in DEFAULT_PLUGINS
    for name in ("openai_stt", "deepgram", "openai_realtime"):
        assert f"arena.providers.hosted.{name}" in DEFAULT_PLUGINS


def test_offline_systems_are_available_and_hosted_ones_wait_for_keys(settings: Settings) -> None:
    registry = Registry.load(settings)
    stt = {s.id for s in registry.of_mode("stt")}
    s2s = {s.id for s in registry.of_mode("s2s")}
    assert stt >= OFFLINE_STT | HOSTED_STT
    assert s2s >= OFFLINE_S2S | HOSTED_S2S
    assert {s.id for s in registry.available("stt", SpeechToText)} >= OFFLINE_STT
    assert {s.id for s in registry.available("s2s", SpeechToSpeech)} >= OFFLINE_S2S
    for system_id in HOSTED_STT | HOSTED_S2S:
        assert not registry.get(system_id).available().ok


def test_configs_describe_the_model_without_secrets(settings: Settings) -> None:
    keyed = settings.model_copy(
        update={"openai_api_key": "sk-secret-123", "deepgram_api_key": "dg-secret-456"}
    )
    registry = Registry.load(keyed)
    for system_id in OFFLINE_STT | HOSTED_STT | OFFLINE_S2S | HOSTED_S2S:
        system = registry.get(system_id)
        assert system.config, system_id
        shown = f"{system.config} {system!r}"
        assert "secret" not in shown, system_id
