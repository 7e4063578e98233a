"""The client side of the bridge: an async channel of binary PCM and JSON text frames."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from starlette.websockets import WebSocket


class ClientDisconnected(Exception):
    """The client went away (tab closed, network dropped, socket closed)."""


class ClientChannel(Protocol):
    """What the bridge needs from the client connection.

    `receive` returns the next frame: `bytes` for binary (PCM s16le 16 kHz mono), `str` for a
    text frame. Every method raises `ClientDisconnected` once the client is gone.
    """

    async def receive(self) -> bytes | str: ...

    async def send_bytes(self, data: bytes) -> None: ...

    async def send_json(self, data: Mapping[str, Any]) -> None: ...


class StarletteChannel:
    """A `ClientChannel` over an accepted Starlette/FastAPI WebSocket."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket

    async def receive(self) -> bytes | str:
        from starlette.websockets import WebSocketDisconnect

        try:
            message = await self._ws.receive()
        except (WebSocketDisconnect, RuntimeError) as exc:
            raise ClientDisconnected(str(exc)) from exc
        if message["type"] == "websocket.disconnect":
            raise ClientDisconnected(f"client closed with code {message.get('code')}")
        data = message.get("bytes")
        if data is not None:
            return bytes(data)
        return str(message.get("text") or "")

    async def send_bytes(self, data: bytes) -> None:
        await self._send(self._ws.send_bytes, data)

    async def send_json(self, data: Mapping[str, Any]) -> None:
        await self._send(self._ws.send_text, json.dumps(data))

    @staticmethod
    async def _send(send: Any, payload: Any) -> None:
        try:
            await send(payload)
        except Exception as exc:  # starlette/uvicorn raise several types once the peer is gone
            raise ClientDisconnected(str(exc)) from exc


class QueueChannel:
    """An in-process `ClientChannel`: the caller side reads `outbox` and writes `inbox`.

    For callers that live in the same process (benchmarks, a simulated caller without a
    socket). `disconnect()` makes the bridge see the client go away.
    """

    _GONE = object()

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[bytes | str | object] = asyncio.Queue()
        self.outbox: asyncio.Queue[bytes | dict[str, Any]] = asyncio.Queue()
        self.connected = True

    def disconnect(self) -> None:
        self.connected = False
        self.inbox.put_nowait(self._GONE)

    async def receive(self) -> bytes | str:
        item = await self.inbox.get()
        if item is self._GONE or not self.connected:
            raise ClientDisconnected("the in-process client disconnected")
        assert isinstance(item, bytes | str)
        return item

    async def send_bytes(self, data: bytes) -> None:
        if not self.connected:
            raise ClientDisconnected("the in-process client disconnected")
        self.outbox.put_nowait(data)

    async def send_json(self, data: Mapping[str, Any]) -> None:
        if not self.connected:
            raise ClientDisconnected("the in-process client disconnected")
        self.outbox.put_nowait(dict(data))
