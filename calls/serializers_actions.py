"""Request and response shapes of the actions and searches (agents, forwarding, DND, SMS)."""

from rest_framework import serializers

from calls.agents import MAX_PAUSE_MINUTES


class QueueRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class AgentStatusChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["login", "logout", "pause", "resume", "end_wrapup"],
        help_text="login / logout (all queues, or `queue_id`), pause (for `minutes`, or until "
        "resumed), resume, end_wrapup",
    )
    queue_id = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="login / logout: only this queue; empty: all of the agent's queues",
    )
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_PAUSE_MINUTES,
        help_text="pause: for this many minutes; empty: until resumed",
    )

    def validate(self, data):
        if data.get("queue_id") and data["action"] not in ("login", "logout"):
            raise serializers.ValidationError(
                {"queue_id": ["A queue can be chosen only to log in or out."]}
            )
        if data.get("minutes") and data["action"] != "pause":
            raise serializers.ValidationError({"minutes": ["Minutes apply only to a pause."]})
        return data


class AgentStatusSerializer(serializers.Serializer):
    agent_id = serializers.CharField()
    agent_name = serializers.CharField()
    action = serializers.CharField()
    queue_id = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text="Kazoo's agent status after the change: ready, …")
    previous_status = serializers.CharField()
    queues = QueueRefSerializer(many=True, help_text="The queues the agent is logged in to")
    changed = serializers.BooleanField()
    confirmed = serializers.BooleanField(
        help_text="The agent's status shows the change (false: Kazoo took it, it does not show "
        "yet; the answer is then 202)"
    )
    detail = serializers.CharField()
    request_id = serializers.IntegerField()


class AgentSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    extension = serializers.CharField()
    email = serializers.CharField()
    status = serializers.CharField()
    queues = QueueRefSerializer(many=True)


class CallForwardingChangeSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="On (forward to `number`) or off")
    number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Where to forward to (E.164, national, or an extension); kept when omitted",
    )
    keep_caller_id = serializers.BooleanField(required=False, allow_null=True, default=None)
    require_keypress = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The forwarded phone must press a key to take the call",
    )
    direct_calls_only = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Forward only calls to the user, not ring-group or queue calls",
    )
    ring_phones_too = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Ring the user's phones as well as the forward number",
    )


class CallForwardingSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    number = serializers.CharField(allow_null=True)
    keep_caller_id = serializers.BooleanField()
    require_keypress = serializers.BooleanField()
    direct_calls_only = serializers.BooleanField()
    ring_phones_too = serializers.BooleanField()


class CallForwardingResultSerializer(serializers.Serializer):
    user_id = serializers.CharField()
    user_name = serializers.CharField()
    call_forward = CallForwardingSerializer()
    detail = serializers.CharField()
    request_id = serializers.IntegerField()


class DoNotDisturbChangeSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class DoNotDisturbSerializer(serializers.Serializer):
    user_id = serializers.CharField()
    user_name = serializers.CharField()
    do_not_disturb = serializers.BooleanField()
    detail = serializers.CharField()
    request_id = serializers.IntegerField()
