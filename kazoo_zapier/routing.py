"""Websocket routes served by daphne through channels."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from kazoo_zapier.console.consumers import MonitorConsumer
from kazoo_zapier.console.monitor import MONITOR_WS_PATH

websocket_urlpatterns: list = [
    # The session (cookie) says who watches: the same sign-in as the pages that open it.
    path(MONITOR_WS_PATH.lstrip("/"), AuthMiddlewareStack(MonitorConsumer.as_asgi())),
]
