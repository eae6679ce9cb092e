"""`manage.py import_workspace FILE [--into WORKSPACE_ID] [--name NAME] [--admin USERNAME]`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from transfer.services.backup import workspace_import
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Load a workspace export into a new workspace (or an empty one), all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--into", type=int, help="An existing, empty workspace to load into.")
        parser.add_argument("--name", help="The new workspace's name (default: the exported one's).")
        parser.add_argument("--admin", help="A user name to make admin of the workspace.")

    def handle(
        self, *args, file: str, into: int | None = None, name: str | None = None, admin: str | None = None, **options
    ):
        target = None
        if into is not None:
            target = Workspace.objects.filter(pk=into).first()
            if target is None:
                raise CommandError(f"No workspace {into}.")
        user = None
        if admin:
            user = get_user_model().objects.filter(username=admin).first()
            if user is None:
                raise CommandError(f"No user {admin!r}.")
        try:
            with open(file, encoding="utf-8") as lines:
                workspace, counts = workspace_import(lines=lines, into=target, name=name, admin=user)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()) if n)
        self.stdout.write(f"Imported into workspace {workspace.pk} “{workspace.name}”: {summary}.")
