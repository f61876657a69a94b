"""Matrix chat channel (and, through mautrix bridges, WhatsApp, Telegram, Signal, Messenger)."""

from connectors.matrix.connector import MatrixConnector

__all__ = ["MatrixConnector"]
