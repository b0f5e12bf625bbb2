from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


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
