from django.conf import settings


def branding(request):
    """The provider's name, logo and colours, for every page."""
    return {"branding": settings.BRANDING}
