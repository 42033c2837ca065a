"""Bilingual text: Chinese first, English second."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class I18n(BaseModel):
    """A text in Chinese (required) and English (required)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def bilingual(zh: str, en: str) -> str:
    """The one way messages for people are written: Chinese, then English."""
    return f"{zh} / {en}"


class BilingualError(ValueError):
    """An error whose message is written ``中文 / English``; both halves stay reachable."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        if en is None:
            zh, _, en = zh.partition(" / ")
            en = en or zh
        super().__init__(bilingual(zh, en))
        self.zh, self.en = zh, en


ECHO_LIMIT = 40  # characters of a cell a message quotes


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of a text someone wrote, then '…': messages stay short
    whatever a file's cells hold."""
    return text if len(text) <= limit else text[:limit] + "…"


def clip_value(value: Any) -> Any:
    """A cell kept in an error body: texts (also in a dict of cells) cut to
    :data:`ECHO_LIMIT` characters."""
    if isinstance(value, str):
        return clip(value)
    if isinstance(value, dict):
        return {clip_value(k): clip_value(v) for k, v in value.items()}
    return value


def quote(value: object) -> str:
    """A cell as a message quotes it: ``'12,3x'``, cut to :data:`ECHO_LIMIT` characters."""
    return repr(clip(value)) if isinstance(value, str) else clip(repr(value))
