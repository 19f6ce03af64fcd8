from django.contrib import admin
from django.urls import path

from kazoo_zapier import health

admin.site.site_header = "kazoo-zapier"
admin.site.site_title = "kazoo-zapier"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
