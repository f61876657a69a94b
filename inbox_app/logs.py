"""Logging to a rotating file in the user's log folder; message bodies and secrets never go there."""

from __future__ import annotations

import logging
import logging.handlers

from inbox_app.paths import log_dir


def setup(verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_inbox_app", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir() / "inbox-app.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._inbox_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if verbose:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
