"""Everything Qt: the agent workspace window, its item models, widgets and dialogs."""
