"""Where things live: the user's data and log folders, and the shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "inbox_app"


def data_dir() -> Path:
    path = Path(os.environ.get("INBOX_APP_DATA_DIR") or platformdirs.user_data_dir(APP_DIR_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = Path(platformdirs.user_log_dir(APP_DIR_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'inbox.db'}"


def resources_dir() -> Path:
    """The resources folder: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder of Unisono is missing from this installation")
