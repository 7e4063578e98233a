"""The bridge over a real WebSocket, with the Vapi adapter and emulator behind it."""

from __future__ import annotations

import asyncio
import io
import json
import random
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import soundfile as sf
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect

from arena.config import Settings
from arena.core.scenarios import Scenario
from arena.providers.agent import VoiceAgent
from arena.providers.registry import Registry
from arena.voice.live.bridge import run_conversation
from arena.voice.live.channel import QueueChannel, StarletteChannel
from arena.voice.live.record import ConversationRecord
from tests.fakes.agent_call import ThreadedServer
from tests.fakes.vapi_api import VapiEmulator
from tests.live.conftest import eventually, silence, speech


@dataclass
class BridgeServer:
    """A WebSocket route that runs the bridge, as the battle route does."""

    agent: VoiceAgent
    scenario: Scenario
    limits: dict[str, Any] = field(default_factory=dict)
    records: list[ConversationRecord] = field(default_factory=list)
    shutdown: asyncio.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    async def route(self, websocket: WebSocket) -> None:
        await websocket.accept()
        self.shutdown = asyncio.Event()

        async def store(record: ConversationRecord) -> None:
            with self.lock:
                self.records.append(record)

        await run_conversation(
            StarletteChannel(websocket),
            self.agent,
            self.scenario,
            conversation_id=str(uuid.uuid4()),
            on_finished=store,
            shutdown=self.shutdown,
            **self.limits,
        )
        await websocket.close()


def vapi_agent(emulator: VapiEmulator, key: str = "test-vapi-key") -> VoiceAgent:
    settings = Settings(VAPI_API_KEY=key, VAPI_BASE_URL=emulator.base_url)  # type: ignore[attr-defined]
    agent = Registry.load(settings).get("agent-vapi-default")
    assert isinstance(agent, VoiceAgent)
    return agent


@pytest.fixture
def bridge(vapi: VapiEmulator, scenario: Scenario) -> Iterator[BridgeServer]:
    server = BridgeServer(vapi_agent(vapi), scenario)
    http = ThreadedServer(Starlette(routes=[WebSocketRoute("/stream", server.route)]))
    http.start()
    server.url = f"ws://127.0.0.1:{http.port}/stream"
    try:
        yield server
    finally:
        http.stop()


@pytest.fixture
async def client(bridge: BridgeServer) -> AsyncIterator[ClientConnection]:
    async with connect(bridge.url) as ws:
        yield ws


async def next_json(ws: ClientConnection, kind: str, within: float = 20.0) -> dict[str, Any]:
    """Skip audio and other frames until a JSON frame of `kind` arrives."""

    async def read() -> dict[str, Any]:
        while True:
            frame = await ws.recv()
            if isinstance(frame, str):
                message: dict[str, Any] = json.loads(frame)
                if message["type"] == kind:
                    return message

    return await asyncio.wait_for(read(), within)


async def say(ws: ClientConnection, pcm: bytes) -> None:
    for start in range(0, len(pcm), 640):
        await ws.send(pcm[start : start + 640])
        await asyncio.sleep(0.004)


def wav_info(data: bytes) -> tuple[int, int, float]:
    info = sf.info(io.BytesIO(data))
    return info.samplerate, info.channels, info.duration


async def test_a_conversation_ended_by_the_caller(
    bridge: BridgeServer, client: ClientConnection
) -> None:
    started = await next_json(client, "session_started")
    greeting = await next_json(client, "transcript")
    assert greeting["role"] == "agent"
    await say(client, speech("I would like a haircut tomorrow at two") + silence(900))
    heard = await next_json(client, "transcript")
    while heard["role"] != "user" or not heard["final"]:
        heard = await next_json(client, "transcript")
    reply = await next_json(client, "transcript")
    while reply["role"] != "agent" or not reply["final"]:
        reply = await next_json(client, "transcript")
    await client.send(json.dumps({"type": "end_conversation"}))
    ended = await next_json(client, "conversation_ended")

    assert ended["conversation_id"] == started["conversation_id"]
    record = bridge.records[0]
    assert record.ended_by == "user"
    assert ended["total_turns"] == record.total_turns >= 3
    assert [t["role"] for t in ended["transcript"]][:3] == ["agent", "user", "agent"]
    assert len(record.latencies_ms) == 1 and record.latencies_ms[0] > 0
    assert record.turns[2].latency_ms == round(record.latencies_ms[0])
    assert record.ttfb_ms is not None and record.ttfb_ms > 0
    assert wav_info(record.recording.user_wav)[:2] == (16000, 1)
    assert wav_info(record.recording.agent_wav)[:2] == (16000, 1)
    rate, channels, seconds = wav_info(record.recording.mix_wav)
    assert (rate, channels) == (16000, 2) and seconds >= record.duration_seconds - 0.05


async def test_bad_frames_get_errors_and_the_call_goes_on(
    bridge: BridgeServer, client: ClientConnection
) -> None:
    await next_json(client, "session_started")
    for frame in (b"\x01\x02\x03", bytes(70_000), "{not json", json.dumps({"type": "dance"})):
        await client.send(frame)
        error = await next_json(client, "error")
        assert error["message"]
    await client.send(json.dumps({"type": "end_conversation"}))
    await next_json(client, "conversation_ended")
    assert bridge.records[0].ended_by == "user"


