"""Branded "page not found" everywhere, DEBUG or not (Django's technical 404 lists every URL).

With DEBUG on, Django answers an unknown address with its technical page, which skips handler404.
This middleware puts the branded page in its place for HTML answers; set DJANGO_TECHNICAL_404=1
(or settings.TECHNICAL_404 in a test) to see Django's own while developing. JSON 404s of the API
are left as they are.
"""

from django.conf import settings


class BrandedNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and not getattr(settings, "TECHNICAL_404", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "branded", False)
        ):
            from accounts.views import page_not_found

            return page_not_found(request)
        return response
