"""Storing what connectors fetched: the ingest service, the batch writer and its helpers, and the quarantine of what could not be stored."""
