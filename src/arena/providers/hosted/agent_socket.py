"""What the hosted voice-agent adapters share: the call-creating POST and the audio socket."""

from __future__ import annotations

import contextlib
from abc import abstractmethod
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake

from arena.providers.agent import AgentConnectError, AgentSession
from arena.voice.live.events import AgentAudio, AgentEvent, Ended, Error

HTTP_TIMEOUT_S = 15.0
MAX_MESSAGE_BYTES = 1 << 20


async def create_call(
    *,
    system_id: str,
    provider: str,
    url: str,
    api_key: str,
    key_env: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    """POST `body` to `url` with a Bearer key; the JSON answer, or a clear AgentConnectError."""
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.post(
                url, json=body, headers={"Authorization": f"Bearer {api_key}"}
            )
    except httpx.HTTPError as exc:
        raise AgentConnectError(
            system_id, provider, f"could not reach {url} ({type(exc).__name__}: {exc})"
        ) from exc
    if response.status_code in (401, 403):
        raise AgentConnectError(
            system_id,
            provider,
            f"{url} rejected the API key (HTTP {response.status_code}): check {key_env}",
        )
    if response.status_code >= 400:
        raise AgentConnectError(
            system_id,
            provider,
            f"{url} refused the call (HTTP {response.status_code}): {response.text[:300]}",
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise AgentConnectError(system_id, provider, f"{url} answered with non-JSON") from exc
    if not isinstance(data, dict):
        raise AgentConnectError(system_id, provider, f"{url} answered with unexpected JSON")
    return data


async def open_socket(system_id: str, provider: str, url: str) -> ClientConnection:
    """Open the call's audio WebSocket, or raise a clear AgentConnectError."""
    try:
        return await connect(url, max_size=MAX_MESSAGE_BYTES, open_timeout=HTTP_TIMEOUT_S)
    except (OSError, InvalidHandshake, TimeoutError) as exc:
        raise AgentConnectError(
            system_id, provider, f"could not open the audio socket {url} ({exc})"
        ) from exc


class SocketAgentSession(AgentSession):
    """A call over one WebSocket: binary frames are PCM s16le 16 kHz, text frames are control.

    Subclasses translate each text frame into events and say how to hang up.
    """

    provider = "agent"

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._closed = False

    async def send_audio(self, pcm16_16k: bytes) -> None:
        # Audio after the provider closed the call normally is dropped, not an error.
        with contextlib.suppress(ConnectionClosedOK):
            await self._socket.send(pcm16_16k)

    async def events(self) -> AsyncIterator[AgentEvent]:
        try:
            async for message in self._socket:
                if isinstance(message, bytes):
                    yield AgentAudio(message)
                    continue
                for event in self.translate(message):
                    yield event
                    if isinstance(event, Ended | Error):
                        return
        except ConnectionClosed as exc:
            if not self._closed:
                yield Error(f"the provider's socket closed abnormally ({exc})")
            return
        yield Ended(self.closed_reason())

    def closed_reason(self) -> str:
        code = self._socket.close_code
        reason = self._socket.close_reason or "no reason given"
        return f"{self.provider} closed the call (code {code}: {reason})"

    @abstractmethod
    def translate(self, text: str) -> Iterable[AgentEvent]:
        """The events one text frame stands for (often none)."""

    async def close(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):
            await self._socket.close()
