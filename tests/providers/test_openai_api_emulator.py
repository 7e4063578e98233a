"""The OpenAI emulator's chat and transcription endpoints, as other engineers' tests use them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.fakes.openai_api import ChatReply, OpenAIEmulator


@pytest.fixture
def api() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key="sk-test") as emulator:
        yield emulator


@pytest.fixture
def client(api: OpenAIEmulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": "Bearer sk-test"}
    with httpx.Client(base_url=api.base_url, headers=headers, timeout=10) as http:
        yield http


def chat(client: httpx.Client, **extra: Any) -> httpx.Response:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi there"}], **extra}
    return client.post("/chat/completions", json=body)


def test_queued_replies_come_back_in_order_then_the_responder(
    api: OpenAIEmulator, client: httpx.Client
) -> None:
    api.enqueue_chat("first", "second")
    api.respond_chat_with(lambda body: f"computed for {body['messages'][-1]['content']}")
    replies = [chat(client).json()["choices"][0]["message"]["content"] for _ in range(3)]
    assert replies == ["first", "second", "computed for Hi there"]
    assert len(api.requests_to("/chat/completions")) == 3


def test_json_mode_returns_json_and_rejects_a_non_json_script(
    api: OpenAIEmulator, client: httpx.Client
) -> None:
    mode = {"response_format": {"type": "json_object"}}
    default = chat(client, **mode).json()["choices"][0]["message"]["content"]
    assert json.loads(default) == {"echo": "Hi there"}
    api.enqueue_chat("not json")
    refused = chat(client, **mode)
    assert refused.status_code == 500
    assert "not JSON" in refused.json()["error"]["message"]


def test_tool_calls_are_returned_with_their_finish_reason(
    api: OpenAIEmulator, client: httpx.Client
) -> None:
    api.enqueue_chat(ChatReply.tool_call("lookup_order", {"order_id": "A12"}))
    choice = chat(client).json()["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    (call,) = choice["message"]["tool_calls"]
    assert call["function"]["name"] == "lookup_order"
    assert json.loads(call["function"]["arguments"]) == {"order_id": "A12"}


def test_streaming_sends_sse_chunks_that_add_up(api: OpenAIEmulator, client: httpx.Client) -> None:
    api.enqueue_chat("Sure, I can help with that.")
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": True}
    with client.stream("POST", "/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "Sure, I can help with that."
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_transcriptions_are_scripted_and_see_the_upload(
    api: OpenAIEmulator, client: httpx.Client
) -> None:
    wav = io.BytesIO()
    sf.write(wav, np.zeros(16000, dtype=np.float32), 16000, format="WAV")
    files = {"file": ("speech.wav", wav.getvalue(), "audio/wav")}
    api.enqueue_transcripts("book a table for two")
    first = client.post("/audio/transcriptions", files=files, data={"model": "whisper-1"})
    assert first.json() == {"text": "book a table for two"}
    api.respond_transcripts_with(
        lambda audio, fields: f"{len(audio)} bytes in {fields.get('language', 'any language')}"
    )
    verbose = client.post(
        "/audio/transcriptions",
        files=files,
        data={"model": "whisper-1", "language": "en", "response_format": "verbose_json"},
    ).json()
    assert verbose["text"] == f"{len(wav.getvalue())} bytes in en"
    assert verbose["duration"] == pytest.approx(1.0)
    plain = client.post(
        "/audio/transcriptions", files=files, data={"model": "whisper-1", "response_format": "text"}
    )
    assert plain.text.startswith(str(len(wav.getvalue())))
    assert api.requests_to("/audio/transcriptions")[0].body["file_bytes"] == len(wav.getvalue())


def test_speech_as_wav(client: httpx.Client) -> None:
    body = {"model": "tts-1", "voice": "nova", "input": "Hello there.", "response_format": "wav"}
    response = client.post("/audio/speech", json=body)
    info = sf.info(io.BytesIO(response.content))
    assert (info.samplerate, info.channels) == (24000, 1)
    assert info.duration > 0.3


def test_every_endpoint_checks_the_key(api: OpenAIEmulator) -> None:
    with httpx.Client(base_url=api.base_url, timeout=10) as anonymous:
        response = anonymous.get("/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_injected_failures_can_carry_headers(api: OpenAIEmulator, client: httpx.Client) -> None:
    api.fail_next(429, "Rate limit reached", "/chat/completions", {"retry-after": "1"})
    limited = chat(client)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    assert chat(client).status_code == 200
