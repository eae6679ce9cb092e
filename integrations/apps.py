from django.apps import AppConfig

from core.events import subscribe


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "API tokens and webhooks"

    def ready(self) -> None:
        # Imported once the app registry is ready: schema registers its OpenAPI extensions, and
        # webhooks needs the models.
        from django.db.models.signals import post_delete, post_save

        from . import schema  # noqa: F401
        from .models import WebhookSubscription
        from .subscriptions import subscriptions_changed_by_model
        from .webhooks import webhooks_on_event

        subscribe(webhooks_on_event)
        # Every save and delete of a subscription (services, admin, shell) refreshes the workspace's cached list.
        post_save.connect(subscriptions_changed_by_model, sender=WebhookSubscription)
        post_delete.connect(subscriptions_changed_by_model, sender=WebhookSubscription)
