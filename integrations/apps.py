from django.apps import AppConfig

from core.events import subscribe


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        # Imported once the app registry is ready: schema registers its OpenAPI extensions, and
        # webhooks needs the models.
        from . import schema  # noqa: F401
        from .webhooks import webhooks_on_event

        subscribe(webhooks_on_event)
