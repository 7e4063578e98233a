"""The offline agents through the real bridge: replies, barge-in, hang-up, availability."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from arena.config import Settings
from arena.core.audio import concat
from arena.core.scenarios import Scenario, get_scenario
from arena.providers.local.agent import LocalAgent, sounds_unfinished
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from arena.voice.live.bridge import run_conversation
from arena.voice.live.channel import QueueChannel
from arena.voice.live.record import ConversationRecord


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(Settings(OPENAI_API_KEY=None))


@pytest.fixture(scope="module")
def caller(registry: Registry) -> Iterator[Any]:
    voice = registry.get("piper/joe-medium")
    assert isinstance(voice, TextToSpeech)

    def say(text: str) -> bytes:
        return concat(list(voice.synthesize(text)), 16000).to_pcm16()

    yield say


class Call:
    """A caller on a QueueChannel: an open microphone plus a log of what came back."""

    def __init__(self, agent: LocalAgent, scenario: Scenario) -> None:
        self.channel = QueueChannel()
        self.frames: list[dict[str, Any]] = []
        self.audio_bytes = 0
        self.task = asyncio.create_task(
            run_conversation(self.channel, agent, scenario, conversation_id="local-test")
        )

    async def speak(self, pcm: bytes, then_silence_ms: int = 1200) -> None:
        pcm = pcm + bytes(32 * then_silence_ms)
        for start in range(0, len(pcm), 640):
            self.channel.inbox.put_nowait(pcm[start : start + 640])
            await asyncio.sleep(0.01)

    async def until(self, predicate: Any, within: float = 60.0) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            while True:
                frame = await self.channel.outbox.get()
                if isinstance(frame, bytes):
                    self.audio_bytes += len(frame)
                    continue
                self.frames.append(frame)
                if predicate(frame):
                    return frame

        return await asyncio.wait_for(read(), within)

    async def end(self) -> ConversationRecord:
        self.channel.inbox.put_nowait(json.dumps({"type": "end_conversation"}))
        return await asyncio.wait_for(self.task, 30)


def agent_final(frame: dict[str, Any]) -> bool:
    return frame["type"] == "transcript" and frame["role"] == "agent" and frame["final"]


def user_final(frame: dict[str, Any]) -> bool:
    return frame["type"] == "transcript" and frame["role"] == "user" and frame["final"]


async def test_fast_agent_hears_and_answers(registry: Registry, caller: Any) -> None:
    agent = registry.get("agent-local-fast")
    assert isinstance(agent, LocalAgent)
    call = Call(agent, get_scenario("Order status check"))
    greeting = await call.until(agent_final)
    assert greeting["text"] == "Thanks for calling ShopFast. How can I help you today?"
    await asyncio.sleep(4)  # let the greeting play out
    await call.speak(caller("Hi, I'd like to check the status of my order."))
    heard = await call.until(user_final)
    assert heard["text"]
    reply = await call.until(agent_final)
    assert reply["text"]
    record = await call.end()
    assert record.recording.agent_wav and call.audio_bytes > 16000
    assert record.ended_by == "user"
    assert record.latencies_ms and all(x > 0 for x in record.latencies_ms)
    assert [t.role for t in record.turns][:3] == ["agent", "user", "agent"]


async def test_barge_in_stops_the_agent(registry: Registry, caller: Any) -> None:
    agent = registry.get("agent-local-fast")
    assert isinstance(agent, LocalAgent)
    call = Call(agent, get_scenario("Product comparison"))
    await call.until(agent_final)  # the greeting has started playing
    await call.speak(caller("Sorry, hold on a second."), then_silence_ms=200)
    await call.until(lambda f: f["type"] == "clear")
    record = await call.end()
    assert record.turns[0].interrupted


async def test_the_agent_hangs_up_after_goodbye(registry: Registry, caller: Any) -> None:
    agent = registry.get("agent-local-fast")
    assert isinstance(agent, LocalAgent)
    call = Call(agent, get_scenario("Store hours and directions"))
    await call.until(agent_final)
    await asyncio.sleep(4)
    await call.speak(caller("That's all, goodbye."))
    ended = await call.until(lambda f: f["type"] == "conversation_ended")
    record = await asyncio.wait_for(call.task, 10)
    assert record.ended_by == "agent"
    assert "Goodbye" in ended["transcript"][-1]["text"]


@pytest.mark.slow
async def test_quality_agent_understands_piper_speech(registry: Registry, caller: Any) -> None:
    agent = registry.get("agent-local-quality")
    assert isinstance(agent, LocalAgent)
    call = Call(agent, get_scenario("Haircut appointment booking"))
    await call.until(agent_final, within=120)
    await asyncio.sleep(4)
    await call.speak(caller("Hi, I'd like to book a haircut for tomorrow at 2pm."))
    heard = await call.until(user_final, within=120)
    # Where the VAD cuts the streamed audio varies with load: "haircut" or "hair cut".
    assert "haircut" in heard["text"].lower().replace(" ", "")
    reply = await call.until(agent_final, within=120)
    assert "2 pm" in reply["text"]
    await call.end()


def test_unfinished_phrases_hold_the_turn() -> None:
    assert sounds_unfinished("hi")
    assert sounds_unfinished("i need a table for")
    assert not sounds_unfinished("i need a table for four people")


def test_local_agents_are_registered_with_their_components(registry: Registry) -> None:
    fast, quality = registry.get("agent-local-fast"), registry.get("agent-local-quality")
    assert fast.mode == quality.mode == "agent"
    assert fast.available().ok and quality.available().ok
    assert "pocketsphinx" in fast.config["components"]["stt"]
    assert "piper" in quality.config["components"]["tts"]
    assert "scenario-grounded" in fast.config["components"]["llm"]
