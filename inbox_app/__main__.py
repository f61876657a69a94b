"""`python -m inbox_app` is `inbox-app`."""

from inbox_app.cli import main

raise SystemExit(main())
