"""The asyncio runtime: runs connectors, backs off, waits for pushes, dispatches the outbox."""
