"""The site's URLconf plus an API endpoint that crashes, for the 500 answer under /api/."""

from django.urls import path

from marketplace.urls import handler404, handler500, urlpatterns  # noqa: F401


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/crash/", crash), *urlpatterns]
