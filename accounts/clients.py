"""OAuth clients: the Zapier app, and the demo's local client."""

from dataclasses import dataclass

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str  # the raw secret: the database keeps only its hash


@transaction.atomic
def create_client(
    name: str, redirect_uris: list[str], *, rotate_secret: bool = False
) -> ClientCredentials:
    """A confidential authorization-code client named `name`, with exactly these redirect URIs.

    Refuses to touch an existing client unless `rotate_secret`: its secret cannot be shown
    again, and replacing it silently would break the Zapier app that holds it.
    """
    Application = get_application_model()
    existing = Application.objects.select_for_update().filter(name=name).first()
    if existing is not None and not rotate_secret:
        raise ValueError(
            f"An OAuth client named {name!r} exists already (client_id {existing.client_id}); "
            "use --rotate-secret to issue a new secret."
        )
    application = existing or Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        skip_authorization=False,
        hash_client_secret=True,
    )
    secret = generate_client_secret()
    application.client_secret = secret
    application.redirect_uris = " ".join(redirect_uris)
    application.full_clean(exclude=["user", "client_secret"])
    application.save()
    return ClientCredentials(client_id=application.client_id, client_secret=secret)
