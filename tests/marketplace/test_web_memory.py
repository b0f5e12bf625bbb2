"""What a web process loads at start is what every worker pays for in memory (issue 17, item 5):
a library only one rare page needs is imported by that page, not with the views."""

import os
import subprocess
import sys

from django.conf import settings

CHILD = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view imported, as in a gunicorn worker
print("loaded:" + ",".join(sorted(m for m in ("reportlab",) if m in sys.modules)))
"""


def test_the_views_do_not_import_the_pdf_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "loaded:"
