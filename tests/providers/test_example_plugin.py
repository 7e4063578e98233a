"""The example plugin in docs/providers.md loads through the hook and speaks."""

from __future__ import annotations

from pathlib import Path

from arena.config import Settings
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from tests.providers import example_plugin
from tests.providers.speech import SENTENCE, assert_speech, joined

DOCS = Path(__file__).parents[2] / "docs" / "providers.md"


def test_loads_like_a_third_party_plugin_and_speaks(settings: Settings) -> None:
    registry = Registry.load(settings, extra_plugins=("tests.providers.example_plugin",))
    system = registry.get("slow-espeak/en-us")
    assert isinstance(system, TextToSpeech)
    assert system.available().ok
    assert_speech(joined(system.synthesize(SENTENCE)), sample_rate=22050)


def test_the_docs_show_this_exact_plugin() -> None:
    source = Path(example_plugin.__file__).read_text(encoding="utf-8")
    assert source in DOCS.read_text(encoding="utf-8")
