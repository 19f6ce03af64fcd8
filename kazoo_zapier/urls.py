from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from accounts import urls as accounts_urls
from accounts import views as accounts_views
from calls import urls as calls_urls
from hooks import urls as hooks_urls
from kazoo_zapier import demo, health

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg"), permanent=True)),
    # The staff console first: its /admin/console/ pages would otherwise fall to the admin.
    path("", include("kazoo_zapier.console.urls")),
    path("admin/", admin.site.urls),
    # The language switcher's POST target (Django's set_language); URLs carry no language prefix.
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include(accounts_urls.urlpatterns)),
    path("", include(hooks_urls.page_urlpatterns)),
    path("oauth/", include(accounts_urls.oauth_urlpatterns, namespace="oauth2_provider")),
    path("api/v1/", include(accounts_urls.api_urlpatterns)),
    path("api/v1/", include(hooks_urls.api_urlpatterns)),
    path("api/v1/", include(calls_urls.api_urlpatterns)),
    path("api/", include(hooks_urls.schema_urlpatterns)),
]

if not settings.PRODUCTION:
    # The local demo's stand-in for Zapier (`make run`): never served in production.
    urlpatterns.append(
        path("demo/receiver/<int:hook_id>/", demo.demo_receiver, name="demo-receiver")
    )

# Branded error pages (Django's default 500 renders without the request, so without branding).
handler400 = "accounts.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
