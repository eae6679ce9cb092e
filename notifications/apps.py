from django.apps import AppConfig

from core.events import subscribe


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from .services.inbox import notifications_record
        from .services.live import live_record

        subscribe(notifications_record)
        subscribe(live_record)
