from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        from django.apps import apps

        from core.events import subscribe

        from . import schema  # noqa: F401  (registers the OpenAPI extension)

        if apps.is_installed("prioritization"):
            from .schema_prioritization import register

            register()
        from .webhooks import webhooks_on_event

        subscribe(webhooks_on_event)
