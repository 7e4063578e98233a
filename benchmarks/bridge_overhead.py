"""Bridge overhead per 20 ms frame with many concurrent conversations against the Vapi emulator.

The emulator runs in its own process (`--voice tone --stamp-frames`): every agent frame it
sends carries its send time (CLOCK_MONOTONIC, shared by all processes) and a sequence number.
N conversations run through the real Vapi adapter and the bridge, each with a caller that
streams 20 ms microphone frames. Reported per agent frame:

- bridge: from the adapter yielding the frame to the bridge handing it to the client
  channel — the work the bridge adds (recorder, turn tracker, send); and upstream, from the
  client channel handing over a caller frame to the adapter receiving it (validation, VAD,
  recorder);
- end to end: from the emulator sending it to the client channel receiving it, next to the
  same measurement for N plain WebSocket clients talking to the emulator without the bridge;
- lost frames: gaps in the sequence numbers each client received, and caller frames the
  emulator did not receive.

Each caller opens its microphone once the bridge says `session_started`; the emulator is
started `--deaf` (it counts caller frames without running its VAD) so that it is not the
bottleneck being measured.

    .venv/bin/python benchmarks/bridge_overhead.py --conversations 100 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import struct
import subprocess
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
from websockets.asyncio.client import connect

from arena.config import Settings
from arena.core.scenarios import SCENARIOS, Scenario
from arena.providers.agent import AgentSession
from arena.providers.hosted.vapi import VapiAgent, VapiSession
from arena.providers.registry import Registry
from arena.voice.live.bridge import run_conversation
from arena.voice.live.channel import ClientDisconnected
from arena.voice.live.events import AgentAudio, AgentEvent
from arena.voice.live.turns import percentile

KEY = "bench-key"
FRAME = 640


def stamp(pcm: bytes) -> tuple[int, int]:
    sent_ns, seq = struct.unpack_from("<QI", pcm)
    return sent_ns, seq


@dataclass
class Measured:
    """Per-frame timings (ns) and sequence numbers seen by one client."""

    bridge_ns: list[int] = field(default_factory=list)
    e2e_ns: list[int] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    sent_frames: int = 0
    call_id: str = ""
    upstream_ns: list[int] = field(default_factory=list)

    def lost(self) -> int:
        if not self.seqs:
            return 0
        return max(self.seqs) + 1 - len(set(self.seqs))


class TimedSession(AgentSession):
    """Records when the adapter yields each agent frame (keyed by its sequence number) and
    how long each caller frame took from the client channel to the adapter."""

    def __init__(self, inner: AgentSession, yielded: dict[int, int], received: Received) -> None:
        self._inner = inner
        self._yielded = yielded
        self._received = received

    async def send_audio(self, pcm16_16k: bytes) -> None:
        if self._received.times:
            self._received.upstream_ns.append(time.monotonic_ns() - self._received.times.popleft())
        await self._inner.send_audio(pcm16_16k)

    async def events(self) -> AsyncIterator[AgentEvent]:
        async for event in self._inner.events():
            if isinstance(event, AgentAudio) and len(event.pcm) >= 12:
                self._yielded[stamp(event.pcm)[1]] = time.monotonic_ns()
            yield event

    async def end(self) -> None:
        await self._inner.end()

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class Received:
    """When the client channel handed each caller frame to the bridge, and the delays."""

    times: deque[int] = field(default_factory=deque)
    upstream_ns: list[int] = field(default_factory=list)


@dataclass
class TimedVapiAgent(VapiAgent):
    """The Vapi agent, with its sessions wrapped in `TimedSession`."""

    yielded: dict[int, int] = field(default_factory=dict)
    received: Received = field(default_factory=Received)
    call_id: str = ""

    async def connect(self, scenario: Scenario) -> AgentSession:
        session = await super().connect(scenario)
        assert isinstance(session, VapiSession)
        self.call_id = session.call_id
        self.received.times.clear()  # frames queued while connecting waited for the call
        return TimedSession(session, self.yielded, self.received)


class MeasuringChannel:
    """A client channel: an open microphone in, stamped agent frames out."""

    def __init__(self, measured: Measured, yielded: dict[int, int], received: Received) -> None:
        self.inbox: asyncio.Queue[bytes | str | None] = asyncio.Queue()
        self.measured = measured
        self._yielded = yielded
        self._received = received
        self.started = asyncio.Event()

    async def receive(self) -> bytes | str:
        item = await self.inbox.get()
        if item is None:
            raise ClientDisconnected("benchmark client left")
        if isinstance(item, bytes):
            self._received.times.append(time.monotonic_ns())
        return item

    async def send_bytes(self, data: bytes) -> None:
        now = time.monotonic_ns()
        sent_ns, seq = stamp(data)
        self.measured.e2e_ns.append(now - sent_ns)
        self.measured.seqs.append(seq)
        yielded = self._yielded.get(seq)
        if yielded is not None:
            self.measured.bridge_ns.append(now - yielded)

    async def send_json(self, data: Mapping[str, Any]) -> None:
        if data.get("type") == "session_started":
            self.started.set()


async def microphone(inbox: asyncio.Queue[bytes | str | None], seconds: float, m: Measured) -> None:
    noise = np.random.default_rng(1).normal(0, 20, FRAME // 2).astype("<i2").tobytes()
    start = time.monotonic()
    index = 0
    while time.monotonic() - start < seconds:
        inbox.put_nowait(noise)
        m.sent_frames += 1
        index += 1
        await asyncio.sleep(max(0.0, start + index * 0.02 - time.monotonic()))


async def bridged(agent_settings: Settings, scenario: Scenario, seconds: float) -> Measured:
    base = Registry.load(agent_settings).get("agent-vapi-default")
    assert isinstance(base, VapiAgent)
    agent = TimedVapiAgent(
        id=base.id,
        mode="agent",
        display_name=base.display_name,
        provider="vapi",
        config=base.config,
        api_key=base.api_key,
        base_url=base.base_url,
    )
    measured = Measured()
    channel = MeasuringChannel(measured, agent.yielded, agent.received)
    task = asyncio.create_task(
        run_conversation(channel, agent, scenario, conversation_id="bench", max_turns=1000)
    )
    await asyncio.wait_for(channel.started.wait(), 60)  # a browser opens the mic then, too
    await microphone(channel.inbox, seconds, measured)
    channel.inbox.put_nowait(json.dumps({"type": "end_conversation"}))
    await asyncio.wait_for(task, 30)
    measured.call_id = agent.call_id
    measured.upstream_ns = agent.received.upstream_ns
    return measured


async def frames_received(base_url: str, call_ids: list[str]) -> int:
    """How many caller frames the emulator received on these calls."""
    total = 0
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as client:
        for call_id in call_ids:
            total += int((await client.get(f"{base_url}/call/{call_id}")).json()["framesReceived"])
    return total


async def direct(base_url: str, seconds: float) -> Measured:
    measured = Measured()
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base_url}/call",
            headers={"Authorization": f"Bearer {KEY}"},
            json={
                "assistant": {"firstMessage": "Hello"},
                "transport": {
                    "provider": "vapi.websocket",
                    "audioFormat": {"format": "pcm_s16le", "container": "raw", "sampleRate": 16000},
                },
            },
        )
    url = response.json()["transport"]["websocketCallUrl"]
    async with connect(url) as ws:

        async def read() -> None:
            async for message in ws:
                if isinstance(message, bytes):
                    sent_ns, seq = stamp(message)
                    measured.e2e_ns.append(time.monotonic_ns() - sent_ns)
                    measured.seqs.append(seq)

        reader = asyncio.create_task(read())
        inbox: asyncio.Queue[bytes | str | None] = asyncio.Queue()
        mic = asyncio.create_task(microphone(inbox, seconds, measured))
        while not mic.done() or not inbox.empty():
            with contextlib.suppress(TimeoutError):
                item = await asyncio.wait_for(inbox.get(), 0.1)
                assert isinstance(item, bytes)
                await ws.send(item)
        await ws.send(json.dumps({"type": "hangup"}))
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(reader, 5)
    return measured


def summary(label: str, samples_ns: list[int]) -> dict[str, Any]:
    ms = [x / 1e6 for x in samples_ns]
    return {
        "path": label,
        "frames": len(ms),
        "p50_ms": round(percentile(ms, 50) or 0, 3),
        "p99_ms": round(percentile(ms, 99) or 0, 3),
        "max_ms": round(max(ms), 3) if ms else None,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def measure(base_url: str, conversations: int, seconds: float) -> dict[str, Any]:
    settings = Settings(VAPI_API_KEY=KEY, VAPI_BASE_URL=base_url)
    scenario = SCENARIOS[0]
    runs = await asyncio.gather(
        *(bridged(settings, scenario, seconds) for _ in range(conversations))
    )
    baseline = await asyncio.gather(*(direct(base_url, seconds) for _ in range(conversations)))
    received = await frames_received(base_url, [r.call_id for r in runs])
    return {
        "conversations": conversations,
        "seconds": seconds,
        "bridge": summary(
            "adapter -> bridge -> client channel", [x for r in runs for x in r.bridge_ns]
        ),
        "bridge_upstream": summary(
            "client channel -> bridge (VAD, recorder) -> adapter",
            [x for r in runs for x in r.upstream_ns],
        ),
        "end_to_end_bridged": summary(
            "emulator -> client, through the bridge", [x for r in runs for x in r.e2e_ns]
        ),
        "end_to_end_direct": summary(
            "emulator -> client, no bridge", [x for r in baseline for x in r.e2e_ns]
        ),
        "agent_frames_lost_bridged": sum(r.lost() for r in runs),
        "agent_frames_lost_direct": sum(r.lost() for r in baseline),
        "caller_frames_sent": sum(r.sent_frames for r in runs),
        "caller_frames_received_by_emulator": received,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    port = free_port()
    emulator = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.fakes.vapi_api", "--port", str(port), "--key", KEY),
            *("--voice", "tone", "--transcriber", "none", "--stamp-frames", "--deaf"),
            *("--tone-seconds", str(args.seconds + 5)),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.05)
        report = asyncio.run(measure(f"http://127.0.0.1:{port}", args.conversations, args.seconds))
    finally:
        emulator.terminate()
        emulator.wait(10)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
