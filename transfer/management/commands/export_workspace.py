"""`manage.py export_workspace WORKSPACE_ID [--output FILE]`: the lossless export, streamed (JSON lines)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from transfer.selectors.backup import workspace_export_lines
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Write a workspace's lossless export (JSON lines; docs/workspace-export.md) to a file or stdout."

    def add_arguments(self, parser):
        parser.add_argument("workspace_id", type=int)
        parser.add_argument("--output", "-o", help="The file to write (default: standard output).")

    def handle(self, *args, workspace_id: int, output: str | None = None, **options):
        workspace = Workspace.objects.filter(pk=workspace_id).first()
        if workspace is None:
            raise CommandError(f"No workspace {workspace_id}.")
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            for line in workspace_export_lines(workspace=workspace):
                out.write(line)
        finally:
            if output:
                out.close()
        if output:
            self.stderr.write(f"Exported workspace {workspace_id} to {output}.")
