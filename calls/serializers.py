"""The click-to-call API's request and response shapes, and the dropdown choices."""

from rest_framework import serializers

from calls.models import CallRequest


class PlaceCallSerializer(serializers.Serializer):
    to = serializers.CharField(
        max_length=100,
        help_text="The number to call (E.164, or national in the provider's region) or an "
        "internal extension",
    )
    device_id = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The phone to ring first; empty rings all of your phones",
    )
    caller_id_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="What your phone shows while it rings",
    )
    caller_id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True
    )
    auto_answer = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Ask the phone to pick up by itself (Kazoo's default: yes, for one device)",
    )


class CallSerializer(serializers.ModelSerializer):
    # Plain text, not an enum: the hooks API already owns the schema's "status" enum name.
    status = serializers.CharField(help_text="`placed`: Kazoo accepted the call, your phone rings")
    device_id = serializers.CharField(allow_null=True)
    call_id = serializers.CharField(
        help_text="The call_id of this call's events (call.started, call.answered, call.ended)"
    )

    class Meta:
        model = CallRequest
        fields = ["id", "status", "to", "is_extension", "device_id", "call_id", "created_at"]

    def to_representation(self, instance: CallRequest) -> dict:
        data = super().to_representation(instance)
        data["device_id"] = data["device_id"] or None
        return data


class DeviceChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField(help_text="Kazoo's device_type: sip_device, softphone, mobile…")
    owner_id = serializers.CharField(allow_null=True)
    registered = serializers.BooleanField()


class UserChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    extension = serializers.CharField()
    is_admin = serializers.BooleanField()


class QueueChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    extension = serializers.CharField()
