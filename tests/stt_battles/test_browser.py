"""STT and S2S battles played end to end in headless Chromium with a fake microphone."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from arena.core.audio import Audio, concat
from arena.providers.local import cascade, espeak, pocketsphinx, whisper
from arena.providers.local.espeak import library
from arena.providers.registry import Registry
from tests.conftest import LiveServer, chromium_page
from tests.stt_battles.conftest import systems_of
from tests.stt_battles.slow_s2s import SleepyS2S, sleepy_s2s

pytestmark = pytest.mark.browser

SPOKEN = "The weather is sunny today."
STT_NAMES = {s.display_name for s in systems_of(pocketsphinx, whisper)}
S2S_NAMES = {s.display_name for s in systems_of(cascade)}


@pytest.fixture
def registry() -> Registry:
    return Registry(systems_of(espeak, pocketsphinx, whisper, cascade))


@pytest.fixture
def microphone_wav(tmp_path: Path) -> Path:
    """What the fake microphone says: a second of silence, the sentence, then silence."""
    speech = library().speak("en-us", SPOKEN)
    silence = Audio(np.zeros(speech.sample_rate, dtype=np.float32), speech.sample_rate)
    audio = concat([silence, speech, silence, silence], 48_000)
    buf = io.BytesIO()
    sf.write(buf, audio.samples, audio.sample_rate, format="WAV", subtype="PCM_16")
    path = tmp_path / "microphone.wav"
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def mic_page(tmp_path: Path, microphone_wav: Path) -> Iterator[Any]:
    """A Chromium page whose microphone plays `microphone_wav`; permission pre-granted."""
    with chromium_page(
        tmp_path / "chromium-profile",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone_wav}",
    ) as page:
        page.set_default_timeout(60_000)
        yield page


def _reveal_names(page: Any) -> set[str]:
    rows = page.locator("#reveal-rows tr")
    return {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}


def test_stt_battle_with_a_curated_clip(arena_server: LiveServer, mic_page: Any) -> None:
    page = mic_page
    page.goto(f"{arena_server.url}/battle/stt")
    page.locator("#status").filter(has_text="systems are ready").wait_for()
    page.select_option("#clip-select", "clean-weather")
    page.select_option("#clip-speed", "1.5")
    page.keyboard.press("p")
    page.wait_for_function(
        "() => !document.querySelector('#clip-progress').style.width.startsWith('0')"
    )
    page.click("#clip-replay")
    page.click("#transcribe-clip")
    cards = page.locator("#transcripts li")
    cards.nth(1).wait_for()
    assert cards.count() == 2
    heights = {round(cards.nth(i).bounding_box()["height"]) for i in range(2)}
    assert len(heights) == 1  # equal-height cards
    font = page.eval_on_selector("#transcripts .text", "e => getComputedStyle(e).fontFamily")
    assert "mono" in font.lower()
    before = page.locator("main").inner_text()
    assert not any(name in before for name in STT_NAMES)

    page.keyboard.press("a")
    page.locator("#reveal").wait_for(state="visible")
    assert page.locator("#truth").inner_text() == f"Ground truth: {SPOKEN}"
    assert _reveal_names(page) <= STT_NAMES and len(_reveal_names(page)) == 2
    assert re.search(r"WER \d+\.\d%", page.locator("#transcript-a").inner_text())
    assert page.locator("#transcript-a.winner").count() == 1


def test_stt_battle_with_an_own_recording(arena_server: LiveServer, mic_page: Any) -> None:
    page = mic_page
    page.goto(f"{arena_server.url}/battle/stt")
    page.locator("#status").filter(has_text="systems are ready").wait_for()
    page.click("#tab-record")
    page.fill("#intended-text", SPOKEN)
    page.click("#record")
    page.wait_for_function(
        "() => Number(document.querySelector('#meter').getAttribute('aria-valuenow')) > 20"
    )
    page.wait_for_function(
        "() => parseFloat(document.querySelector('#record-timer').textContent) > 3.5"
    )
    page.click("#record")
    page.locator("#recording-preview").wait_for(state="visible")
    page.click("#transcribe-recording")
    page.locator("#transcripts li").nth(1).wait_for()
    transcripts = page.locator("#transcripts .text").all_inner_texts()
    # The microphone audio reached the recognizers (the fake device loops, so a take may
    # start mid-sentence).
    heard = " ".join(transcripts).lower()
    assert any(word in heard for word in ("weather", "sunny", "today")), transcripts

    page.locator('#winner-buttons button[data-winner="tie"]').click()
    page.locator("#reveal").wait_for(state="visible")
    assert SPOKEN in page.locator("#truth").inner_text()
    assert _reveal_names(page) <= STT_NAMES
    assert page.locator("#reveal-rows tr td.num").first.inner_text().endswith("%")


def test_s2s_battle_gated_answers_vote_and_reveal(arena_server: LiveServer, mic_page: Any) -> None:
    page = mic_page
    page.goto(f"{arena_server.url}/battle/s2s")
    page.locator("#status").filter(has_text="systems are listening").wait_for()
    page.select_option("#clip-select", "question-capital")
    page.click("#ask-clip")
    page.locator("#gate").wait_for(state="visible")
    page.wait_for_function(
        "() => parseFloat(document.querySelector('#gate-timer').textContent) > 0"
    )
    answers = page.locator("#answers li")
    answers.nth(1).wait_for()
    assert page.locator("#gate").is_hidden()
    assert not any(name in page.locator("main").inner_text() for name in S2S_NAMES)
    winner_a = page.locator('#winner-buttons button[data-winner="a"]')
    assert winner_a.is_disabled()
    for label in "ab":  # one at a time: starting one answer pauses the others
        page.eval_on_selector(f"#answer-{label} audio", "a => { a.playbackRate = 4; a.play(); }")
        page.wait_for_function(f"() => document.querySelector('#answer-{label} audio').ended")
    assert winner_a.is_enabled()

    page.select_option("#sub-voice", "b")
    page.select_option("#sub-answer", "tie")
    winner_a.click()
    page.locator("#reveal").wait_for(state="visible")
    page.locator('#metric-status[data-status="complete"]').wait_for()
    assert _reveal_names(page) == S2S_NAMES
    assert "capital of France" in page.locator("#input-transcript").inner_text()
    assert "Said:" in page.locator("#answer-a").inner_text()
    assert page.locator("#reveal-rows tr td.num").nth(2).inner_text().endswith("%")


class TestSkip:
    @pytest.fixture
    def sleepy(self) -> Iterator[SleepyS2S]:
        system = sleepy_s2s(60.0)
        yield system
        system.release.set()

    @pytest.fixture
    def registry(self, sleepy: SleepyS2S) -> Registry:
        fast = [s for s in systems_of(cascade) if s.id == "s2s-local-fast"]
        return Registry([*systems_of(espeak, pocketsphinx), *fast, sleepy])

    def test_skip_leaves_a_slow_battle_for_a_new_one(
        self, arena_server: LiveServer, mic_page: Any
    ) -> None:
        page = mic_page
        page.goto(f"{arena_server.url}/battle/s2s")
        page.locator("#status").filter(has_text="systems are listening").wait_for()
        first = page.evaluate("() => location.hash")
        page.click("#ask-clip")
        page.locator("#gate").wait_for(state="visible")
        page.wait_for_function(
            "() => parseFloat(document.querySelector('#gate-timer').textContent) > 1"
        )
        page.click("#skip")
        page.wait_for_function(f"() => location.hash && location.hash !== {first!r}")
        page.locator("#status").filter(has_text="systems are listening").wait_for()
        assert page.locator("#gate").is_hidden()
        assert page.locator("#answers li").count() == 0
        assert not page.locator("#ask-clip").is_disabled()
