"""What every benchmark script shares: its own database, percentiles, and its section of
docs/benchmarks.md (each script rewrites only its own section)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nOne section per benchmark; each script rewrites its own.\n\n"


def database_url(given: str | None, name: str) -> str:
    """DATABASE_URL if given, else a database called ``name`` on the embedded server (never the
    project's own database)."""
    if given:
        return given
    from marketplace import embedded

    return urlunsplit(urlsplit(embedded.postgres_url())._replace(path=f"/{name}"))


def ensure_database(url: str, *, recreate: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(name: str) -> str:
    """Point Django at the benchmark's own database (DATABASE_URL, else ``name`` on the embedded
    server), create it if missing, set Django up and migrate. Returns the database URL."""
    import atexit
    import os

    from marketplace import embedded

    # The embedded servers this script starts (when no DATABASE_URL / REDIS_URL names others) are
    # stopped when it ends; one already running belongs to someone else and is left alone.
    given = dict(os.environ)
    for stop in embedded.start_missing(given):
        atexit.register(stop)
    os.environ.setdefault("REDIS_URL", given["REDIS_URL"])
    url = database_url(os.environ.get("DATABASE_URL"), name)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


RUNTIME_VENV = ROOT / ".venv-runtime"


def runtime_python() -> str:
    """The Python of an environment with only requirements.txt installed, as in the container
    image: what a deployed web process imports, without the test tools (DRF imports requests and
    Pygments whenever they are installed). Created under ``.venv-runtime/`` (git-ignored) and
    installed again only when requirements.txt changed."""
    import hashlib
    import subprocess
    import sys

    python = RUNTIME_VENV / "bin" / "python"
    stamp = RUNTIME_VENV / ".requirements"
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(RUNTIME_VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        print("Installing requirements.txt into .venv-runtime/ …", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"],
            cwd=ROOT,
            check=True,
        )
        stamp.write_text(wanted)
    return str(python)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def write_section(title: str, lines: list[str], path: Path = RESULTS) -> Path:
    """Replace the section headed ``title`` (a "## …" line) in the results file, or append it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else HEADER
    section = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find(title)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    return path
