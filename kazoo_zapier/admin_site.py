"""The provider's admin: its name and colours, and the apps grouped and named for staff.

Models stay registered by their apps on `admin.site` (this site is the default one, see
ProviderAdminConfig); only the index's sections differ from the apps' labels, which are library
jargon to staff ("DJANGO OAUTH TOOLKIT", "AXES", "TASK QUEUE").
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# Section title -> the models it holds ("app_label.ModelName"), in the order shown.
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Subscriptions and deliveries",
        ["hooks.Hook", "hooks.Delivery", "hooks.DeliveryAttempt", "events.Event"],
    ),
    ("Click-to-call and actions", ["calls.CallRequest", "calls.ActionRequest"]),
    ("Customers", ["accounts.KazooAccount", "accounts.KazooUser"]),
    ("Listener", ["events.ListenerState", "events.DeadLetter"]),
    (
        "Sign-in and connections",
        [
            "oauth2_provider.Application",
            "oauth2_provider.AccessToken",
            "oauth2_provider.RefreshToken",
            "oauth2_provider.Grant",
            "oauth2_provider.IDToken",
            "axes.AccessAttempt",
            "axes.AccessFailureLog",
            "axes.AccessLog",
        ],
    ),
    (
        "Background tasks",
        ["django_q.Success", "django_q.Failure", "django_q.Schedule", "django_q.OrmQ"],
    ),
    ("Staff accounts", ["auth.User", "auth.Group"]),
]


class ProviderAdminSite(admin.AdminSite):
    index_template = "admin/index.html"
    # The sections are on the index and in the breadcrumbs; the lists need the width (1280 px).
    enable_nav_sidebar = False

    def each_context(self, request):
        context = super().each_context(request)
        name = settings.BRANDING["name"]
        context.update(site_header=f"{name} · staff", site_title=f"{name} staff")
        return context

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps  # an app's own page lists its models, as Django does
        models = {
            f"{app['app_label']}.{model['object_name']}": (app, model)
            for app in apps
            for model in app["models"]
        }
        sections = []
        for title, keys in SECTIONS:
            found = [models.pop(key) for key in keys if key in models]
            if found:
                first_app = found[0][0]
                sections.append(
                    {
                        "name": title,
                        "app_label": first_app["app_label"],
                        "app_url": first_app["app_url"],
                        "has_module_perms": True,
                        "models": [model for _, model in found],
                    }
                )
        if models:  # anything not placed above, under its own app's name
            rest: dict[str, dict] = {}
            for app, model in models.values():
                rest.setdefault(app["app_label"], {**app, "models": []})["models"].append(model)
            sections.extend(rest.values())
        return sections


class ProviderAdminConfig(AdminConfig):
    default_site = "kazoo_zapier.admin_site.ProviderAdminSite"
