"""Search across the workspace (full text on PostgreSQL) and the command palette's commands."""
