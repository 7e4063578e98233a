"""The Retell adapter against the Retell emulator over real sockets."""

from __future__ import annotations

import pytest

from arena.config import Settings
from arena.core.scenarios import Scenario
from arena.providers.agent import AgentConnectError
from arena.providers.hosted.retell import RetellAgent, TranscriptDiff
from arena.providers.registry import Registry
from arena.voice.live.events import (
    AgentAudio,
    AgentTranscript,
    Ended,
    Interrupt,
    UserTranscript,
)
from tests.fakes.retell_api import RetellEmulator
from tests.live.conftest import collect_until, eventually, silence, speech, stream


def agent_for(emulator: RetellEmulator, key: str = "test-retell-key") -> RetellAgent:
    settings = Settings(RETELL_API_KEY=key, RETELL_BASE_URL=emulator.base_url)  # type: ignore[attr-defined]
    agent = Registry.load(settings).get("agent-retell-default")
    assert isinstance(agent, RetellAgent)
    return agent


async def test_audio_both_ways_and_transcripts(retell: RetellEmulator, scenario: Scenario) -> None:
    session = await agent_for(retell).connect(scenario)
    events = session.events()
    greeting = await collect_until(events, lambda e: isinstance(e, AgentTranscript) and e.final)
    assert sum(len(e.pcm) for e in greeting if isinstance(e, AgentAudio)) > 16000
    assert "help you today" in greeting[-1].text  # type: ignore[union-attr]
    assert any(isinstance(e, AgentTranscript) and not e.final for e in greeting)

    await stream(session, speech("I would like to book a haircut tomorrow") + silence(800))
    reply = await collect_until(events, lambda e: isinstance(e, AgentTranscript) and e.final)
    assert any(isinstance(e, UserTranscript) and e.final and e.text for e in reply)
    assert reply[-1].text.startswith("You said")  # type: ignore[union-attr]
    call = next(iter(retell.calls.values()))
    assert call.frames_received > 50
    assert call.agent_id == "agent-retell-default"
    assert call.dynamic_variables["scenario_prompt"] == scenario.system_prompt
    await session.close()


async def test_clear_is_an_interrupt(retell: RetellEmulator, scenario: Scenario) -> None:
    session = await agent_for(retell).connect(scenario)
    events = session.events()
    await collect_until(events, lambda e: isinstance(e, AgentAudio))
    await stream(session, speech("wait, stop please"))
    seen = await collect_until(events, lambda e: isinstance(e, Interrupt))
    assert isinstance(seen[-1], Interrupt)
    await session.close()


async def test_hangup_closes_the_call(retell: RetellEmulator, scenario: Scenario) -> None:
    session = await agent_for(retell).connect(scenario)
    await collect_until(session.events(), lambda e: isinstance(e, AgentAudio))
    await session.end()
    call = next(iter(retell.calls.values()))
    await eventually(lambda: call.status == "ended")
    assert call.disconnection_reason == "user_hangup"


async def test_provider_side_close(retell: RetellEmulator, scenario: Scenario) -> None:
    retell.options.max_call_seconds = 1.0
    session = await agent_for(retell).connect(scenario)
    seen = await collect_until(session.events(), lambda e: isinstance(e, Ended))
    assert "exceeded-max-duration" in seen[-1].reason  # type: ignore[union-attr]
    await session.close()


async def test_bad_key_is_a_connect_error(retell: RetellEmulator, scenario: Scenario) -> None:
    with pytest.raises(AgentConnectError) as info:
        await agent_for(retell, key="wrong").connect(scenario)
    assert info.value.provider == "retell"
    assert "HTTP 401" in str(info.value) and "RETELL_API_KEY" in str(info.value)


def test_running_transcript_becomes_partials_and_finals() -> None:
    diff = TranscriptDiff()
    assert diff.update([{"role": "agent", "content": "Hello"}], "agent_turn") == [
        AgentTranscript("Hello", False)
    ]
    assert diff.update([{"role": "agent", "content": "Hello there."}], "user_turn") == [
        AgentTranscript("Hello there.", True)
    ]
    both = [
        {"role": "agent", "content": "Hello there."},
        {"role": "user", "content": "hi"},
        {"role": "agent", "content": "How"},
    ]
    assert diff.update(both, "agent_turn") == [
        UserTranscript("hi", True),
        AgentTranscript("How", False),
    ]


def test_retell_agents_need_their_key() -> None:
    registry = Registry.load(Settings(RETELL_API_KEY=None))
    for system_id in ("agent-retell-default", "agent-retell-quality", "agent-retell-claude"):
        availability = registry.get(system_id).available()
        assert not availability.ok and "RETELL_API_KEY" in availability.reason


async def test_keepalive_pings_while_the_call_is_open(
    retell: RetellEmulator, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("arena.providers.hosted.retell.KEEPALIVE_S", 0.05)
    session = await agent_for(retell).connect(scenario)
    call = next(iter(retell.calls.values()))
    await eventually(lambda: any("ping_pong" in text for text in call.texts_received))
    await session.close()
