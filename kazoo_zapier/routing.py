"""Websocket routes served by daphne through channels."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from kazoo_zapier.console.consumers import MonitorConsumer

websocket_urlpatterns: list = [
    # The session (cookie) says who watches: the same sign-in as the pages that open it.
    path("ws/monitor/", AuthMiddlewareStack(MonitorConsumer.as_asgi())),
]
