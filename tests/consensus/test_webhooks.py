"""Webhook receiver: HMAC-SHA256 signatures checked, valid events wake the waiter."""

from __future__ import annotations

import json

import httpx

from arena.consensus.webhooks import WebhookReceiver, sign, verify_signature

SECRET = "s" * 32


def test_signature_round_trip_and_tamper() -> None:
    body = b'{"id":"bc-1"}'
    assert verify_signature(SECRET, body, sign(SECRET, body))
    assert not verify_signature(SECRET, body + b" ", sign(SECRET, body))
    assert not verify_signature(SECRET, body, None)


def test_receiver_accepts_signed_events_over_http() -> None:
    receiver = WebhookReceiver(SECRET).start()
    try:
        url = f"http://127.0.0.1:{receiver.port}/hook"
        body = json.dumps({"event": "statusChange", "id": "bc-9", "status": "FINISHED"}).encode()
        bad = httpx.post(url, content=body, headers={"X-Webhook-Signature": "sha256=00"})
        assert bad.status_code == 401
        assert not receiver.wait("bc-9", 0.01)
        good = httpx.post(url, content=body, headers={"X-Webhook-Signature": sign(SECRET, body)})
        assert good.status_code == 200
        assert receiver.wait("bc-9", 1.0)
        assert (receiver.accepted, receiver.rejected) == (1, 1)
    finally:
        receiver.close()
