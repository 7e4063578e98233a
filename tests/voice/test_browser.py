"""A TTS battle played end to end in headless Chromium against a live server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.voice.tone_plugin import tone_systems

pytestmark = pytest.mark.browser


def test_play_vote_reveal_and_leaderboard(arena_server: LiveServer, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{arena_server.url}/battle/tts")
    candidates = page.locator("#candidates li")
    candidates.first.wait_for()
    count = candidates.count()
    assert 2 <= count <= 4
    winner_a = page.locator('#winner-buttons button[data-winner="a"]')
    assert winner_a.is_disabled()

    page.keyboard.press("1")  # keyboard plays the first candidate
    page.locator("#candidate-a .played").filter(has_text="played").wait_for(timeout=15000)
    for label in "bcd"[: count - 1]:
        assert winner_a.is_disabled()
        page.locator(f"#candidate-{label} button.play").click()
        page.locator(f"#candidate-{label} .played").filter(has_text="played").wait_for(
            timeout=15000
        )
    assert winner_a.is_enabled()

    page.select_option("#sub-clarity", "b")
    page.keyboard.press("a")  # keyboard votes for A
    page.locator("#reveal").wait_for(state="visible")
    revealed = page.locator("#reveal-rows tr")
    assert revealed.count() == count
    names = {s.display_name for s in tone_systems()}
    shown = {revealed.nth(i).locator("td").nth(1).inner_text() for i in range(count)}
    assert shown <= names and len(shown) == count
    assert "your pick" in revealed.first.inner_text()

    page.reload()  # the URL names the battle: a reload shows it again, still revealed
    page.locator("#reveal").wait_for(state="visible")
    assert page.locator("#reveal-rows tr").count() == count
    assert "already voted" in page.locator("#status").inner_text()

    page.goto(f"{arena_server.url}/leaderboard?battle_type=tts")
    rows = page.locator("table.leaderboard tbody tr")
    assert rows.count() == count
    assert page.locator(".ci-dot").count() == count
    page.goto(f"{arena_server.url}/leaderboard?battle_type=tts&dimension=clarity")
    assert page.locator("table.leaderboard tbody tr").count() == count


def test_tabs_show_coming_modes(arena_server: LiveServer, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{arena_server.url}/battle/agent")
    assert page.locator(".tab.active").inner_text().startswith("Voice agents")
    assert "coming" in page.locator("main").inner_text()
    assert page.locator(".tab.coming").count() == 3
