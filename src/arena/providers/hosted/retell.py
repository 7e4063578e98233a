"""Retell voice agents over Retell's audio WebSocket ("web" protocol).

`POST {RETELL_BASE_URL}/register-call` registers a call for the configured agent (the
scenario's system prompt and greeting travel as `retell_llm_dynamic_variables`; the Retell
agent's prompt should be `{{scenario_prompt}}`), then `{RETELL_BASE_URL}/audio-websocket/
{call_id}?enable_update=true` carries PCM s16le 16 kHz both ways, the text frame `clear` on
barge-in and JSON `update` events with the running transcript.

Retell documents this audio WebSocket as deprecated in favour of its WebRTC web-call SDK;
it is the only raw-audio path a server-side bridge can use, so the arena keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arena.config import Settings
from arena.providers.agent import AgentConnectError, AgentSession, VoiceAgent
from arena.providers.base import Availability
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.agent_socket import SocketAgentSession, create_call, open_socket
from arena.voice.live.events import AgentEvent, AgentTranscript, Interrupt, UserTranscript

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from arena.core.scenarios import Scenario

KEY_ENV = "RETELL_API_KEY"
KEEPALIVE_S = 5.0
FIRST_MESSAGE = "Hello! How can I help you today?"

# id -> (display name, components): the plan's three Retell configurations. Each needs an
# agent created in Retell; its id goes in `agent_id` (defaults to the system id).
CONFIGS: dict[str, tuple[str, dict[str, str]]] = {
    "agent-retell-default": (
        "Retell + GPT-4o-mini + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "gpt-4o-mini", "tts": "elevenlabs"},
    ),
    "agent-retell-quality": (
        "Retell + GPT-4o + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "gpt-4o", "tts": "elevenlabs"},
    ),
    "agent-retell-claude": (
        "Retell + Claude Sonnet 4.5 + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "claude-sonnet-4-5", "tts": "elevenlabs"},
    ),
}


class TranscriptDiff:
    """Turns Retell's running transcript into partial and final transcript events.

    Every utterance before the last is final; the last is partial until another one follows
    it or the update says it is the user's turn (the agent finished speaking).
    """

    def __init__(self) -> None:
        self._finalized = 0
        self._last: tuple[str, str] | None = None

    def update(self, transcript: list[dict[str, Any]], turntaking: str | None) -> list[AgentEvent]:
        events: list[AgentEvent] = []
        items = [(str(u.get("role", "")), str(u.get("content", ""))) for u in transcript]
        while self._finalized < len(items) - 1:
            events.append(_event(*items[self._finalized], final=True))
            self._finalized += 1
            self._last = None
        if self._finalized < len(items):
            role, content = items[-1]
            if turntaking == "user_turn" and role == "agent":
                events.append(_event(role, content, final=True))
                self._finalized += 1
                self._last = None
            elif (role, content) != self._last and content:
                events.append(_event(role, content, final=False))
                self._last = (role, content)
        return events


def _event(role: str, content: str, *, final: bool) -> AgentEvent:
    if role == "user":
        return UserTranscript(content, final)
    return AgentTranscript(content, final)


class RetellSession(SocketAgentSession):
    """One Retell call: `clear` → Interrupt, `update` → transcripts, ping_pong keepalive."""

    provider = "retell"

    def __init__(self, socket: ClientConnection, call_id: str) -> None:
        super().__init__(socket)
        self.call_id = call_id
        self._diff = TranscriptDiff()
        self._keepalive = asyncio.create_task(self._ping())

    async def _ping(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_S)
            ping = {"event_type": "ping_pong", "timestamp": int(time.time() * 1000)}
            try:
                await self._socket.send(json.dumps(ping))
            except Exception:  # the socket is gone; the event reader reports it
                return

    def translate(self, text: str) -> Iterable[AgentEvent]:
        if text == "clear":
            return (Interrupt(),)
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            return ()
        if not isinstance(message, dict) or message.get("event_type") != "update":
            return ()
        transcript = message.get("transcript")
        if not isinstance(transcript, list):
            return ()
        return self._diff.update(transcript, message.get("turntaking"))

    async def end(self) -> None:
        # Retell's web protocol has no hang-up message: closing the socket ends the call.
        await self.close()

    async def close(self) -> None:
        self._keepalive.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._keepalive
        await super().close()


@dataclass
class RetellAgent(VoiceAgent):
    """A Retell agent (configured in Retell) reached through register-call + audio socket."""

    api_key: str | None = None
    base_url: str = "https://api.retellai.com"

    def available(self) -> Availability:
        return Availability.needs_key(self.api_key, KEY_ENV, "Retell agents")

    async def connect(self, scenario: Scenario) -> AgentSession:
        if not self.api_key:
            raise AgentConnectError(self.id, "retell", f"{KEY_ENV} is not set")
        base = self.base_url.rstrip("/")
        call = await create_call(
            system_id=self.id,
            provider="retell",
            url=f"{base}/register-call",
            api_key=self.api_key,
            key_env=KEY_ENV,
            body={
                "agent_id": self.config.get("agent_id") or self.id,
                "audio_websocket_protocol": "web",
                "audio_encoding": "s16le",
                "sample_rate": 16000,
                "retell_llm_dynamic_variables": {
                    "scenario_prompt": scenario.system_prompt,
                    "first_message": self.config.get("first_message", FIRST_MESSAGE),
                },
                "metadata": {"scenario": scenario.name},
            },
        )
        call_id = call.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            raise AgentConnectError(self.id, "retell", "register-call answered without call_id")
        ws_base = base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        url = f"{ws_base}/audio-websocket/{call_id}?enable_update=true"
        socket = await open_socket(self.id, "retell", url)
        return RetellSession(socket, call_id)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The plan's three Retell agent configurations."""
    for system_id, (name, components) in CONFIGS.items():
        register(
            RetellAgent(
                id=system_id,
                mode="agent",
                display_name=name,
                provider="retell",
                engine="retell",
                config={
                    "architecture_type": "cascade",
                    "components": components,
                    "agent_id": "",
                    "first_message": FIRST_MESSAGE,
                },
                api_key=settings.retell_api_key,
                base_url=settings.retell_base_url,
            )
        )
