"""The accounts app's pages, and the part of django-oauth-toolkit that is served."""

from django.urls import path
from oauth2_provider import urls as oauth2_urls
from oauth2_provider import views as oauth2_views

from accounts import views
from accounts.api import MeView

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("connect/", views.connect, name="connect"),
    path(
        "connect/revoke/<int:application_id>/",
        views.revoke_application,
        name="connect-revoke",
    ),
]

api_urlpatterns = [
    path("me", MeView.as_view(), name="api-me"),
]

# Authorization code, token, revocation and introspection only: no application registration by
# users (staff register the Zapier app with create_zapier_client), no device flow, no OIDC.
oauth_urlpatterns = (
    [
        path("authorize/", views.ConsentView.as_view(), name="authorize"),
        path("token/", oauth2_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
        path("introspect/", oauth2_views.IntrospectTokenView.as_view(), name="introspect"),
    ],
    oauth2_urls.app_name,
)
