"""The hooks API's shapes (API.md): what Zapier sends to subscribe, and what it gets back."""

from rest_framework import serializers

from hooks.filters import FILTER_FIELDS
from hooks.models import Hook


class SubscribeSerializer(serializers.Serializer):
    target_url = serializers.CharField(
        max_length=2000, help_text="Where to POST each event (Zapier's bundle.targetUrl)"
    )
    event = serializers.CharField(max_length=40, help_text="An event type, e.g. call.missed")
    scope = serializers.ChoiceField(
        choices=Hook.Scope.choices,
        default=Hook.Scope.USER,
        help_text="`user`: your own events; `account`: every event of the account (administrators)",
    )
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        required=False,
        default=dict,
        help_text=f"Optional, combined with AND: {', '.join(FILTER_FIELDS)}",
    )


class HookSerializer(serializers.ModelSerializer):
    delivered_count = serializers.IntegerField(read_only=True, default=0)
    failed_count = serializers.IntegerField(read_only=True, default=0)
    pending_count = serializers.IntegerField(read_only=True, default=0)
    last_result = serializers.CharField(read_only=True)

    class Meta:
        model = Hook
        fields = [
            "id",
            "target_url",
            "event",
            "scope",
            "filters",
            "status",
            "status_reason",
            "created_at",
            "last_attempt_at",
            "last_status_code",
            "last_result",
            "delivered_count",
            "failed_count",
            "pending_count",
        ]
        read_only_fields = fields


class HookCreatedSerializer(HookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret (Standard Webhooks, whsec_…); shown only when subscribing",
    )

    class Meta(HookSerializer.Meta):
        fields = [*HookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField(source="value")
    title = serializers.CharField()
    description = serializers.CharField()
    admin_only = serializers.BooleanField()
    # What a delivery carries: the stored keys and each reader's (EventType.delivered_keys).
    payload_keys = serializers.ListField(
        child=serializers.CharField(), source="delivered_keys"
    )


class EventsQuerySerializer(serializers.Serializer):
    type = serializers.CharField(required=False, help_text="An event type, e.g. call.missed")
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)
    scope = serializers.ChoiceField(choices=Hook.Scope.choices, default=Hook.Scope.USER)
    direction = serializers.CharField(required=False)
    user_id = serializers.CharField(required=False)
    device_id = serializers.CharField(required=False)
    queue_id = serializers.CharField(required=False)
    number = serializers.CharField(required=False)


class RecoverSerializer(serializers.Serializer):
    """POST /api/v1/hooks/{id}/recover: the window whose events are sent again."""

    since = serializers.DateTimeField(help_text="The window's start (ISO 8601)")
    until = serializers.DateTimeField(required=False, help_text="Its end; default now")
