"""The Cursor emulator runs by hand as a demo server: `python -m tests.fakes.cursor_api`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from tests.consensus.conftest import REPO_ROOT


def test_emulator_starts_from_the_command_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.cursor_api", "--port", str(port), "--api-key", "demo"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "Cursor emulator on" in proc.stdout.readline()
        auth = httpx.BasicAuth("demo", "")
        url = f"http://127.0.0.1:{port}/v0"
        assert httpx.get(f"{url}/me", auth=auth).json()["apiKeyName"] == "emulator"
        assert httpx.get(f"{url}/me", auth=httpx.BasicAuth("nope", "")).status_code == 401
        launched = httpx.post(
            f"{url}/agents", auth=auth, json={"prompt": {"text": "<solution> x"}, "model": "gpt-5"}
        ).json()
        deadline = time.monotonic() + 10
        while httpx.get(f"{url}/agents/{launched['id']}", auth=auth).json()["status"] != "FINISHED":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        messages = httpx.get(f"{url}/agents/{launched['id']}/conversation", auth=auth).json()
        assert [m["type"] for m in messages["messages"]] == ["user_message", "assistant_message"]
        assert "<solution>" in messages["messages"][1]["text"]
    finally:
        proc.terminate()
        proc.wait(10)
