"""Text colours that stay readable on a coloured fill (WCAG 2 contrast)."""

from __future__ import annotations

DARK = "#1f2933"
LIGHT = "#ffffff"


def _luminance(hex_colour: str) -> float:
    """The relative luminance of an sRGB colour written #rrggbb."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_ink(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    return LIGHT if contrast(fill, LIGHT) >= contrast(fill, DARK) else DARK


def tile_ink(fill: str) -> tuple[str, bool]:
    """The text colour on ``fill`` and whether the text needs a light chip behind it: when
    neither dark nor white text reaches 4.5:1 on the fill, dark text on a light chip."""
    ink = readable_ink(fill)
    if contrast(fill, ink) >= 4.5:
        return ink, False
    return DARK, True
