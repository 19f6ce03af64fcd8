"""Routes of the hooks API, mounted under /api/v1/ (and the OpenAPI schema and its page)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from hooks.api import EventTypeListView, HookDetailView, HookListView, HookRecoverView
from hooks.connect import recover_from_connect
from hooks.events_api import EventListView

api_urlpatterns = [
    path("hooks", HookListView.as_view(), name="hook-list"),
    path("hooks/<int:hook_id>", HookDetailView.as_view(), name="hook-detail"),
    path("hooks/<int:hook_id>/recover", HookRecoverView.as_view(), name="hook-recover"),
    path("event-types", EventTypeListView.as_view(), name="event-type-list"),
    path("events", EventListView.as_view(), name="event-list"),
]

# The user's own Zaps on /connect/ (hooks/connect.py).
page_urlpatterns = [
    path("connect/hooks/<int:hook_id>/recover/", recover_from_connect, name="connect-recover"),
]

schema_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
