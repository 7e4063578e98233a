"""Vapi voice agents over Vapi's WebSocket transport.

`POST {VAPI_BASE_URL}/call` creates a call with an inline assistant (model, voice and
transcriber from the system's config, the scenario's system prompt and tools) and the
`vapi.websocket` transport at PCM s16le 16 kHz; the answer's `transport.websocketCallUrl` is
the call's socket: binary PCM both ways, JSON client messages as text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arena.config import Settings
from arena.providers.agent import AgentConnectError, AgentSession, VoiceAgent
from arena.providers.base import Availability
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.agent_socket import SocketAgentSession, create_call, open_socket
from arena.voice.live.events import (
    AgentEvent,
    AgentTranscript,
    Ended,
    Interrupt,
    Role,
    SpeechStarted,
    SpeechStopped,
    ToolCall,
    UserTranscript,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from arena.core.scenarios import Scenario

KEY_ENV = "VAPI_API_KEY"
FIRST_MESSAGE = "Hello! How can I help you today?"
_CLIENT_MESSAGES = [
    "transcript",
    "speech-update",
    "user-interrupted",
    "hang",
    "status-update",
    "tool-calls",
]
_ELEVENLABS = {"tts_provider": "11labs", "tts_voice_id": "21m00Tcm4TlvDq8ikWAM"}
_DEEPGRAM = {"stt_provider": "deepgram", "stt_model": "nova-2"}

# id -> (display name, components, Vapi settings): the plan's three Vapi configurations.
CONFIGS: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "agent-vapi-default": (
        "Vapi + GPT-4o-mini + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "gpt-4o-mini", "tts": "elevenlabs"},
        {"llm_provider": "openai", "llm_model": "gpt-4o-mini", **_ELEVENLABS, **_DEEPGRAM},
    ),
    "agent-vapi-quality": (
        "Vapi + GPT-4o + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "gpt-4o", "tts": "elevenlabs"},
        {"llm_provider": "openai", "llm_model": "gpt-4o", **_ELEVENLABS, **_DEEPGRAM},
    ),
    "agent-vapi-claude": (
        "Vapi + Claude Sonnet 4.5 + ElevenLabs",
        {"stt": "deepgram_nova3", "llm": "claude-sonnet-4-5", "tts": "elevenlabs"},
        {
            "llm_provider": "anthropic",
            "llm_model": "claude-sonnet-4-5-20250929",
            **_ELEVENLABS,
            **_DEEPGRAM,
        },
    ),
}


def assistant_body(config: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """Vapi's inline assistant for `scenario` with this system's model, voice and transcriber."""
    model: dict[str, Any] = {
        "provider": config["llm_provider"],
        "model": config["llm_model"],
        "messages": [{"role": "system", "content": scenario.system_prompt}],
    }
    if scenario.tools:
        model["tools"] = [tool.as_openai_tool() for tool in scenario.tools]
    return {
        "firstMessage": config.get("first_message", FIRST_MESSAGE),
        "model": model,
        "voice": {"provider": config["tts_provider"], "voiceId": config["tts_voice_id"]},
        "transcriber": {
            "provider": config["stt_provider"],
            "model": config["stt_model"],
            "language": "en",
        },
        # A little beyond the arena's own watchdog, so the arena ends the call first.
        "maxDurationSeconds": scenario.max_duration_seconds + 15,
        "clientMessages": _CLIENT_MESSAGES,
    }


class VapiSession(SocketAgentSession):
    """One Vapi call: translates Vapi client messages into the event vocabulary."""

    provider = "vapi"

    def __init__(self, socket: ClientConnection, call_id: str, scenario: Scenario) -> None:
        super().__init__(socket)
        self.call_id = call_id
        self._scenario = scenario

    def translate(self, text: str) -> Iterable[AgentEvent]:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            return ()
        if not isinstance(message, dict):
            return ()
        kind = message.get("type")
        role = message.get("role")
        if kind == "transcript":
            final = message.get("transcriptType") == "final"
            words = str(message.get("transcript", ""))
            if role == "user":
                return (UserTranscript(words, final),)
            return (AgentTranscript(words, final),)
        if kind == "speech-update":
            who: Role = "user" if role == "user" else "agent"
            started = message.get("status") == "started"
            return (SpeechStarted(who) if started else SpeechStopped(who),)
        if kind == "user-interrupted":
            return (Interrupt(),)
        if kind == "hang":
            return (Ended("vapi: hang"),)
        if kind == "status-update" and message.get("status") == "ended":
            return (Ended(f"vapi: {message.get('endedReason') or 'ended'}"),)
        if kind == "tool-calls":
            return tuple(self._tool_calls(message))
        return ()

    def _tool_calls(self, message: dict[str, Any]) -> Iterable[ToolCall]:
        for item in message.get("toolCallList") or []:
            function = item.get("function") or {}
            name = str(function.get("name", ""))
            arguments = function.get("arguments") or {}
            if isinstance(arguments, str):
                with contextlib.suppress(json.JSONDecodeError):
                    arguments = json.loads(arguments)
            tool = self._scenario.tool(name)
            result = json.dumps(dict(tool.result)) if tool is not None else ""
            yield ToolCall(name, arguments if isinstance(arguments, dict) else {}, result)

    async def end(self) -> None:
        with contextlib.suppress(Exception):
            await self._socket.send(json.dumps({"type": "hangup"}))
            await asyncio.wait_for(self._socket.wait_closed(), 1.0)
        await self.close()


@dataclass
class VapiAgent(VoiceAgent):
    """A Vapi assistant configuration, created inline for each call."""

    api_key: str | None = None
    base_url: str = "https://api.vapi.ai"

    def available(self) -> Availability:
        return Availability.needs_key(self.api_key, KEY_ENV, "Vapi agents")

    async def connect(self, scenario: Scenario) -> AgentSession:
        if not self.api_key:
            raise AgentConnectError(self.id, "vapi", f"{KEY_ENV} is not set")
        body = {
            "assistant": assistant_body(self.config, scenario),
            "transport": {
                "provider": "vapi.websocket",
                "audioFormat": {"format": "pcm_s16le", "container": "raw", "sampleRate": 16000},
            },
        }
        call = await create_call(
            system_id=self.id,
            provider="vapi",
            url=f"{self.base_url.rstrip('/')}/call",
            api_key=self.api_key,
            key_env=KEY_ENV,
            body=body,
        )
        url = (call.get("transport") or {}).get("websocketCallUrl")
        if not isinstance(url, str) or not url:
            raise AgentConnectError(self.id, "vapi", "the call has no transport.websocketCallUrl")
        socket = await open_socket(self.id, "vapi", url)
        return VapiSession(socket, str(call.get("id", "")), scenario)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The plan's three Vapi agent configurations."""
    for system_id, (name, components, vapi) in CONFIGS.items():
        register(
            VapiAgent(
                id=system_id,
                mode="agent",
                display_name=name,
                provider="vapi",
                engine="vapi",
                config={
                    "architecture_type": "cascade",
                    "components": components,
                    "first_message": FIRST_MESSAGE,
                    **vapi,
                },
                api_key=settings.vapi_api_key,
                base_url=settings.vapi_base_url,
            )
        )
