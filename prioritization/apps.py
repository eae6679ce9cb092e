from django.apps import AppConfig


class PrioritizationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "prioritization"
    verbose_name = "Prioritisation"

    def ready(self) -> None:
        from core.events import subscribe

        from .services.item_scores import custom_score_after_item_saved
        from .services.runs import reprioritise_after_bulk_save

        subscribe(reprioritise_after_bulk_save)
        subscribe(custom_score_after_item_saved)
