"""The periodic work of the delivery system, as django-q2 schedules (created once, kept)."""

from django.db import migrations

SCHEDULES = [
    # name, function, schedule type (django_q Schedule: "I" minutes, "D" daily), minutes
    ("hooks: sweep due deliveries", "hooks.tasks.sweep", "I", 1),
    ("hooks: prune old deliveries", "hooks.tasks.prune", "D", None),
]


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
        )


def delete_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hooks", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
