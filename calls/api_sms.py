"""Send an SMS (POST /api/v1/sms) and the numbers one may send from (GET /api/v1/sms/numbers).
Both answer 404 with the reason where the provider has not turned SMS on (SMS_ENABLED)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasScopes, IsKazooUser
from accounts.services import kazoo_profile
from calls import sms


class SendSmsSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=40, help_text="A phone number, any format")
    body = serializers.CharField(max_length=700, help_text="The text, up to 700 characters")

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword: added here rather than as a class attribute.
        fields["from"] = serializers.CharField(
            max_length=40,
            required=False,
            allow_blank=True,
            allow_null=True,
            help_text="The number to send from; empty: your own number",
        )
        return fields


class SmsSentSerializer(serializers.Serializer):
    request_id = serializers.IntegerField()
    message_id = serializers.CharField()
    to = serializers.CharField()
    body = serializers.CharField()
    route_type = serializers.CharField(help_text="offnet (to the phone network) or onnet")
    status = serializers.CharField(help_text="`sent`: Kazoo accepted the message")
    detail = serializers.CharField()

    def get_fields(self):
        return {**super().get_fields(), "from": serializers.CharField()}


class NumberChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class SmsView(APIView):
    permission_classes = [IsAuthenticated, HasScopes, IsKazooUser]
    required_scopes = ["sms"]

    def initial(self, request, *args, **kwargs):
        # Before authentication and scopes: where SMS is off there is nothing to ask for.
        if not settings.SMS_ENABLED:
            raise sms.sms_disabled()
        super().initial(request, *args, **kwargs)


class SendSmsView(SmsView):
    @extend_schema(
        request=SendSmsSerializer,
        responses={201: SmsSentSerializer},
        summary="Send an SMS from your number (administrators: any of the account's numbers)",
    )
    def post(self, request: Request) -> Response:
        incoming = SendSmsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        sent = sms.send_sms(
            kazoo_profile(request.user),
            to=data["to"],
            body=data["body"],
            sender=data.get("from") or None,
        )
        return Response(SmsSentSerializer(sent).data, status=status.HTTP_201_CREATED)


class SmsNumberListView(SmsView):
    @extend_schema(
        responses=NumberChoiceSerializer(many=True),
        summary="The numbers you may send SMS from, for dropdowns",
    )
    def get(self, request: Request) -> Response:
        numbers = sms.numbers_for(kazoo_profile(request.user))
        return Response(NumberChoiceSerializer(numbers, many=True).data)
