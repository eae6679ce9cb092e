from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        from core.services import register_write_check

        from .graph import graph_check

        register_write_check(graph_check)
