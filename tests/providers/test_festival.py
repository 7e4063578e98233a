"""festival through text2wave: every packaged voice speaks; missing pieces say what to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.config import Settings
from arena.providers.base import ProviderError
from arena.providers.local import festival
from arena.providers.tts import TextToSpeech
from tests.providers.speech import SENTENCE, assert_speech, joined


def festival_voices(settings: Settings) -> dict[str, TextToSpeech]:
    found: list[TextToSpeech] = []
    festival.register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {v.id: v for v in found}


@pytest.mark.parametrize("suffix", sorted(festival.VOICES))
def test_every_voice_speaks(settings: Settings, suffix: str) -> None:
    system = festival_voices(settings)[f"festival/{suffix}"]
    assert system.available().ok, system.available().reason
    assert (system.provider, system.engine) == ("festival", "festival")
    audio = joined(system.synthesize(SENTENCE))
    assert_speech(audio)
    assert audio.sample_rate in {16000, 32000, 48000}


def test_without_text2wave_on_path_it_is_unavailable(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    availability = festival_voices(settings)["festival/kal"].available()
    assert not availability.ok
    assert "sudo apt-get install festival festvox-kallpc16k" in availability.reason


def test_a_missing_voice_names_its_package(tmp_path: Path) -> None:
    system = festival.FestivalVoice(
        id="festival/slt-hts",
        mode="tts",
        display_name="x",
        provider="festival",
        spec=festival.VOICES["slt-hts"],
        voice_roots=(tmp_path,),
    )
    availability = system.available()
    assert not availability.ok
    assert availability.reason == (
        "the festival voice cmu_us_slt_arctic_hts is not installed: "
        "sudo apt-get install festvox-us-slt-hts"
    )


def test_an_unknown_voice_is_a_provider_error() -> None:
    spec = festival.FestivalVoiceSpec("no_such_voice", "festvox-none", "none")
    system = festival.FestivalVoice(
        id="festival/none", mode="tts", display_name="x", provider="festival", spec=spec
    )
    with pytest.raises(ProviderError, match="unbound variable"):
        list(system.synthesize("Hello."))
