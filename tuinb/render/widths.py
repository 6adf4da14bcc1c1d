"""Widths in terminal columns, shared by the math layout, the tables and the widgets."""

from __future__ import annotations

import unicodedata

__all__ = ["pad", "text_width"]


def text_width(text: str) -> int:
    """Terminal columns of `text`: combining marks take none, wide characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or char == "\u200b":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, align: str = "l") -> str:
    gap = width - text_width(text)
    if gap <= 0:
        return text
    if align == "r":
        return " " * gap + text
    if align == "c":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap
