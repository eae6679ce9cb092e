from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = "Imports and exports"

    def ready(self) -> None:
        from .comments import comments_to_collaboration, register_comment_writer
        from .services import tables  # noqa: F401 — registers the initiative, objective and key-result targets

        register_comment_writer(comments_to_collaboration)
