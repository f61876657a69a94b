"""Replies on their way out: queueing (with the rules a reply must meet), dispatch through the connectors, and the files a reply carries."""
