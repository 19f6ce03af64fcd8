from django.apps import AppConfig


class HooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hooks"
    verbose_name = "Subscriptions and deliveries"

    def ready(self) -> None:
        from hooks import checks  # noqa: F401 - registers the system checks
        from hooks.revocation import connect_signals

        connect_signals()  # a user's last grant to an app gone: their hooks through it stop
