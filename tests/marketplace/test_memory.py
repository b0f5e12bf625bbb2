"""Freed memory handed back to the system (marketplace/memory.py), and gunicorn's hook that does it
after requests (gunicorn.conf.py)."""

import platform
import runpy

from django.conf import settings

from marketplace import memory


def test_freed_memory_is_released_where_glibc_runs():
    assert memory.release_freed_memory() is (platform.libc_ver()[0] == "glibc")


def test_a_release_happens_at_most_once_per_period(monkeypatch):
    glibc = platform.libc_ver()[0] == "glibc"
    monkeypatch.setattr(memory, "_last", float("-inf"))
    assert memory.release_freed_memory_now_and_then(3600) is glibc
    released_at = memory._last
    assert released_at > float("-inf")
    # Within the period nothing happens, and the moment of the last release stays.
    assert memory.release_freed_memory_now_and_then(3600) is False
    assert memory._last == released_at
    assert memory.release_freed_memory_now_and_then(0) is glibc


def test_gunicorn_releases_after_a_request_at_most_once_a_second(monkeypatch):
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert config["RELEASE_FREED_MEMORY_EVERY"] == 1.0
    monkeypatch.setattr(memory, "_last", float("-inf"))
    config["post_request"](None, None, {}, None)
    released_at = memory._last
    assert released_at > float("-inf")
    config["post_request"](None, None, {}, None)  # within the second: nothing more
    assert memory._last == released_at
