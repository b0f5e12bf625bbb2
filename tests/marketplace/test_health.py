"""GET /healthz (readiness): 200 when PostgreSQL and Redis answer, 503 naming the one that does
not. GET /livez (liveness): 200 whenever the process answers, whatever the services do.

The failure cases run the real view in a separate process pointed at a closed port, so the
database or Redis really is unreachable (nothing is mocked).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django, json, sys
django.setup()
from django.test import Client
r = Client().get(sys.argv[1])
print(json.dumps({"status_code": r.status_code, "body": r.json()}))
"""


def _probe(path="/healthz", **env_overrides):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test", **env_overrides}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, path], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_healthz_ok_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_503_names_the_database_when_it_is_unreachable():
    result = _probe(DATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere", CONN_MAX_AGE="0")
    assert result["status_code"] == 503
    assert result["body"]["status"] == "unavailable"
    assert result["body"]["database"] != "ok"
    assert result["body"]["redis"] == "ok"


def test_healthz_503_names_redis_when_it_is_unreachable():
    result = _probe(REDIS_URL="redis://127.0.0.1:1/0")
    assert result["status_code"] == 503
    assert result["body"]["redis"] != "ok"
    assert result["body"]["database"] == "ok"


@pytest.mark.django_db
def test_livez_answers_without_a_single_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_livez_stays_200_while_the_database_and_redis_are_both_unreachable():
    """A Redis or database outage makes the site not ready (503 on /healthz), but the process is
    alive: a supervisor must not restart it for that."""
    down = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere", "CONN_MAX_AGE": "0"}
    down["REDIS_URL"] = "redis://127.0.0.1:1/0"
    assert _probe("/livez", **down) == {"status_code": 200, "body": {"status": "ok"}}
    assert _probe("/healthz", **down)["status_code"] == 503


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/notifications/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    json.dumps(schema.content.decode())


def test_private_files_have_no_public_url():
    from django.core.files.storage import storages

    with pytest.raises(ValueError, match="permission-checked view"):
        storages["private"].url("resumes/x.pdf")
