"""Watching, the in-app inbox, email notifications and digests, stakeholder updates, live updates."""
