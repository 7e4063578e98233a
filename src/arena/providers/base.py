"""What every system shares, whatever its mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["tts", "stt", "s2s", "agent", "llm"]
MODES: tuple[Mode, ...] = ("tts", "stt", "s2s", "agent", "llm")


@dataclass(frozen=True)
class Availability:
    """Whether a system can run here, and if not, a sentence saying what to do about it."""

    ok: bool
    reason: str = ""

    @classmethod
    def yes(cls) -> Availability:
        return cls(True)

    @classmethod
    def no(cls, reason: str) -> Availability:
        return cls(False, reason)

    @classmethod
    def needs_key(cls, key: str | None, env_var: str, product: str) -> Availability:
        """Available when `key` is set; otherwise say which variable enables `product`."""
        if key:
            return cls.yes()
        return cls.no(f"set {env_var} (export it or put it in .env) to enable {product}")


class ProviderError(RuntimeError):
    """A system failed to do its job (engine crash, HTTP error, timeout)."""

    def __init__(self, system_id: str, message: str) -> None:
        super().__init__(f"{system_id}: {message}")
        self.system_id = system_id


@dataclass
class System:
    """One entry of the registry: a stable id, a mode, a display name and a provider.

    `provider` names who runs it ("espeak-ng", "openai", "vapi"); `engine` groups systems that
    share an engine so a battle can prefer different engines. `config` is what is shown after a
    vote (voice, model, components).
    """

    id: str
    mode: Mode
    display_name: str
    provider: str
    engine: str = ""
    config: dict[str, Any] = field(default_factory=dict)

    def available(self) -> Availability:
        return Availability.yes()
