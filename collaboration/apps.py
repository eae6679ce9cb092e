from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = "Collaboration"

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from core.services import register_delete_hook

        from . import targets  # noqa: F401  (registers the commentable and trashable kinds)
        from .context import task_context_enter, task_context_exit
        from .services.trash import trash_snapshot

        register_delete_hook(trash_snapshot)
        task_prerun.connect(task_context_enter, weak=False)
        task_postrun.connect(task_context_exit, weak=False)
