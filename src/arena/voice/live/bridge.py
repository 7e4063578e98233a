"""The live bridge: client ↔ agent audio, normalized events, timing, recording, one record.

`run_conversation` connects the agent, pumps audio both ways, turns the agent's events into
client frames, measures turn latency with its own VAD on the user's stream, records both
sides, and enforces the scenario's duration and turn limits. However the call ends — End
button, closed tab, provider error, timeout, max turns, server shutdown or cancellation — it
builds exactly one `ConversationRecord`, hands it to `on_finished` (so it can be stored) and
only then tells a still-connected client `conversation_ended`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from arena.providers.agent import AgentConnectError, AgentSession, VoiceAgent
from arena.providers.base import ProviderError
from arena.voice.live.channel import ClientChannel, ClientDisconnected
from arena.voice.live.events import (
    AgentAudio,
    AgentEvent,
    AgentTranscript,
    Ended,
    Error,
    Interrupt,
    ToolCall,
    UserTranscript,
)
from arena.voice.live.record import ConversationRecord, EndedBy
from arena.voice.live.recorder import Recorder
from arena.voice.live.turns import TurnTracker
from arena.voice.live.vad import Endpointer

if TYPE_CHECKING:
    from arena.core.scenarios import Scenario

logger = logging.getLogger("arena.live.bridge")

MAX_FRAME_BYTES = 64 * 1024
CONNECT_TIMEOUT_S = 15.0
HANGUP_TIMEOUT_S = 2.0
# After the agent's reply to the last allowed user turn, wait for this much audio silence.
_REPLY_DONE_QUIET_S = 0.4

OnFinished = Callable[[ConversationRecord], Awaitable[None]]


def _without_system_id(exc: BaseException) -> str:
    """The error's message without the "system-id: " prefix (system ids are not for clients)."""
    message = str(exc)
    if isinstance(exc, ProviderError):
        message = message.removeprefix(f"{exc.system_id}: ")
    return message


