"""A stored report file as an HTTP answer, for the reports page and the API alike."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from wenzeng.services import reports


def file_response(meta: dict[str, Any], body: bytes, fmt: str, *, inline: bool = False) -> Response:
    """A report file as a download (or, for HTML with ``inline``, to read in the browser)."""
    disposition = "inline" if inline and fmt == "html" else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="{reports.stored_file_name(meta, fmt)}"',
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if fmt == "html":
        # The report is self-contained (inline styles and SVG): it may load and run nothing.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox"
        )
    return Response(body, media_type=reports.MEDIA_TYPES[fmt], headers=headers)
