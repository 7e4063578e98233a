"""What every OpenAI system shares: base URL, API key, the availability check and auth header."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from arena.providers.base import Availability
from arena.providers.hosted.http import DEFAULT_TIMEOUT_S


@dataclass
class OpenAIAccount:
    """An OpenAI (or OpenAI-compatible) endpoint and key; list it first among a system's bases."""

    product: ClassVar[str] = "OpenAI"

    base_url: str = "https://api.openai.com/v1"
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S

    def available(self) -> Availability:
        return Availability.needs_key(self.api_key, "OPENAI_API_KEY", self.product)

    def endpoint(self, path: str) -> str:
        """The URL of `path` ("audio/speech") under the base URL."""
        return f"{self.base_url.rstrip('/')}/{path}"

    def auth_headers(self) -> dict[str, str]:
        """The bearer-token header every OpenAI endpoint expects."""
        return {"Authorization": f"Bearer {self.api_key or ''}"}