class ConversationBridge:
    """One conversation between a client channel and a voice agent; use `run_conversation`."""

    def __init__(
        self,
        channel: ClientChannel,
        agent: VoiceAgent,
        scenario: Scenario,
        *,
        conversation_id: str,
        max_turns: int | None,
        max_duration_seconds: float,
        on_finished: OnFinished | None = None,
        shutdown: asyncio.Event | None = None,
    ) -> None:
        self._channel = channel
        self._agent = agent
        self._scenario = scenario
        self._conversation_id = conversation_id
        self._max_turns = max_turns
        self._max_duration = max_duration_seconds
        self._on_finished = on_finished
        self._shutdown = shutdown
        self._t0 = time.monotonic()
        self._endpointer = Endpointer()
        self._tracker = TurnTracker()
        self._recorder = Recorder()
        self._tool_calls: list[ToolCall] = []
        self._session: AgentSession | None = None
        self._client_open = True
        self._send_lock = asyncio.Lock()
        # How the call ended (first writer wins). An Event, not a Future: cancelling the task
        # that waits on it must not cancel the outcome itself.
        self._ended: tuple[EndedBy, str] | None = None
        self._stopped = asyncio.Event()
        self._error: str | None = None
        self._closing_after_reply = False
        self._final: asyncio.Task[ConversationRecord] | None = None
        self._reply_watch: asyncio.Task[None] | None = None

    def _now(self) -> float:
        return time.monotonic() - self._t0

    def _end(self, by: EndedBy, reason: str) -> None:
        if self._ended is None:
            self._ended = (by, reason)
            self._stopped.set()

    async def run(self) -> ConversationRecord:
        """Hold the conversation until it ends; always returns (or, if cancelled, delivers)."""
        try:
            await self._converse()
        except asyncio.CancelledError:
            self._end("server_shutdown", "the server task was cancelled")
            await self._deliver_while_cancelled()
            raise
        try:
            return await asyncio.shield(self._finish())
        except asyncio.CancelledError:
            await self._deliver_while_cancelled()
            raise

    async def _deliver_while_cancelled(self) -> None:
        """Cancelled: still wait until the record is delivered (storage must not be cut off)."""
        final = self._finish()
        while not final.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(final)

    async def _converse(self) -> None:
        try:
            # asyncio.timeout, not wait_for: wait_for can swallow a cancellation that arrives
            # just as the connection completes (Python 3.11), and the call would run on.
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                self._session = await self._agent.connect(self._scenario)
        except (ProviderError, OSError, TimeoutError) as exc:
            provider = exc.provider if isinstance(exc, AgentConnectError) else self._agent.provider
            reason = _without_system_id(exc) or "it did not answer in time"
            await self._fail_connect(
                f"Could not connect to the agent provider {provider}: {reason}"
            )
            return
        self._t0 = time.monotonic()
        await self._send_json({"type": "session_started", "conversation_id": self._conversation_id})
        tasks = [
            asyncio.create_task(self._pump_client(self._session)),
            asyncio.create_task(self._pump_agent(self._session)),
            asyncio.create_task(self._watchdog()),
        ]
        if self._shutdown is not None:
            tasks.append(asyncio.create_task(self._await_shutdown(self._shutdown)))
        try:
            await self._stopped.wait()
        finally:
            if self._reply_watch is not None:
                tasks.append(self._reply_watch)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _fail_connect(self, message: str) -> None:
        self._error = message
        await self._send_json({"type": "error", "message": message})
        self._end("connect_failed", message)

    def _finish(self) -> asyncio.Task[ConversationRecord]:
        if self._final is None:
            self._final = asyncio.ensure_future(self._finalize())
        return self._final

    async def _finalize(self) -> ConversationRecord:
        self._end("server_shutdown", "the bridge stopped before the call ended")
        assert self._ended is not None
        ended_by, reason = self._ended
        session = self._session
        if session is not None:
            if ended_by not in ("agent", "provider_error"):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(session.end(), HANGUP_TIMEOUT_S)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.close(), HANGUP_TIMEOUT_S)
        record = self._record(ended_by, reason)
        if self._on_finished is not None:
            try:
                await self._on_finished(record)
            except Exception:
                logger.exception("storing conversation %s failed", self._conversation_id)
        if ended_by != "connect_failed":
            await self._send_json(record.ended_frame())
        return record

    def _record(self, ended_by: EndedBy, reason: str) -> ConversationRecord:
        now = self._now()
        for edge in self._endpointer.flush():
            self._tracker.user_speech_ended(edge.at)
        turns = self._tracker.finish(now)
        recording = self._recorder.finish(now)
        return ConversationRecord(
            conversation_id=self._conversation_id,
            ended_by=ended_by,
            end_reason=reason,
            turns=list(turns),
            duration_seconds=recording.duration_seconds,
            latencies_ms=list(self._tracker.latencies_ms),
            ttfb_ms=self._tracker.ttfb_ms,
            recording=recording,
            tool_calls=list(self._tool_calls),
            error=self._error,
            caller_heard=self._tracker.caller_heard,
        )

    async def _send_json(self, frame: Mapping[str, Any]) -> None:
        if not self._client_open:
            return
        try:
            async with self._send_lock:
                await self._channel.send_json(frame)
        except ClientDisconnected:
            self._client_open = False
            self._end("client_disconnect", "the client went away")

    async def _send_audio(self, pcm: bytes) -> None:
        if not self._client_open:
            return
        try:
            async with self._send_lock:
                await self._channel.send_bytes(pcm)
        except ClientDisconnected:
            self._client_open = False
            self._end("client_disconnect", "the client went away")

    async def _pump_client(self, session: AgentSession) -> None:
        while True:
            try:
                frame = await self._channel.receive()
            except ClientDisconnected:
                self._client_open = False
                self._end("client_disconnect", "the client went away")
                return
            except Exception as exc:  # a channel that failed some other way is gone too
                logger.exception("receiving from the client failed")
                self._client_open = False
                self._end("client_disconnect", f"the client connection failed: {exc}")
                return
            if isinstance(frame, bytes):
                await self._user_audio(session, frame)
            else:
                await self._client_message(frame)

    async def _user_audio(self, session: AgentSession, pcm: bytes) -> None:
        if len(pcm) % 2 or len(pcm) > MAX_FRAME_BYTES:
            await self._send_json(
                {
                    "type": "error",
                    "message": (
                        f"Dropped a binary frame of {len(pcm)} bytes: audio frames must be "
                        f"PCM s16le (an even number of bytes) and at most {MAX_FRAME_BYTES} bytes."
                    ),
                }
            )
            return
        if not pcm:
            return
        now = self._now()
        for edge in self._endpointer.feed(pcm, now):
            if edge.kind == "start":
                self._tracker.user_speech_started(edge.at)
            else:
                self._tracker.user_speech_ended(edge.at)
        self._recorder.add_user(pcm, now)
        try:
            await session.send_audio(pcm)
        except Exception as exc:  # any transport failure of the provider ends the call
            self._error = f"The agent stopped accepting audio: {exc}"
            self._end("provider_error", self._error)

    async def _client_message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            await self._send_json(
                {"type": "error", "message": "Ignored a text frame that is not valid JSON."}
            )
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "end_conversation":
            self._end("user", "the caller ended the conversation")
            return
        await self._send_json(
            {
                "type": "error",
                "message": (
                    f"Ignored a message of unknown type {kind!r}: the only client message is "
                    '{"type": "end_conversation"}.'
                ),
            }
        )

    async def _pump_agent(self, session: AgentSession) -> None:
        try:
            async for event in session.events():
                await self._agent_event(event)
                if self._ended is not None:
                    return
        except Exception as exc:  # a broken provider socket or engine
            self._error = f"The agent failed: {exc}"
            await self._send_json({"type": "error", "message": self._error})
            self._end("provider_error", self._error)
            return
        self._end("agent", "the agent closed the call")

    async def _agent_event(self, event: AgentEvent) -> None:
        now = self._now()
        if isinstance(event, AgentAudio):
            starts = self._recorder.add_agent(event.pcm, now)
            self._tracker.agent_audio(now, starts, self._recorder.agent_playing_until())
            await self._send_audio(event.pcm)
        elif isinstance(event, UserTranscript | AgentTranscript):
            role = "user" if isinstance(event, UserTranscript) else "agent"
            if role == "user":
                self._tracker.user_transcript(event.text, event.final, now)
            else:
                self._tracker.agent_transcript(event.text, event.final, now)
            await self._send_json(
                {"type": "transcript", "role": role, "text": event.text, "final": event.final}
            )
            if role == "agent" and event.final:
                self._check_turn_limit()
        elif isinstance(event, Interrupt):
            self._recorder.interrupt(now)
            self._tracker.interrupted(now)
            await self._send_json({"type": "clear"})
        elif isinstance(event, ToolCall):
            self._tool_calls.append(event)
        elif isinstance(event, Ended):
            self._end("agent", event.reason)
        elif isinstance(event, Error):
            self._error = f"The agent failed: {event.message}"
            await self._send_json({"type": "error", "message": self._error})
            self._end("provider_error", self._error)

    def _check_turn_limit(self) -> None:
        if self._max_turns is None or self._closing_after_reply:
            return
        if self._tracker.user_turns >= self._max_turns:
            self._closing_after_reply = True
            self._reply_watch = asyncio.create_task(self._end_after_reply())

    async def _end_after_reply(self) -> None:
        while self._ended is None:
            last = self._tracker.last_agent_audio_at
            quiet = self._now() - (last if last is not None else 0.0)
            if quiet >= _REPLY_DONE_QUIET_S:
                self._end("max_turns", f"the scenario allows {self._max_turns} caller turns")
                return
            await asyncio.sleep(_REPLY_DONE_QUIET_S - quiet + 0.01)

    async def _watchdog(self) -> None:
        await asyncio.sleep(self._max_duration)
        await self._send_json(
            {
                "type": "timeout",
                "message": f"The conversation reached its {self._max_duration:g} second limit.",
            }
        )
        self._end("timeout", f"reached the {self._max_duration:g} s limit")

    async def _await_shutdown(self, shutdown: asyncio.Event) -> None:
        await shutdown.wait()
        self._end("server_shutdown", "the server is shutting down")


async def run_conversation(
    channel: ClientChannel,
    agent: VoiceAgent,
    scenario: Scenario,
    *,
    conversation_id: str,
    max_turns: int | None = None,
    max_duration_seconds: float | None = None,
    on_finished: OnFinished | None = None,
    shutdown: asyncio.Event | None = None,
) -> ConversationRecord:
    """Hold one live conversation and return its record (see the module docstring).

    Limits default to the scenario's `max_turns` (caller turns) and `max_duration_seconds`.
    `on_finished(record)` is awaited exactly once, also when the task is cancelled.
    """
    bridge = ConversationBridge(
        channel,
        agent,
        scenario,
        conversation_id=conversation_id,
        max_turns=scenario.max_turns if max_turns is None else max_turns,
        max_duration_seconds=(
            scenario.max_duration_seconds if max_duration_seconds is None else max_duration_seconds
        ),
        on_finished=on_finished,
        shutdown=shutdown,
    )
    return await bridge.run()
