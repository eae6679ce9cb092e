"""Delivery planning across sprints and releases: release plans, launch checklists, probabilistic
forecasts and outcome reviews."""
