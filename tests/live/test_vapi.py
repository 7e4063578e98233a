"""The Vapi adapter against the Vapi emulator over real sockets."""

from __future__ import annotations

import json

import pytest

from arena.config import Settings
from arena.core.scenarios import Scenario
from arena.providers.agent import AgentConnectError
from arena.providers.hosted.vapi import VapiAgent, VapiSession
from arena.providers.registry import Registry
from arena.voice.live.events import (
    AgentAudio,
    AgentTranscript,
    Ended,
    Interrupt,
    SpeechStarted,
    ToolCall,
    UserTranscript,
)
from tests.fakes.vapi_api import VapiEmulator
from tests.live.conftest import collect_until, silence, speech, stream


def agent_for(emulator: VapiEmulator, key: str = "test-vapi-key") -> VapiAgent:
    settings = Settings(VAPI_API_KEY=key, VAPI_BASE_URL=emulator.base_url)  # type: ignore[attr-defined]
    agent = Registry.load(settings).get("agent-vapi-default")
    assert isinstance(agent, VapiAgent)
    return agent


async def test_audio_both_ways_and_transcripts(vapi: VapiEmulator, scenario: Scenario) -> None:
    session = await agent_for(vapi).connect(scenario)
    events = session.events()
    greeting = await collect_until(events, lambda e: isinstance(e, AgentTranscript) and e.final)
    audio = b"".join(e.pcm for e in greeting if isinstance(e, AgentAudio))
    assert len(audio) > 16000  # more than half a second of greeting
    assert any(isinstance(e, SpeechStarted) and e.role == "agent" for e in greeting)
    assert "help you today" in greeting[-1].text  # type: ignore[union-attr]

    await stream(session, speech("I would like to book a haircut tomorrow") + silence(800))
    reply = await collect_until(events, lambda e: isinstance(e, AgentTranscript) and e.final)
    heard = [e for e in reply if isinstance(e, UserTranscript) and e.final]
    assert heard and heard[0].text not in ("", "(inaudible)")
    assert any(isinstance(e, AgentAudio) for e in reply)
    assert reply[-1].text.startswith("You said")  # type: ignore[union-attr]
    call = next(iter(vapi.calls.values()))
    assert call.frames_received > 50
    assert call.assistant["model"]["messages"][0]["content"] == scenario.system_prompt
    await session.close()


async def test_barge_in_interrupts_the_agent(vapi: VapiEmulator, scenario: Scenario) -> None:
    session = await agent_for(vapi).connect(scenario)
    events = session.events()
    await collect_until(events, lambda e: isinstance(e, AgentAudio))
    await stream(session, speech("wait, stop please"))
    seen = await collect_until(events, lambda e: isinstance(e, Interrupt))
    assert isinstance(seen[-1], Interrupt)
    await session.close()


async def test_hangup_ends_the_call(vapi: VapiEmulator, scenario: Scenario) -> None:
    session = await agent_for(vapi).connect(scenario)
    events = session.events()
    await collect_until(events, lambda e: isinstance(e, AgentAudio))
    await session.end()
    call = next(iter(vapi.calls.values()))
    assert {"type": "hangup"} in call.messages_received
    assert call.ended_reason == "customer-ended-call"
    await session.close()


async def test_provider_side_close(vapi: VapiEmulator, scenario: Scenario) -> None:
    vapi.options.max_call_seconds = 1.0
    session = await agent_for(vapi).connect(scenario)
    seen = await collect_until(session.events(), lambda e: isinstance(e, Ended))
    assert seen[-1] == Ended("vapi: exceeded-max-duration")
    await session.close()


async def test_bad_key_is_a_connect_error_naming_the_key(
    vapi: VapiEmulator, scenario: Scenario
) -> None:
    with pytest.raises(AgentConnectError) as info:
        await agent_for(vapi, key="wrong").connect(scenario)
    assert info.value.provider == "vapi"
    assert "HTTP 401" in str(info.value) and "VAPI_API_KEY" in str(info.value)


async def test_unreachable_provider_is_a_connect_error(scenario: Scenario) -> None:
    settings = Settings(VAPI_API_KEY="k", VAPI_BASE_URL="http://127.0.0.1:9")
    agent = Registry.load(settings).get("agent-vapi-quality")
    assert isinstance(agent, VapiAgent)
    with pytest.raises(AgentConnectError, match="could not reach"):
        await agent.connect(scenario)


def test_vapi_agents_need_their_key() -> None:
    registry = Registry.load(Settings(VAPI_API_KEY=None))
    for system_id in ("agent-vapi-default", "agent-vapi-quality", "agent-vapi-claude"):
        system = registry.get(system_id)
        assert system.mode == "agent"
        assert "components" in system.config
        availability = system.available()
        assert not availability.ok and "VAPI_API_KEY" in availability.reason


async def test_tool_calls_carry_the_scenarios_canned_result(
    vapi: VapiEmulator, scenario: Scenario
) -> None:
    session = await agent_for(vapi).connect(scenario)
    assert isinstance(session, VapiSession)
    message = {
        "type": "tool-calls",
        "toolCallList": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "check_availability", "arguments": '{"date": "tomorrow"}'},
            }
        ],
    }
    (call,) = session.translate(json.dumps(message))
    assert call == ToolCall(
        "check_availability", {"date": "tomorrow"}, json.dumps(dict(scenario.tools[0].result))
    )
    assert list(session.translate("not json")) == []
    await session.close()
