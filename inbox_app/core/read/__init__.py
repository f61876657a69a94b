"""What the windows and the command line read: queries and rows, the workspace reads, search and its ranking, saved searches and similar customers."""
