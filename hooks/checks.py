"""System checks for delivery settings that only make sense together."""

from django.conf import settings
from django.core.checks import Error, register

from hooks.delivery import LEASE_MARGIN_SECONDS


@register()
def lease_outlives_a_send(app_configs, **kwargs):
    """A hook's lease must outlast a whole send, or a second worker could send the same rows."""
    needed = settings.HOOKS_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS
    if needed >= settings.HOOKS_LEASE_SECONDS:
        return [
            Error(
                f"HOOKS_LEASE_SECONDS ({settings.HOOKS_LEASE_SECONDS}) must be more than "
                f"HOOKS_TIMEOUT_SECONDS + {LEASE_MARGIN_SECONDS:g} ({needed:g}): a send's whole "
                "deadline has to end before its hook's lease does.",
                id="hooks.E001",
            )
        ]
    return []
