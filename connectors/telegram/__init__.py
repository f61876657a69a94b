"""Telegram Bot API chat channel."""

from connectors.telegram.connector import PartlySentError, TelegramConnector

__all__ = ["PartlySentError", "TelegramConnector"]
