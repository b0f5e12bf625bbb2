"""The live OpenAPI schema against the running application (schemathesis, in-process over WSGI).

For each role (anonymous, a student, an employer, signed in by session cookie with a CSRF token),
every operation of ``/api/schema/`` gets at least 25 generated requests, valid and invalid. No
answer may be a 5xx, and every answer must be one the schema documents: its status code, its
content type, its headers and its body. Half of the generated path ids are swapped for the ids of
real objects of the world, so the requests reach the code behind the permission checks instead
of only ever being told "not found".

The world is built once per role, inside the test's transaction; hypothesis is derandomized (the
same cases on every run) and its example database is off.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = ("anonymous", "student", "employer")
MIN_EXAMPLES = 25
# Examples from the schema, then generated requests (valid and invalid); the exhaustive coverage
# phase (hundreds of boundary requests per operation) would make this one test several minutes.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})

# Which object of the world a path parameter names, by the path's first segment after /api/v1/.
REAL_IDS = {
    ("applications", "id"): "application",
    ("employer", "id"): "listing",  # /employer/listings/{id}/applications/
    ("listings", "id"): "listing",
    ("placements", "id"): "placement",
    ("placements", "goal_pk"): "goal",
    ("placements", "checkin_pk"): "checkin",
}


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32's lazy loader reads Node._nodeid to name each operation's subtest;
    # pytest 9 keeps the id elsewhere.
    request.node._nodeid = request.node.nodeid


@pytest.fixture(params=ROLES)
def role(request):
    return request.param


@pytest.fixture
def wsgi_app():
    """The site's WSGI application on the test's connection. As in Django's test client, a
    request does not close the connection (it would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_world, role, wsgi_app):
    """The schema as the site serves it, bound to the WSGI application."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=CONFIG)


@pytest.fixture
def credentials(api_world, role) -> dict:
    user = api_world.users[role]
    if user is None:
        return {"cookies": {}, "headers": {}}
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def calls(api_schema):
    """Requests made per operation; afterwards, every operation must have had at least 25."""
    counter = Counter()
    yield counter
    operations = {result.ok().label for result in api_schema.get_all_operations()}
    assert set(counter) == operations
    assert min(counter.values()) >= MIN_EXAMPLES, counter.most_common()[-5:]


schema = schemathesis.pytest.from_fixture("api_schema")


def use_real_ids(case, world) -> None:
    first = case.path.removeprefix("/api/v1/").split("/", 1)[0]
    for name, value in list((case.path_parameters or {}).items()):
        target = REAL_IDS.get((first, name))
        if target is not None and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = getattr(world, target).pk


@schema.parametrize()
@settings(
    max_examples=MIN_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, api_world, credentials, calls):
    calls[case.operation.label] += 1
    use_real_ids(case, api_world)
    case.call_and_validate(cookies=credentials["cookies"], headers=credentials["headers"], checks=CHECKS)
