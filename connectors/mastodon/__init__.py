"""Mastodon social channel: mentions in, replies out."""

from connectors.mastodon.connector import MastodonConnector

__all__ = ["MastodonConnector"]
