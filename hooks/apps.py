from django.apps import AppConfig


class HooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hooks"
    verbose_name = "Subscriptions and deliveries"

    def ready(self) -> None:
        from hooks import checks  # noqa: F401 - registers the system checks
