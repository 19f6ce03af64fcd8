"""The console's routes, included at the root before the admin's (which would catch admin/...).

Staff pages live under /admin/console/ (the admin's login and look); the users' test-event
button posts to /console/; operators scrape /metrics.
"""

from django.urls import path

from kazoo_zapier.console import metrics, views

app_name = "console"

urlpatterns = [
    path("admin/console/", views.staff_dashboard, name="dashboard"),
    path("admin/console/customers/", views.staff_customers, name="customers"),
    path("admin/console/customers/<str:kazoo_id>/", views.staff_customer, name="customer"),
    path("admin/console/monitor/", views.staff_monitor, name="monitor"),
    path("admin/console/timezone/", views.staff_set_timezone, name="timezone"),
    path("console/test-event/", views.test_event, name="test-event"),
    path("metrics", metrics.metrics, name="metrics"),
]
