"""Optimistic concurrency, the part every app's models and services share (no HTTP here).

An object that people edit has a ``version`` (``version_of``: its primary key and the moment it
was last written, ``updated_at``), which the API sends as its ``ETag``. An edit names the versions
its author read (the API's ``If-Match``); the service checks them under the row lock with
``check_version``, so that of two editors who read the same version only the first one writes,
and the other gets ``StaleVersion`` with nothing changed (the API's 412, ``marketplace.api``; a
page shows the object as it now is). The HTTP side (``If-Match``, ``ETag``, their OpenAPI
parameters) is in ``marketplace.api``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime


class StaleVersion(Exception):
    """The object changed since the version the editor read: nothing was written."""

    def __init__(self, current: str = ""):
        super().__init__(current)
        self.current = current


def version_of(pk: int, updated_at: datetime) -> str:
    """The version of a row: changes whenever the row is written (``updated_at``, to the
    microsecond), and differs between rows (the primary key)."""
    return f"{pk}-{int(updated_at.timestamp())}{updated_at.microsecond:06d}"


def check_version(current: str, expected: Collection[str] | None) -> None:
    """Raise ``StaleVersion`` unless ``current`` is one of the ``expected`` versions. ``None``
    (``If-Match: *``, or a caller that does not ask) accepts whatever is there. Call it on the
    row as read under its lock."""
    if expected is not None and current not in expected:
        raise StaleVersion(current)
