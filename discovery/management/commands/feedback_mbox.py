"""Read a mailbox file (mbox, or one RFC 822 message) into a product's feedback notes."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from products.models import Product

from ...models import IMPORT_BYTES_MAX
from ...services.intake import mailbox_import


class Command(BaseCommand):
    help = "Import an mbox file into a product's feedback (one note per message; senders matched by domain)."

    def add_arguments(self, parser):
        parser.add_argument("product_id", type=int)
        parser.add_argument("path", type=Path)
        parser.add_argument("--as-user", dest="username", default="", help="Recorded as the one who captured them.")

    def handle(self, *args, product_id: int, path: Path, username: str, **options):
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise CommandError(f"No product {product_id}.")
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username, memberships__workspace=product.workspace).first()
            if actor is None:
                raise CommandError(f"{username} is not a member of the product's workspace.")
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        if path.stat().st_size > IMPORT_BYTES_MAX:
            raise CommandError(f"The file is larger than {IMPORT_BYTES_MAX} bytes: split it.")
        text = path.read_bytes().decode("utf-8", "replace")
        try:
            notes = mailbox_import(product=product, text=text, actor=actor)
        except ValidationError as error:
            raise CommandError("Nothing imported: " + " ".join(error.messages)) from error
        self.stdout.write(f"{len(notes)} notes recorded for {product.key}.")