async def test_barge_in_sends_clear(bridge: BridgeServer, client: ClientConnection) -> None:
    await next_json(client, "session_started")
    await asyncio.sleep(0.3)
    await say(client, speech("hold on a second"))
    await next_json(client, "clear")
    await client.send(json.dumps({"type": "end_conversation"}))
    await next_json(client, "conversation_ended")
    assert bridge.records[0].turns[0].interrupted


async def test_closing_the_tab_still_stores_the_conversation(
    bridge: BridgeServer, client: ClientConnection
) -> None:
    await next_json(client, "session_started")
    await say(client, speech("hello there") + silence(200))
    await client.close()
    await eventually(lambda: bool(bridge.records))
    record = bridge.records[0]
    assert record.ended_by == "client_disconnect"
    assert wav_info(record.recording.user_wav)[2] > 0.5


async def test_the_agent_hanging_up_ends_it(
    bridge: BridgeServer, vapi: VapiEmulator, client: ClientConnection
) -> None:
    vapi.options.max_call_seconds = 0.8
    await next_json(client, "session_started")
    await next_json(client, "conversation_ended")
    assert bridge.records[0].ended_by == "agent"
    assert "exceeded-max-duration" in bridge.records[0].end_reason


async def test_the_watchdog_times_out(bridge: BridgeServer) -> None:
    bridge.limits = {"max_duration_seconds": 1.0}
    async with connect(bridge.url) as client:
        await next_json(client, "session_started")
        timeout = await next_json(client, "timeout")
        assert "1 second" in timeout["message"]
        await next_json(client, "conversation_ended")
    assert bridge.records[0].ended_by == "timeout"


async def test_max_turns_ends_after_the_reply(bridge: BridgeServer) -> None:
    bridge.limits = {"max_turns": 1}
    async with connect(bridge.url) as client:
        await next_json(client, "session_started")
        greeting = await next_json(client, "transcript")
        while not greeting["final"]:  # a polite caller lets the greeting finish
            greeting = await next_json(client, "transcript")
        await say(client, speech("book me a haircut") + silence(900))
        ended = await next_json(client, "conversation_ended")
    assert bridge.records[0].ended_by == "max_turns"
    assert [t["role"] for t in ended["transcript"]] == ["agent", "user", "agent"]


async def test_server_shutdown_is_recorded(bridge: BridgeServer) -> None:
    async with connect(bridge.url) as client:
        await next_json(client, "session_started")
        await eventually(lambda: bridge.shutdown is not None)
        shutdown = bridge.shutdown
        assert shutdown is not None
        await asyncio.sleep(0.2)
        asyncio.run_coroutine_threadsafe(_set(shutdown), _loop_of(shutdown)).result(5)
        await next_json(client, "conversation_ended")
    assert bridge.records[0].ended_by == "server_shutdown"


async def _set(event: asyncio.Event) -> None:
    event.set()


def _loop_of(event: asyncio.Event) -> asyncio.AbstractEventLoop:
    loop = event._loop  # type: ignore[attr-defined]  # the server thread's loop
    assert isinstance(loop, asyncio.AbstractEventLoop)
    return loop


async def test_connect_failure_names_the_provider(vapi: VapiEmulator, scenario: Scenario) -> None:
    channel = QueueChannel()
    record = await run_conversation(
        channel, vapi_agent(vapi, key="wrong"), scenario, conversation_id="c1"
    )
    frame = channel.outbox.get_nowait()
    assert isinstance(frame, dict) and frame["type"] == "error"
    assert "vapi" in frame["message"] and "VAPI_API_KEY" in frame["message"]
    assert record.ended_by == "connect_failed" and record.total_turns == 0


async def test_conversations_cut_at_random_moments_all_end_with_a_record(
    vapi: VapiEmulator, scenario: Scenario
) -> None:
    vapi.options.voice = "tone"
    vapi.options.transcriber = "none"
    rng = random.Random(7)
    voice = speech("yes please") + silence(500)
    delivered: list[ConversationRecord] = []

    async def store(record: ConversationRecord) -> None:
        delivered.append(record)

    async def one(cut: str, after: float) -> str:
        channel = QueueChannel()
        shutdown = asyncio.Event()
        task = asyncio.create_task(
            run_conversation(
                channel,
                vapi_agent(vapi),
                scenario,
                conversation_id=str(uuid.uuid4()),
                on_finished=store,
                shutdown=shutdown,
            )
        )
        for start in range(0, len(voice), 640):
            channel.inbox.put_nowait(voice[start : start + 640])
        await asyncio.sleep(after)
        if cut == "disconnect":
            channel.disconnect()
        elif cut == "end":
            channel.inbox.put_nowait(json.dumps({"type": "end_conversation"}))
        elif cut == "shutdown":
            shutdown.set()
        else:
            task.cancel()
        try:
            record = await task
        except asyncio.CancelledError:
            return "server_shutdown"
        return record.ended_by

    cuts = [rng.choice(["disconnect", "end", "shutdown", "cancel"]) for _ in range(30)]
    ended = await asyncio.gather(*(one(cut, rng.uniform(0.05, 1.5)) for cut in cuts))
    expected = {
        "disconnect": "client_disconnect",
        "end": "user",
        "shutdown": "server_shutdown",
        "cancel": "server_shutdown",
    }
    assert ended == [expected[cut] for cut in cuts]
    assert len(delivered) == len(cuts)
    assert sorted(r.ended_by for r in delivered) == sorted(ended)
    for record in delivered:
        assert wav_info(record.recording.mix_wav)[1] == 2
