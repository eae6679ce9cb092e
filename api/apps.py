from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        from pmhub.events import subscribe

        from . import schema  # noqa: F401  (registers the OpenAPI extension)
        from .webhooks import webhooks_on_event

        subscribe(webhooks_on_event)
