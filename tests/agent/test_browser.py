"""The agent battle page in headless Chromium with a fake microphone, against the offline agents:
briefing, both live calls, replay, vote, progressive reveal — and nothing named before the vote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from arena.config import Settings
from arena.core.scenarios import get_scenario
from arena.providers.local.espeak import library
from arena.providers.registry import Registry
from tests.agent.conftest import assert_blind
from tests.agent.test_simulated_caller import offline_agents
from tests.conftest import LiveServer, chromium_or_skip

RATE = 48000
CALL_TIMEOUT_MS = 90_000


@pytest.fixture
def registry(settings: Settings) -> Registry:
    return Registry(offline_agents(settings))


def caller_wav(path: Path) -> Path:
    """The caller's side for the fake microphone: every scenario line with pauses between."""
    scenario = get_scenario("order-status-check")
    parts = [np.zeros(3 * RATE, dtype=np.float32)]
    for line in scenario.caller_lines[:2]:
        parts.append(library().speak("en-us", line).resampled(RATE).samples)
        parts.append(np.zeros(6 * RATE, dtype=np.float32))
    sf.write(path, np.concatenate(parts), RATE, subtype="PCM_16")
    return path


@pytest.fixture
def mic_page(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium whose microphone plays `caller_wav` in a loop."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    wav = caller_wav(tmp_path / "caller.wav")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=executable,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={wav}",
            ],
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def hold_call(page: Any, label: str) -> None:
    """Start the call with `label`, let the caller speak and the agent answer, then end it."""
    page.click(f"#start-{label}")
    page.wait_for_selector("#live.connected", timeout=30_000)
    page.wait_for_function(
        """() => document.querySelectorAll('#live-transcript li.user').length >= 1
              && document.querySelectorAll('#live-transcript li.agent').length >= 2
              || !document.getElementById('agent-battle').dataset.state.startsWith('conversing')""",
        timeout=CALL_TIMEOUT_MS,
    )
    if page.get_attribute("#agent-battle", "data-state").startswith("conversing"):
        page.click("#end-call")


@pytest.mark.browser
@pytest.mark.slow
def test_a_whole_agent_battle_in_the_browser(
    arena_server: LiveServer, mic_page: Any, registry: Registry
) -> None:
    page = mic_page
    frames: list[str] = []
    bodies: list[str] = []
    voted = {"yes": False}

    def watch_socket(ws: Any) -> None:
        ws.on(
            "framereceived",
            lambda payload: frames.append(payload) if isinstance(payload, str) else None,
        )

    def watch_response(response: Any) -> None:
        if not voted["yes"] and "/api/" in response.url and "audio" not in response.url:
            bodies.append(f"{response.url} {response.headers} {response.text()}")

    page.on("websocket", watch_socket)
    page.on("response", watch_response)
    page.goto(f"{arena_server.url}/battle/agent")
    page.wait_for_selector("#agent-battle[data-state='briefing']")
    assert page.text_content("#scenario-name")

    hold_call(page, "a")
    page.wait_for_selector("#agent-battle[data-state='transition']", timeout=30_000)
    assert page.locator("#summaries .summary").count() == 1
    hold_call(page, "b")
    page.wait_for_selector("#agent-battle[data-state='voting']", timeout=30_000)

    audios = page.locator("#replay-grid audio")
    assert audios.count() == 2
    durations = page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('#replay-grid audio')].map(
             (a) => a.readyState >= 1 ? a.duration : new Promise((ok) =>
               a.addEventListener('loadedmetadata', () => ok(a.duration), { once: true }))))"""
    )
    assert all(d > 1 for d in durations)
    assert page.locator("#replay-grid li.agent").count() >= 2

    page.click("#sub-votes summary")
    page.check("input[name='sub-speed'][value='a']")
    pre_vote_page = page.content()
    voted["yes"] = True
    page.click("#agent-vote button[value='a']")
    page.wait_for_selector("#agent-battle[data-state='revealed']")
    names = page.locator(".reveal-name").all_text_contents()
    assert sorted(names) == sorted(s.display_name for s in registry)
    page.wait_for_function(
        "document.getElementById('eval-status').textContent.includes('complete')", timeout=60_000
    )
    assert "Joint goal accuracy" in page.text_content("#reveal-grid")

    for text in [pre_vote_page, *frames, *bodies]:
        assert_blind(text, registry)
    kinds = {json.loads(f)["type"] for f in frames}
    assert {"session_started", "transcript", "conversation_ended"} <= kinds


@pytest.mark.browser
def test_ending_a_call_before_speaking_voids_the_battle_in_the_page(
    arena_server: LiveServer, mic_page: Any
) -> None:
    """The fake microphone opens with 3 s of silence: End within it and nothing was said."""
    page = mic_page
    page.goto(f"{arena_server.url}/battle/agent")
    page.wait_for_selector("#agent-battle[data-state='briefing']")
    page.click("#start-a")
    page.wait_for_selector("#live.connected", timeout=30_000)
    page.click("#end-call")
    try:
        page.wait_for_selector("#agent-battle[data-state='idle']", state="attached", timeout=30_000)
    except Exception:
        raise AssertionError(
            (page.get_attribute("#agent-battle", "data-state"), page.text_content("#agent-status"))
        ) from None
    message = page.text_content("#agent-status") or ""
    assert "before you said anything" in message and "start a new battle" in message
    assert page.locator("#summaries .summary").count() == 0
    page.click("#agent-new")
    page.wait_for_selector("#agent-battle[data-state='briefing']", timeout=30_000)
