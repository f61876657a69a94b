"""`python -m inbox_app.cli` is `inbox-app`."""

from inbox_app.cli.main import main

raise SystemExit(main())
