"""What STT and S2S candidates hear: a curated clip, or the user's own recording.

A recording is decoded to 16 kHz mono and kept on disk only when the user consented; it is
never listed or served back. Its typed intended text, if any, becomes the ground truth.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arena.core.audio import Audio, read_wav, to_wav_bytes
from arena.core.decode import AudioDecodeError, AudioTooLargeError, decode_upload
from arena.voice.db.clips import Clip, Recording
from arena.voice.errors import ArenaError

RECORDINGS_FOLDER = "recordings"
MAX_INTENDED_TEXT = 2000


class ClipNotFoundError(ArenaError):
    status_code = 404

    def __init__(self, clip_id: str, kind: str) -> None:
        super().__init__(
            f"No {kind} clip with id {clip_id!r}: GET /api/v1/clips?kind={kind} lists them "
            "(restart `arena serve` or run `arena seed` if the list is empty)."
        )


class MissingInputError(ArenaError):
    status_code = 422

    def __init__(self) -> None:
        super().__init__(
            "Send either a curated_clip_id or an audio file (form field `audio`), not both "
            "and not neither."
        )


class UploadTooLargeError(ArenaError):
    status_code = 413


class UploadRejectedError(ArenaError):
    """Unsupported, corrupt or too long audio."""

    status_code = 422


class IntendedTextTooLongError(ArenaError):
    status_code = 422

    def __init__(self) -> None:
        super().__init__(
            f"The intended text is longer than {MAX_INTENDED_TEXT} characters: shorten it."
        )


@dataclass(frozen=True)
class InputRequest:
    """What a client sent: a curated clip id, or upload bytes with optional text and consent."""

    clip_id: str | None = None
    upload: bytes | None = None
    intended_text: str | None = None
    consent: bool = False


@dataclass(frozen=True)
class BattleAudio:
    """The decoded input, where it came from, and its ground truth text if known."""

    audio: Audio
    clip: Clip | None
    recording: Recording | None
    ground_truth: str | None


def upload_error(exc: AudioDecodeError) -> ArenaError:
    """The HTTP-mapped error for a rejected upload (413 too large, 422 otherwise)."""
    message = f"The audio was rejected: {exc}."
    if isinstance(exc, AudioTooLargeError):
        return UploadTooLargeError(message)
    return UploadRejectedError(message)


async def get_clip(session: AsyncSession, clip_id: str, kind: str) -> Clip:
    clip = await session.get(Clip, clip_id)
    if clip is None or clip.kind != kind:
        raise ClipNotFoundError(clip_id, kind)
    return clip


async def list_clips(session: AsyncSession, kind: str) -> list[Clip]:
    stmt = select(Clip).where(Clip.kind == kind).order_by(Clip.category, Clip.id)
    return list((await session.scalars(stmt)).all())


def clip_file(audio_dir: Path, clip: Clip) -> Path:
    return audio_dir / clip.audio_path


async def resolve_input(
    session: AsyncSession, audio_dir: Path, request: InputRequest, kind: str
) -> BattleAudio:
    """Load the curated clip, or decode the upload into an (unsaved) recording row."""
    if (request.clip_id is None) == (request.upload is None):
        raise MissingInputError()
    if request.clip_id is not None:
        clip = await get_clip(session, request.clip_id, kind)
        data = await asyncio.to_thread(clip_file(audio_dir, clip).read_bytes)
        return BattleAudio(read_wav(data).resampled(16_000), clip, None, clip.text)
    assert request.upload is not None
    text = (request.intended_text or "").strip() or None
    if text is not None and len(text) > MAX_INTENDED_TEXT:
        raise IntendedTextTooLongError()
    try:
        audio = await asyncio.to_thread(decode_upload, request.upload)
    except AudioDecodeError as exc:
        raise upload_error(exc) from exc
    recording = Recording(
        id=str(uuid.uuid4()),
        consent=request.consent,
        intended_text=text,
        duration_s=round(audio.duration_s, 3),
    )
    session.add(recording)
    return BattleAudio(audio, None, recording, text)


async def keep_recording(audio_dir: Path, given: BattleAudio) -> None:
    """Store a consented recording's audio (call once the battle has accepted the input)."""
    recording = given.recording
    if recording is None or not recording.consent:
        return
    path = audio_dir / RECORDINGS_FOLDER / f"{recording.id}.wav"
    await asyncio.to_thread(_write_private, path, to_wav_bytes(given.audio))
    recording.audio_path = path.relative_to(audio_dir).as_posix()


def _write_private(path: Path, data: bytes) -> None:
    """Write with owner-only permissions: recordings are personal data."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    tmp.touch(mode=0o600)
    tmp.write_bytes(data)
    tmp.replace(path)
