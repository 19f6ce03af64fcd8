from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The staff console: dashboard, customer lookup, live event monitor, /metrics."""

    name = "kazoo_zapier.console"
    label = "console"
    verbose_name = "Staff console"
