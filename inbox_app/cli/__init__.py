"""The command line, one module per command group (each adds its parser beside its handler).

``main`` is the `inbox-app` entry point; output.py holds what every group shares.
"""

from inbox_app.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
