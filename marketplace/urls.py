from allauth.account.decorators import secure_admin_login
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from listings.email_views import listing_extend, saved_search_unsubscribe

from . import views

# The admin has no login form of its own: /admin/login/ sends visitors to allauth's login (with
# next=), whose rate limits (settings.ACCOUNT_RATE_LIMITS) stop password guessing; a signed-in
# user who is not staff gets a 403.
admin.site.login = secure_admin_login(admin.site.login)

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("listings.api.urls")),
    path("", include("applications.api.urls")),
    path("", include("placements.api.urls")),
    path("", include("evaluations.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("conversations.api.urls")),
    path("", include("interviews.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("listings/extend/<str:token>/", listing_extend, name="listing_extend"),
    path("listings/alerts/unsubscribe/<str:token>/", saved_search_unsubscribe, name="saved_search_unsubscribe"),
    path("listings/", include("listings.urls")),
    path("", include("applications.urls")),
    path("careers/", include("reports.urls")),
    path("placements/", include("placements.urls")),
    path("", include("evaluations.urls")),
    path("", include("conversations.urls")),
    path("calendar/", include("calendars.urls")),
    path("", include("interviews.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the docs page
    # needs no inline script under the Content-Security-Policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # ReDoc from the sidecar package (templates/drf_spectacular/redoc.html: no inline script, no
    # web fonts). It styles itself by inserting <style> elements, which carry this page's nonce.
    path(
        "api/redoc/",
        csp_update({"style-src": [SELF, NONCE]})(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
]

# 403 and 404 use Django's views with templates/403.html and 404.html (the site layout, the reason,
# a way back); the 500 page renders without touching the database. Under /api/ a 404 and a 500
# answer the API's JSON error shape instead (marketplace/api.py).
handler400 = "marketplace.views.bad_request"
handler404 = "marketplace.views.page_not_found"
handler500 = "marketplace.views.server_error"

if settings.BENCH_BARE_VIEW:
    # Benchmarks only (bench/http_throughput.py sets it): never routed in a deployment.
    urlpatterns.append(path("bench/ok", views.bench_ok, name="bench_ok"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
