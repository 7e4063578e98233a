"""Running a command-line TTS program (flite, festival's text2wave) that writes a WAV file."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from arena.core.audio import Audio, read_wav
from arena.providers.base import ProviderError

COMMAND_TIMEOUT_S = 120.0

# Builds the argument list from the text file to read and the WAV file to write.
CommandLine = Callable[[Path, Path], list[str]]


def speak_with_command(system_id: str, text: str, command: CommandLine) -> Audio:
    """Run `command` on `text` in a private temp dir and return the WAV it wrote.

    The text goes through a file, never the argument list, so no text is mistaken for an
    option. Exit codes are not trusted (festival exits 0 on errors): the WAV must exist and hold
    audio.
    """
    with tempfile.TemporaryDirectory(prefix="arena-tts-") as tmp:
        text_file, wav_file = Path(tmp) / "input.txt", Path(tmp) / "output.wav"
        text_file.write_text(text + "\n", encoding="utf-8")
        argv = command(text_file, wav_file)
        try:
            done = subprocess.run(
                argv, capture_output=True, timeout=COMMAND_TIMEOUT_S, check=False, cwd=tmp
            )
        except FileNotFoundError as exc:
            raise ProviderError(system_id, f"{argv[0]} is not installed") from exc
        except subprocess.TimeoutExpired as exc:
            raise ProviderError(system_id, f"{argv[0]} ran over {COMMAND_TIMEOUT_S:.0f} s") from exc
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode != 0 or "SIOD ERROR" in stderr:
            raise ProviderError(
                system_id, f"{argv[0]} failed (exit {done.returncode}): {stderr[-500:]}"
            )
        if not wav_file.is_file() or wav_file.stat().st_size <= 44:
            raise ProviderError(system_id, f"{argv[0]} wrote no audio: {stderr[-500:]}")
        return read_wav(wav_file.read_bytes())
