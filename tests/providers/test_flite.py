"""flite through its Debian binary: every voice speaks; a missing binary says what to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.config import Settings
from arena.providers.base import ProviderError
from arena.providers.local import flite
from arena.providers.tts import TextToSpeech
from tests.providers.speech import SENTENCE, assert_speech, joined


def flite_voices(settings: Settings) -> dict[str, TextToSpeech]:
    found: list[TextToSpeech] = []
    flite.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {v.id: v for v in found}


@pytest.mark.parametrize("voice", sorted(flite.VOICES))
def test_every_voice_speaks(settings: Settings, voice: str) -> None:
    system = flite_voices(settings)[f"flite/{voice}"]
    assert system.available().ok, system.available().reason
    assert system.config["voice"] == voice
    assert_speech(joined(system.synthesize(SENTENCE)), sample_rate=16000)


def test_without_the_binary_on_path_it_is_unavailable(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    availability = flite_voices(settings)["flite/slt"].available()
    assert not availability.ok
    assert availability.reason == (
        "flite is not on PATH: install the Debian package flite (sudo apt-get install flite)"
    )


def test_a_voice_this_build_lacks_is_unavailable() -> None:
    system = flite.FliteVoice(
        id="flite/nope", mode="tts", display_name="x", provider="flite", voice="nope"
    )
    availability = system.available()
    assert not availability.ok
    assert "no voice 'nope'" in availability.reason


def test_a_failing_binary_is_a_provider_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "flite"
    broken.write_text("#!/bin/sh\necho 'cannot open audio' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    system = flite.FliteVoice(id="flite/slt", mode="tts", display_name="x", provider="flite")
    with pytest.raises(ProviderError, match=r"flite failed \(exit 3\): cannot open audio"):
        list(system.synthesize("Hello."))
