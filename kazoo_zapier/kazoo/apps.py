from django.apps import AppConfig


class KazooConfig(AppConfig):
    """Registered so that the simulator's management command is found."""

    name = "kazoo_zapier.kazoo"
    label = "kazoo"
    verbose_name = "Kazoo"
