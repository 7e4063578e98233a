"""Reading a battle's input from a request: JSON `{"curated_clip_id"}` or a multipart upload.

Multipart fields: `audio` (the file), `intended_text` (optional ground truth), `consent`
("true" keeps the recording), or `curated_clip_id` instead of `audio`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from arena.core.decode import MAX_UPLOAD_BYTES, AudioTooLargeError
from arena.voice.clips.inputs import InputRequest, upload_error
from arena.voice.errors import ArenaError

# Multipart framing and the small text fields on top of the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
CHUNK_BYTES = 256 * 1024
TRUE_VALUES = {"1", "true", "yes", "on"}


class BadInputRequestError(ArenaError):
    status_code = 422


async def read_input_request(request: Request) -> InputRequest:
    """Parse the request body into an `InputRequest`, rejecting oversized uploads early."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return await _from_form(request)
    if content_type.startswith("application/json"):
        return _from_json(await request.body())
    raise BadInputRequestError(
        'Send JSON {"curated_clip_id": …} or a multipart form with an `audio` file '
        f"(got content type {content_type or 'none'!r})."
    )


def _from_json(body: bytes) -> InputRequest:
    try:
        data: Any = json.loads(body or b"{}")
    except json.JSONDecodeError as exc:
        raise BadInputRequestError(f"The JSON body is malformed: {exc.msg}.") from exc
    if not isinstance(data, dict):
        raise BadInputRequestError("The JSON body must be an object with curated_clip_id.")
    clip_id = data.get("curated_clip_id")
    if clip_id is not None and not isinstance(clip_id, str):
        raise BadInputRequestError("curated_clip_id must be a string.")
    return InputRequest(clip_id=clip_id)


async def _from_form(request: Request) -> InputRequest:
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        raise upload_error(_too_large(declared))
    form = await request.form(max_part_size=FORM_OVERHEAD_BYTES)
    try:
        upload = form.get("audio")
        data = await _read_limited(upload) if isinstance(upload, UploadFile) else None
        clip_id = _text(form.get("curated_clip_id"))
        return InputRequest(
            clip_id=clip_id,
            upload=data,
            intended_text=_text(form.get("intended_text")),
            consent=(_text(form.get("consent")) or "").lower() in TRUE_VALUES,
        )
    finally:
        await form.close()


async def _read_limited(upload: UploadFile) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise upload_error(_too_large(size))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int) -> AudioTooLargeError:
    return AudioTooLargeError(
        f"the recording is at least {size / 1_048_576:.1f} MB; the limit is "
        f"{MAX_UPLOAD_BYTES / 1_048_576:.0f} MB — send a shorter or compressed recording"
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
