"""Foundation tests run the TTS mode alone, so other modes' state never sways them."""

from __future__ import annotations

import pytest

from arena.voice.battles import tts
from arena.voice.battles.modes import Modes


@pytest.fixture
def modes() -> Modes:
    return Modes([tts.MODE])
