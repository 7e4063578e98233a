"""Streaming raw PCM from a hosted TTS API over HTTP, with failures as clear ProviderErrors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from arena.core.audio import Audio
from arena.providers.base import ProviderError

DEFAULT_TIMEOUT_S = 30.0
# Yield audio to the caller in pieces of at least this many bytes (50 ms at 24 kHz).
MIN_CHUNK_BYTES = 2400


@dataclass(frozen=True)
class SpeechRequest:
    """One POST that answers with a body of raw PCM s16le mono at `sample_rate`."""

    system_id: str
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    sample_rate: int
    key_env: str
    base_url_env: str
    params: dict[str, str] | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S


def stream_speech(request: SpeechRequest) -> Iterator[Audio]:
    """POST `request` and yield the PCM body as Audio chunks as they arrive."""
    timeout = httpx.Timeout(request.timeout_s)
    try:
        with (
            httpx.Client(timeout=timeout) as client,
            client.stream(
                "POST",
                request.url,
                headers=request.headers,
                json=request.body,
                params=request.params,
            ) as response,
        ):
            if response.status_code != httpx.codes.OK:
                response.read()
                raise _http_error(request, response)
            yield from _pcm_chunks(response.iter_bytes(), request.sample_rate)
    except httpx.TimeoutException as exc:
        raise ProviderError(
            request.system_id,
            f"no answer from {request.url} within {request.timeout_s:g} s ({type(exc).__name__})",
        ) from exc
    except httpx.TransportError as exc:
        raise ProviderError(
            request.system_id,
            f"could not reach {request.url} ({exc}): check {request.base_url_env} and the network",
        ) from exc


def _pcm_chunks(pieces: Iterator[bytes], sample_rate: int) -> Iterator[Audio]:
    """Whole 16-bit samples, batched to at least MIN_CHUNK_BYTES, from arbitrary byte pieces."""
    pending = b""
    for piece in pieces:
        pending += piece
        usable = len(pending) - len(pending) % 2
        if usable >= MIN_CHUNK_BYTES:
            yield Audio.from_pcm16(pending[:usable], sample_rate)
            pending = pending[usable:]
    usable = len(pending) - len(pending) % 2
    if usable:
        yield Audio.from_pcm16(pending[:usable], sample_rate)


def _http_error(request: SpeechRequest, response: httpx.Response) -> ProviderError:
    return http_failure(request.system_id, response, error_message(response), request.key_env)


def http_failure(
    system_id: str, response: httpx.Response, detail: str, key_env: str
) -> ProviderError:
    """A ProviderError for an HTTP error answer, with what to do about it."""
    status = response.status_code
    if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
        hint = f"the API key was rejected: check {key_env}"
    elif status == httpx.codes.TOO_MANY_REQUESTS:
        hint = "rate limited or out of quota: retry later or check the plan"
    elif status >= httpx.codes.INTERNAL_SERVER_ERROR:
        hint = "the provider had a server error: retry later"
    else:
        hint = "the request was refused"
    return ProviderError(system_id, f"HTTP {status}, {hint} ({detail})")


def error_message(response: httpx.Response) -> str:
    """The human part of an API error body: OpenAI `error.message`, ElevenLabs `detail.message`."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("error", "detail"):
            value = body.get(key)
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])
            if isinstance(value, str):
                return value
    return json.dumps(body)[:300]
