"""Files customers send, fetched through the homeserver's media API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from connectors.base import AttachmentData

from .session import MatrixSession, checked


async def download(
    session: MatrixSession, content: Mapping[str, Any], max_bytes: int
) -> AttachmentData | None:
    """The file an m.image/m.file event points at; None when missing or too large."""
    url = content.get("url")
    if not isinstance(url, str) or not url.startswith("mxc://"):
        return None
    info = content.get("info") or {}
    if isinstance(info.get("size"), int) and info["size"] > max_bytes:
        return None
    server, _, media_id = url[len("mxc://") :].partition("/")
    tail = f"{quote(server, safe='')}/{quote(media_id, safe='')}"
    # Authenticated media (Matrix 1.11) first; older homeservers only know the legacy path.
    for path in (
        f"/_matrix/client/v1/media/download/{tail}",
        f"/_matrix/media/v3/download/{tail}",
    ):
        reply = await session.response("GET", path, timeout=120)
        if reply.status_code == 404:
            continue
        if reply.status_code == 200:
            if len(reply.content) > max_bytes:
                return None
            return AttachmentData(
                filename=str(content.get("filename") or content.get("body") or media_id),
                content_type=str(
                    info.get("mimetype") or reply.headers.get("Content-Type") or "application/octet-stream"
                ),
                data=reply.content,
            )
        if reply.status_code >= 500 or reply.status_code == 429:
            checked(reply, "download an attachment")  # raises the TransientError
        return None
    return None
