"""The local demo's stand-in for Zapier: receives deliveries of the demo subscriptions.

Only routed outside production. It checks each delivery's Standard Webhooks signature with the
hook's secret, as a careful receiver would, so `make run` shows signed deliveries end to end.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hooks.models import Hook

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def demo_receiver(request: HttpRequest, hook_id: int) -> HttpResponse:
    hook = get_object_or_404(Hook, pk=hook_id)
    try:
        event = Webhook(hook.secret).verify(request.body, dict(request.headers))
    except WebhookVerificationError as error:
        logger.warning("demo receiver: bad signature for hook %s: %s", hook_id, error)
        return HttpResponse(f"bad signature: {error}", status=400, content_type="text/plain")
    logger.info("demo receiver: hook %s got %s: %s", hook_id, event["type"], event["summary"])
    return HttpResponse(status=204)
