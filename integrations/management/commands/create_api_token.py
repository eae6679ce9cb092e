from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.exceptions import ApplicationError
from integrations.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (once: only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Optional lifetime in days.")

    def handle(self, *args, username, name, expires_in_days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        expires_at = None if expires_in_days is None else timezone.now() + timedelta(days=expires_in_days)
        try:
            _, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
