from django.apps import AppConfig

from core.events import subscribe


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .services.inbox import notifications_record
        from .services.live import forget_actor_name, live_record

        subscribe(notifications_record)
        subscribe(live_record)
        for signal in (post_save, post_delete):
            signal.connect(forget_actor_name, sender=get_user_model(), dispatch_uid=f"live-names-{signal}")
