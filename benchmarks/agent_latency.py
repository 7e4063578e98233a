"""Turn latency of the offline agents, measured by the bridge, over simulated calls.

A simulated caller speaks each scenario's scripted lines (Piper voice, 16 kHz) into the real
bridge in real time — 20 ms frames, silence between lines like an open microphone — and
waits for the agent to finish answering before the next line. The bridge measures each turn
from the end of the caller's speech (its own VAD) to the first agent audio byte.

    .venv/bin/python benchmarks/agent_latency.py --agent agent-local-fast
    .venv/bin/python benchmarks/agent_latency.py --agent agent-local-quality --scenarios 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field

import numpy as np

from arena.config import Settings
from arena.core.audio import concat
from arena.core.scenarios import SCENARIOS, Scenario
from arena.providers.agent import VoiceAgent
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from arena.voice.live.bridge import run_conversation
from arena.voice.live.channel import QueueChannel
from arena.voice.live.record import ConversationRecord
from arena.voice.live.turns import percentile

FRAME = 640
FRAME_S = 0.02


@dataclass
class Caller:
    """An open microphone: silence (a faint noise floor) unless a line is being spoken."""

    channel: QueueChannel
    speech: bytearray = field(default_factory=bytearray)
    agent_final: bool = False
    agent_plays_until: float = 0.0
    last_agent_audio: float = 0.0
    clears: int = 0
    ended: bool = False

    async def microphone(self) -> None:
        rng = np.random.default_rng(0)
        start = time.monotonic()
        index = 0
        while not self.ended:
            if self.speech:
                frame = bytes(self.speech[:FRAME]).ljust(FRAME, b"\0")
                del self.speech[:FRAME]
            else:
                frame = rng.normal(0, 20, FRAME // 2).astype("<i2").tobytes()
            self.channel.inbox.put_nowait(frame)
            index += 1
            await asyncio.sleep(max(0.0, start + index * FRAME_S - time.monotonic()))

    async def listen(self) -> None:
        while True:
            frame = await self.channel.outbox.get()
            now = time.monotonic()
            if isinstance(frame, bytes):
                self.last_agent_audio = now
                self.agent_plays_until = max(self.agent_plays_until, now) + len(frame) / 32000
                continue
            kind = frame.get("type")
            if kind == "transcript" and frame["role"] == "agent" and frame["final"]:
                self.agent_final = True
            elif kind == "clear":
                self.clears += 1
                self.agent_plays_until = now
            elif kind == "conversation_ended":
                self.ended = True
                return

    async def wait_for_agent(self, limit: float = 25.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self.ended:
            now = time.monotonic()
            quiet = now - self.last_agent_audio > 0.5
            if self.agent_final and quiet and now > self.agent_plays_until + 0.3:
                return
            await asyncio.sleep(0.05)

    async def say(self, pcm: bytes) -> None:
        self.agent_final = False
        self.speech.extend(pcm)
        # The microphone task drains `speech` in real time; this line lasts as long as it does.
        await asyncio.sleep(len(pcm) / 32000)


async def converse(
    agent: VoiceAgent, scenario: Scenario, lines: list[bytes]
) -> tuple[ConversationRecord, int]:
    channel = QueueChannel()
    caller = Caller(channel)
    conversation = asyncio.create_task(
        run_conversation(
            channel, agent, scenario, conversation_id=str(uuid.uuid4()), max_duration_seconds=300
        )
    )
    tasks = [asyncio.create_task(caller.microphone()), asyncio.create_task(caller.listen())]
    for pcm in lines:
        await caller.wait_for_agent()
        if caller.ended:
            break
        await caller.say(pcm)
    await caller.wait_for_agent()
    if not caller.ended:
        channel.inbox.put_nowait(json.dumps({"type": "end_conversation"}))
    record = await conversation
    caller.ended = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return record, caller.clears


def caller_audio(voice: TextToSpeech, scenario: Scenario) -> list[bytes]:
    return [
        concat(list(voice.synthesize(line)), 16000).to_pcm16() for line in scenario.caller_lines
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agent", default="agent-local-fast")
    parser.add_argument("--scenarios", type=int, default=len(SCENARIOS))
    parser.add_argument("--show-transcripts", action="store_true")
    args = parser.parse_args()
    registry = Registry.load(Settings(OPENAI_API_KEY=None))
    agent = registry.get(args.agent)
    voice = registry.get("piper/joe-medium")
    assert isinstance(agent, VoiceAgent) and isinstance(voice, TextToSpeech)
    latencies: list[float] = []
    ttfbs: list[float] = []
    clears = 0
    for scenario in SCENARIOS[: args.scenarios]:
        record, interrupted = await converse(agent, scenario, caller_audio(voice, scenario))
        latencies += record.latencies_ms
        clears += interrupted
        if record.ttfb_ms is not None:
            ttfbs.append(record.ttfb_ms)
        print(
            f"{scenario.name:38s} turns={record.total_turns:2d} "
            f"latencies_ms={[round(x) for x in record.latencies_ms]} ended_by={record.ended_by}",
            flush=True,
        )
        if args.show_transcripts:
            for turn in record.turns:
                print(f"    {turn.role:5s} {turn.text}")
    print(
        json.dumps(
            {
                "agent": args.agent,
                "turns_measured": len(latencies),
                "p50_ms": round(percentile(latencies, 50) or 0),
                "p95_ms": round(percentile(latencies, 95) or 0),
                "mean_ms": round(statistics.fmean(latencies)) if latencies else None,
                "ttfb_median_ms": round(statistics.median(ttfbs)) if ttfbs else None,
                "barge_in_clears": clears,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
