"""Routes of the calls API, mounted under /api/v1/."""

from django.urls import path

from calls.api import CallListView, DeviceListView, QueueListView, UserListView

api_urlpatterns = [
    path("calls", CallListView.as_view(), name="call-list"),
    path("devices", DeviceListView.as_view(), name="device-list"),
    path("users", UserListView.as_view(), name="user-list"),
    path("queues", QueueListView.as_view(), name="queue-list"),
]
