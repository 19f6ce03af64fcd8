"""Routes of the calls API, mounted under /api/v1/."""

from django.urls import path

from calls.api import CallListView, DeviceListView, QueueListView, UserListView
from calls.api_actions import AgentListView, AgentStatusView, CallForwardingView, DoNotDisturbView
from calls.api_search import FindUserView, RecentCallListView
from calls.api_sms import SendSmsView, SmsNumberListView

api_urlpatterns = [
    path("calls", CallListView.as_view(), name="call-list"),
    path("calls/recent", RecentCallListView.as_view(), name="call-recent"),
    path("sms", SendSmsView.as_view(), name="sms-send"),
    path("sms/numbers", SmsNumberListView.as_view(), name="sms-numbers"),
    path("users/search", FindUserView.as_view(), name="user-search"),
    path("devices", DeviceListView.as_view(), name="device-list"),
    path("users", UserListView.as_view(), name="user-list"),
    path("queues", QueueListView.as_view(), name="queue-list"),
    path("agents", AgentListView.as_view(), name="agent-list"),
    path("agents/<str:user_id>/status", AgentStatusView.as_view(), name="agent-status"),
    path(
        "users/<str:user_id>/call-forwarding",
        CallForwardingView.as_view(),
        name="user-call-forwarding",
    ),
    path(
        "users/<str:user_id>/do-not-disturb", DoNotDisturbView.as_view(), name="user-do-not-disturb"
    ),
]
