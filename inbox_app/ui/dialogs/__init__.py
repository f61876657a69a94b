"""Dialogs of the workspace: settings, merge, calls, snooze, assign, shortcuts, crashes."""
