"""Register the Zapier app as an OAuth client and print its credentials, once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.clients import create_client


class Command(BaseCommand):
    help = (
        "Register the Zapier app (a confidential OAuth client, authorization code with PKCE) and "
        "print its client id and secret. The secret is stored hashed: it is shown only now."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="Zapier's OAuth redirect URI, exactly (repeat for more than one).",
        )
        parser.add_argument("--name", default="Zapier", help="Shown on the consent page.")
        parser.add_argument(
            "--rotate-secret",
            action="store_true",
            help="The client exists: issue a new secret (the old one stops working) and set "
            "the redirect URIs.",
        )

    def handle(self, *args, redirect_uris, name, rotate_secret, **options) -> None:
        try:
            client = create_client(name, redirect_uris, rotate_secret=rotate_secret)
        except (ValueError, ValidationError) as error:
            raise CommandError(
                error.messages[0] if isinstance(error, ValidationError) else str(error)
            ) from error
        self.stdout.write(f"client_id={client.client_id}")
        self.stdout.write(f"client_secret={client.client_secret}")
        self.stderr.write(
            "Give both to the Zapier app (CLIENT_ID, CLIENT_SECRET). The secret is not shown again."
        )
