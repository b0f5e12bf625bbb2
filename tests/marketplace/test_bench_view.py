"""The benchmark's bare view (bench/http_throughput.py's ceiling) is routed only when the
benchmark's setting asks for it, never in a deployment."""

import importlib.util

from django.contrib import admin


def _urlpatterns_with(settings, *, bare: bool) -> list:
    """marketplace/urls.py executed afresh with BENCH_BARE_VIEW set as given (the module that
    serves requests is left alone; so is the admin's login view, which the module wraps)."""
    settings.BENCH_BARE_VIEW = bare
    login = admin.site.login
    try:
        spec = importlib.util.find_spec("marketplace.urls")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        admin.site.login = login
    return module.urlpatterns


def _names(patterns) -> set:
    return {getattr(p, "name", None) for p in patterns}


def test_the_bare_view_is_not_routed_by_default(client, settings):
    assert settings.BENCH_BARE_VIEW is False
    assert client.get("/bench/ok").status_code == 404
    assert "bench_ok" not in _names(_urlpatterns_with(settings, bare=False))


def test_the_bare_view_is_routed_when_the_benchmark_asks(rf, settings):
    patterns = _urlpatterns_with(settings, bare=True)
    assert "bench_ok" in _names(patterns)
    (pattern,) = [p for p in patterns if getattr(p, "name", None) == "bench_ok"]
    response = pattern.callback(rf.get("/bench/ok"))
    assert response.status_code == 200 and response.content == b"ok"
