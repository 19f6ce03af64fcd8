"""{% load display %}: `{{ moment|when }}` and `{{ number|phone }}`, the one way to show each."""

from django import template

from kazoo_zapier import display

register = template.Library()


@register.filter
def when(value, empty: str = "—") -> str:
    return display.when(value, empty)


@register.filter
def phone(value) -> str:
    return display.phone_number(value) or ""


@register.simple_tag
def current_timezone_name() -> str:
    from django.utils import timezone

    return timezone.get_current_timezone_name()
