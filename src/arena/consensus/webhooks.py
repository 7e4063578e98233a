"""Local receiver for Cursor's signed `statusChange` webhooks.

Each request's `X-Webhook-Signature` (`sha256=` + HMAC-SHA256 of the raw body with the
arena's secret) is checked; a valid event wakes whoever waits on that agent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["WebhookReceiver", "sign", "verify_signature"]

log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of an `X-Webhook-Signature` header."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header or "")


class WebhookReceiver:
    """An HTTP server on the webhook URL's host and port that records agent status events."""

    def __init__(self, secret: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.secret = secret
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.accepted = 0
        self.rejected = 0
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @classmethod
    def for_url(cls, url: str, secret: str) -> WebhookReceiver:
        """Listen where `url` points (only its host and port are used)."""
        parts = urlsplit(url)
        return cls(secret, parts.hostname or "127.0.0.1", parts.port or 80)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _event(self, agent_id: str) -> threading.Event:
        with self._lock:
            return self._events.setdefault(agent_id, threading.Event())

    def wait(self, agent_id: str, timeout: float) -> bool:
        """Block until an event for `agent_id` arrives (True) or `timeout` passes (False)."""
        event = self._event(agent_id)
        fired = event.wait(timeout)
        event.clear()
        return fired

    def receive(self, body: bytes, signature: str | None) -> int:
        """Handle one delivery; returns the HTTP status to answer with."""
        if not verify_signature(self.secret, body, signature):
            self.rejected += 1
            log.warning("Rejected a webhook with a bad signature")
            return 401
        try:
            payload: Any = json.loads(body)
        except ValueError:
            return 400
        agent_id = payload.get("id") if isinstance(payload, dict) else None
        if not agent_id:
            return 400
        self.accepted += 1
        log.debug("Webhook: agent %s is %s", agent_id, payload.get("status"))
        self._event(str(agent_id)).set()
        return 200


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = receiver.receive(body, self.headers.get("X-Webhook-Signature"))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler
