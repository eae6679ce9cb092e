from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each installed app declares the events it publishes in its events.py (core.events.define).
        autodiscover_modules("events")
        from . import events, figures

        events.subscribe(figures.bump_on_event)  # every announced write bumps its workspace's figures
