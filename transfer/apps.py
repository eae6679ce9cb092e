from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = "Imports and exports"

    def ready(self) -> None:
        from .services import tables  # noqa: F401 — registers the initiative, objective and key-result targets
