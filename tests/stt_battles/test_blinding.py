"""Blinding: nothing an STT or S2S client receives before its vote names a system under test.

Every pre-vote response body, URL, header and audio file is scanned for every id, display name,
provider, engine and configuration value of every STT and S2S system in the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from arena.core.audio import read_wav
from arena.providers.base import System
from arena.providers.local import cascade, espeak, pocketsphinx, whisper
from arena.providers.registry import Registry
from tests.conftest import LiveServer
from tests.stt_battles.audio_files import encoded_bytes
from tests.stt_battles.conftest import systems_of


@pytest.fixture
def registry() -> Registry:
    return Registry(systems_of(espeak, pocketsphinx, whisper, cascade))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def forbidden_words(systems: Iterable[System]) -> set[str]:
    """Everything that could identify a system: ids, names, providers, engines, config values."""
    words: set[str] = set()
    for s in systems:
        words |= {s.id, s.display_name, s.provider, s.engine, *_strings(s.config)}
        words |= set(s.id.split("/"))
    return {w.lower() for w in words if w}


class Recorder:
    """An HTTP client that keeps every response it saw before the vote."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.seen: list[httpx.Response] = []

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.request(method, url, **kwargs)
        self.seen.append(response)
        return response

    def assert_blind(self, words: set[str]) -> None:
        for response in self.seen:
            parts = [str(response.request.url), response.text if _is_text(response) else ""]
            parts += [f"{k}: {v}" for k, v in response.headers.items()]
            haystack = "\n".join(parts).lower()
            raw = response.content.lower()
            for word in words:
                assert word not in haystack, (word, str(response.request.url))
                assert word.encode() not in raw, (word, str(response.request.url))


def _is_text(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "")
    return kind.startswith(("application/json", "text/"))


async def test_stt_battles_are_blind_until_the_vote(
    arena_server: LiveServer, registry: Registry
) -> None:
    words = forbidden_words(registry.of_mode("stt"))
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
        http = Recorder(client)
        await http.request("GET", "/battle/stt")
        await http.request("GET", "/api/v1/clips")
        for kind in ("stt", "upload"):
            battle = (
                await http.request(
                    "POST", "/api/v1/battles/generate", json={"battle_type": "stt", "candidates": 4}
                )
            ).json()
            bid = battle["id"]
            await http.request("GET", battle["details"]["clip"]["audio_url"])
            await http.request("POST", f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
            await http.request("GET", f"/api/v1/battles/{bid}/stt-metrics")
            if kind == "stt":
                url = f"/api/v1/battles/{bid}/stt-transcribe"
                done = await http.request("POST", url, json={"curated_clip_id": "noisy-weather"})
            else:
                clip = (await http.request("GET", "/api/v1/clips/clean-weather/audio")).content
                done = await http.request(
                    "POST",
                    f"/api/v1/battles/{bid}/stt-transcribe",
                    files={"audio": ("me.wav", clip, "audio/wav")},
                    data={"intended_text": "The weather is sunny today."},
                )
            assert done.status_code == 200 and len(done.json()["candidates"]) == 4
            await http.request("GET", f"/api/v1/battles/{bid}")
            await http.request("GET", f"/api/v1/battles/{bid}/stt-metrics")
        http.assert_blind(words)
        # The same words do appear once the battle is voted: the scan is not vacuous.
        await client.post(f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
        after = (await client.get(f"/api/v1/battles/{bid}/stt-metrics")).text.lower()
    assert any(word in after for word in words)


async def test_s2s_battles_are_blind_until_the_vote(
    arena_server: LiveServer, registry: Registry
) -> None:
    words = forbidden_words(registry.of_mode("s2s"))
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
        http = Recorder(client)
        await http.request("GET", "/battle/s2s")
        await http.request("GET", "/api/v1/clips", params={"kind": "s2s"})
        battle = (
            await http.request("POST", "/api/v1/battles/generate", json={"battle_type": "s2s"})
        ).json()
        bid = battle["id"]
        question = (await http.request("GET", battle["details"]["clip"]["audio_url"])).content
        await http.request("POST", f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
        answered = await http.request(
            "POST",
            f"/api/v1/battles/{bid}/input-audio",
            files={"audio": ("q.webm", encoded_bytes(read_wav(question), "webm", "libopus"))},
        )
        assert answered.status_code == 200, answered.text
        for candidate in answered.json()["candidates"]:
            audio = await http.request("GET", candidate["audio_url"])
            assert audio.status_code == 200
        await http.request("GET", f"/api/v1/battles/{bid}")
        await http.request("GET", f"/api/v1/battles/{bid}/metrics")
        http.assert_blind(words)
        await client.post(f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
        after = (await client.get(f"/api/v1/battles/{bid}")).text.lower()
    assert any(word in after for word in words)
