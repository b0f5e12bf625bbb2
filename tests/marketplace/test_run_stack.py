"""`make run` as a newcomer runs it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_site_url_follows_the_port_make_run_serves_on():
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test", "PORT": "8650"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8650"
