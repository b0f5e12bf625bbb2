import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from . import api, health


def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers. Touches no database, cache or broker, so an outage of one
    of them never makes a supervisor restart healthy web processes."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz(request):
    """Readiness: the database and the broker answer (503 naming the one that does not)."""
    db_ok, db_state = health.database_ok()
    redis_ok, redis_state = health.redis_ok()
    healthy = db_ok and redis_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": db_state,
        "redis": redis_state,
    }
    return JsonResponse(body, status=200 if healthy else 503)


def bench_ok(request):
    """The benchmark's ceiling: the middleware and nothing else (routed only when
    settings.BENCH_BARE_VIEW is on, by bench/http_throughput.py)."""
    return HttpResponse("ok", content_type="text/plain")


PLAIN_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error</title></head>'
    '<body><h1>Something went wrong on our side</h1><p>Please try again in a moment. <a href="/">Home</a></p>'
    "</body></html>"
)


@requires_csrf_token
def bad_request(request, exception):
    """A request Django refuses before any view (too many fields, a suspicious header); under
    /api/ the API's JSON error instead of HTML."""
    if api.is_api_request(request):
        return api.bad_request_response(request)
    return defaults.bad_request(request, exception)


@requires_csrf_token
def page_not_found(request, exception):
    """The 404 page; under /api/ the API's JSON error instead of HTML."""
    if api.is_api_request(request):
        return api.not_found_response(request)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request):
    """The 500 page. It is rendered without the request's context processors (they read the
    database, which may be what just failed), and falls back to plain HTML if even that fails.
    Under /api/ the API's JSON error instead."""
    if api.is_api_request(request):
        return api.server_error_response(request)
    try:
        body = loader.render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME})
    except Exception:
        logging.getLogger(__name__).exception("The 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (an expired page, cookies blocked, a form posted from
    another site) gets the site's 403 page with what to do, rather than Django's bare one. The
    technical reason stays in the log, not on the page."""
    logging.getLogger("django.security.csrf").info("CSRF failure on %s: %s", request.path, reason)
    body = loader.render_to_string("403_csrf.html", request=request)
    return HttpResponseForbidden(body)
