"""The frozen app's first module: the same `main` as the `inbox-app` command.

PyInstaller needs a script to start from; importing `inbox_app.cli` (the entry point
named in pyproject.toml) keeps the build independent of how the command line is laid out.
"""

from inbox_app.cli import main

raise SystemExit(main())
