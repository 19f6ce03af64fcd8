"""The staff console's pages (inside the admin, staff only) and the users' test-event button."""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import KazooAccount, KazooUser
from accounts.services import authorized_applications
from events.catalogue import EventType
from events.models import Event
from hooks.models import Delivery, Hook
from kazoo_zapier import display
from kazoo_zapier.console import selectors
from kazoo_zapier.console.monitor import MONITOR_WS_PATH
from kazoo_zapier.console.services import NotYourHook, send_test_event


def _page(request: HttpRequest, template: str, title: str, **context: object) -> HttpResponse:
    """An admin page: the admin's header, sidebar and breadcrumbs around the console's content."""
    return render(
        request, template, {**admin.site.each_context(request), "title": title, **context}
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return _page(
        request,
        "console/dashboard.html",
        "Console",
        now=now,
        listeners=selectors.listener_reports(now),
        charts=selectors.traffic_charts(now),
        latency=selectors.delivery_latency(now),
        failing=selectors.failing_hooks(),
        hooks_by_status=selectors.hooks_by_status(),
        deliveries_by_status=selectors.deliveries_by_status(),
        queue_depth=selectors.queue_depth(now),
        accounts=selectors.accounts_by_activity(now),
        timezones=sorted(display.known_timezones()),
        current_timezone=timezone.get_current_timezone_name(),
    )


def find_accounts(query: str) -> list[dict[str, str]]:
    """Kazoo accounts matching a customer's name, a user's name or username, or a Kazoo id."""
    query = query.strip()
    if not query:
        return []
    found: dict[str, dict[str, str]] = {}
    for account in KazooAccount.objects.filter(Q(name__icontains=query) | Q(kazoo_id=query)):
        found[account.kazoo_id] = {"kazoo_id": account.kazoo_id, "name": account.name, "why": ""}
    users = KazooUser.objects.filter(
        Q(name__icontains=query)
        | Q(username__icontains=query)
        | Q(email__icontains=query)
        | Q(kazoo_id=query)
    ).select_related("account")
    for profile in users[:50]:
        entry = found.setdefault(
            profile.account.kazoo_id,
            {"kazoo_id": profile.account.kazoo_id, "name": profile.account.name, "why": ""},
        )
        who = profile.name or profile.username
        entry["why"] = f"{entry['why']}, {who}" if entry["why"] else f"user {who}"
    if not found and Event.objects.filter(account_id=query).exists():
        # An account that sends events but whose users never signed in here.
        found[query] = {"kazoo_id": query, "name": "", "why": "events only"}
    return sorted(found.values(), key=lambda a: (a["name"].lower(), a["kazoo_id"]))


def customers(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = find_accounts(query)
    if len(results) == 1:
        return redirect("console:customer", kazoo_id=results[0]["kazoo_id"])
    return _page(request, "console/customers.html", "Find a customer", query=query, results=results)


def customer(request: HttpRequest, kazoo_id: str) -> HttpResponse:
    account = KazooAccount.objects.filter(kazoo_id=kazoo_id).first()
    users = list(
        KazooUser.objects.filter(account__kazoo_id=kazoo_id).select_related("user", "account")
    )
    connections = [
        {"profile": profile, **item}
        for profile in users
        for item in authorized_applications(profile.user)
    ]
    delivered = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DELIVERED))
    failed = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED))
    pending = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING))
    hooks = (
        Hook.objects.filter(account_id=kazoo_id)
        .select_related("owner__kazoo")
        .annotate(delivered_count=delivered, failed_count=failed, pending_count=pending)
        .order_by("status", "id")
    )
    events = Event.objects.filter(account_id=kazoo_id).order_by("-created_at")[:25]
    deliveries = (
        Delivery.objects.filter(hook__account_id=kazoo_id)
        .select_related("event", "hook")
        .order_by("-created_at")[:25]
    )
    name = account.name if account else ""
    if not name:
        latest = Event.objects.filter(account_id=kazoo_id).order_by("-created_at").first()
        name = (latest.payload.get("account_name") if latest else "") or kazoo_id
    token_admin = reverse("admin:oauth2_provider_accesstoken_changelist")
    return _page(
        request,
        "console/customer.html",
        name,
        kazoo_id=kazoo_id,
        account=account,
        users=users,
        connections=connections,
        token_admin=token_admin,
        hooks=hooks,
        events=events,
        deliveries=deliveries,
        monitor_url=f"{reverse('console:monitor')}?account={kazoo_id}",
    )


def monitor(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "console/monitor.html",
        "Live events",
        ws_path=MONITOR_WS_PATH,
        accounts=KazooAccount.objects.order_by("name"),
        event_types=list(EventType),
        selected_account=request.GET.get("account", ""),
        selected_type=request.GET.get("type", ""),
    )


@require_POST
@login_required
def test_event(request: HttpRequest) -> HttpResponse:
    """The connect page's button: a sample event to one of the user's own subscriptions."""
    try:
        hook_id = int(request.POST.get("hook", ""))
        event = send_test_event(user=request.user, hook_id=hook_id)
    except (ValueError, NotYourHook):
        messages.error(request, "Choose one of your active Zaps to send a test event to.")
        return redirect("connect")
    hook = Hook.objects.get(id=hook_id)
    host = urlsplit(hook.target_url).hostname or hook.target_url
    messages.success(
        request, f"A test “{EventType(event.type).title}” event is on its way to {host}."
    )
    return redirect("connect")


@require_POST
def set_timezone(request: HttpRequest) -> HttpResponse:
    """Staff read times in UTC unless they choose a zone here (kept in their session)."""
    zone = display.valid_timezone(request.POST.get("timezone"))
    if zone and zone != "UTC":
        request.session[display.TIMEZONE_SESSION_KEY] = zone
    else:
        request.session.pop(display.TIMEZONE_SESSION_KEY, None)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("console:dashboard")
    return redirect(back)


# Staff only: the admin's own login and permission check, so the console is part of the admin.
staff_dashboard = admin.site.admin_view(dashboard)
staff_customers = admin.site.admin_view(customers)
staff_customer = admin.site.admin_view(customer)
staff_monitor = admin.site.admin_view(monitor)
staff_set_timezone = admin.site.admin_view(set_timezone)
