from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from core.events import subscribe

        from .subscribers import schedule_outcome_review

        subscribe(schedule_outcome_review)
