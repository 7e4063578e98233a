"""Run an ASGI app (FastAPI) as a real HTTP/WebSocket server on 127.0.0.1 in a background thread.

Protocol emulators build on this (subclassing `Emulator`) so tests and demos talk to them over
real sockets.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any, Self

import uvicorn

STARTUP_TIMEOUT_S = 10.0


class BackgroundServer:
    """Serve `app` on `host:port` (port 0 = an ephemeral port) until `stop()`."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        self._host = host
        self._requested_port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:PORT`, no trailing slash."""
        if not self.port:
            raise RuntimeError("the server is not running: call start() first")
        return f"http://{self._host}:{self.port}"

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._requested_port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app, log_level="warning", lifespan="off", access_log=False, ws="websockets-sansio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator on port {self.port} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def serve_forever(self) -> None:
        """Block until Ctrl-C (for running an emulator by hand)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class Emulator:
    """A protocol emulator's lifecycle: `start()`/`stop()`, a context manager, or `serve_forever`.

    Subclasses set `self._server` (a `BackgroundServer` on their app) in `__init__`.
    """

    _server: BackgroundServer

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def serve_forever(self) -> None:
        """Serve until Ctrl-C (for running the emulator by hand)."""
        self._server.serve_forever()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
