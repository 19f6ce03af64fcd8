from django.apps import AppConfig


class HooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hooks"
    verbose_name = "Subscriptions and deliveries"

    def ready(self) -> None:
        # The events app announces and asks; this app answers (events never imports hooks).
        from events import interest, retention
        from events.signals import events_stored
        from hooks import checks  # noqa: F401 - registers the system checks
        from hooks.fanout import on_events_stored
        from hooks.revocation import connect_signals
        from hooks.selectors import HookInterest, events_still_wanted

        events_stored.connect(on_events_stored, dispatch_uid="hooks.fanout")
        interest.register(HookInterest())
        retention.keep_events(events_still_wanted)
        connect_signals()  # a user's last grant to an app gone: their hooks through it stop
