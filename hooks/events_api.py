"""GET /api/v1/events: recent events for Zapier's performList, in exactly the delivered shape.

Zapier's editor tests a hook trigger with this list, and the fields a user maps there must be the
fields that arrive live: so the items are the stored payloads themselves. It is a subscriber's
view of the events, so it lives with the hooks. With no event yet, one
example with every key of the type and obviously dummy values.
"""

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from events.catalogue import EventType
from events.examples import example_payload, example_summary
from events.models import Event
from hooks.api import EventsScopeView
from hooks.filters import FILTER_FIELDS, FilterError, clean_filters, matches
from hooks.rendering import for_reader, reader_of
from hooks.selectors import events_visible_to, refusal
from hooks.serializers import EventsQuerySerializer

# Filters are applied to the payloads in Python: look at this many recent rows at most.
SCAN_LIMIT = 500


class EventListView(EventsScopeView):
    @extend_schema(
        parameters=[EventsQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        summary="Recent events, newest first (Zapier's performList)",
        description="Each item is exactly the JSON a hook receives for that event.",
    )
    def get(self, request: Request) -> Response:
        query = EventsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if refused := refusal(request.user, scope=params["scope"]):
            raise PermissionDenied(refused.message, code=refused.code)
        kind = _event_type(params.get("type"))
        raw_filters = {name: params[name] for name in FILTER_FIELDS if name in params}
        filters: dict[str, str] = {}
        if raw_filters:
            keys = (
                kind.payload_keys if kind else tuple({k for t in EventType for k in t.payload_keys})
            )
            try:
                filters = clean_filters(
                    raw_filters, event_type=str(kind or "these"), payload_keys=keys
                )
            except FilterError as exc:
                raise ValidationError({exc.field: [exc.message]}) from None

        events = events_visible_to(request.user, scope=params["scope"])
        if kind is not None:
            events = events.filter(type=kind.value)
        reader = reader_of(request.user)  # in the caller's language, zone and numbers
        payloads = [
            for_reader(event, reader)
            for event in events[:SCAN_LIMIT]
            if matches(filters, event.payload)
        ][: params["limit"]]
        if not payloads:
            kind = kind or next(iter(EventType))
            example = for_reader(Event(payload=example_payload(kind)), reader)
            with translation.override(reader.language):
                example["summary"] = example_summary(kind)  # says it is one, in their words
            payloads = [example]
        return Response(payloads)


def _event_type(value: str | None) -> EventType | None:
    if not value:
        return None
    try:
        return EventType(value)
    except ValueError:
        raise ValidationError(
            {"type": [f"'{value}' is not an event type; see GET /api/v1/event-types."]}
        ) from None
