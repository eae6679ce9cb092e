"""Comments and mentions, activity history and trash, watching and notifications, live updates."""
