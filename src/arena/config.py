"""Settings: the one place every environment variable is read."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Arena configuration, read from the environment and a `.env` in the working directory."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    arena_home: Path = Field(default=Path("arena-data"), alias="ARENA_HOME")
    database_url: str | None = Field(default=None, alias="ARENA_DATABASE_URL")
    host: str = Field(default="127.0.0.1", alias="ARENA_HOST")
    port: int = Field(default=8000, alias="ARENA_PORT")
    tts_sample_rate: int = Field(default=24000, alias="ARENA_TTS_SAMPLE_RATE")
    tts_loudness_lufs: float = Field(default=-20.0, alias="ARENA_TTS_LOUDNESS")
    agent_conversation_timeout: int = Field(default=120, alias="ARENA_AGENT_TIMEOUT")
    stt_timeout_s: float = Field(default=60.0, alias="ARENA_STT_TIMEOUT")
    s2s_timeout_s: float = Field(default=45.0, alias="ARENA_S2S_TIMEOUT")

    openai_api_key: str | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str = Field(default="https://api.openai.com/v1", alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    elevenlabs_api_key: str | None = Field(default=None, alias="ELEVENLABS_API_KEY")
    elevenlabs_base_url: str = Field(
        default="https://api.elevenlabs.io", alias="ELEVENLABS_BASE_URL"
    )
    deepgram_api_key: str | None = Field(default=None, alias="DEEPGRAM_API_KEY")
    deepgram_base_url: str = Field(default="https://api.deepgram.com", alias="DEEPGRAM_BASE_URL")
    vapi_api_key: str | None = Field(default=None, alias="VAPI_API_KEY")
    vapi_base_url: str = Field(default="https://api.vapi.ai", alias="VAPI_BASE_URL")
    retell_api_key: str | None = Field(default=None, alias="RETELL_API_KEY")
    retell_base_url: str = Field(default="https://api.retellai.com", alias="RETELL_BASE_URL")
    cursor_api_key: str | None = Field(default=None, alias="CURSOR_API_KEY")
    cursor_base_url: str = Field(default="https://api.cursor.com", alias="CURSOR_BASE_URL")

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file inside ARENA_HOME."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.arena_home / 'arena.db').resolve()}"

    @property
    def audio_dir(self) -> Path:
        return self.arena_home / "audio"

    @property
    def cache_dir(self) -> Path:
        return self.arena_home / "cache"
