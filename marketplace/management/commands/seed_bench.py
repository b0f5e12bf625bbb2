from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BENCH_APPS = ["listings", "applications", "reports"]
# The size options passed on to each app's bench.seed (not Django's own, such as stdout).
SIZES = ["listings", "applicants", "stale", "stale_applications", "placements"]


class Command(BaseCommand):
    help = "Create large synthetic data for benchmarks (bulk inserts). Sizes are options."

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=0, help="Published listings to create")
        parser.add_argument(
            "--applicants", type=int, default=0, help="Applications on one listing (pipeline benchmark)"
        )
        parser.add_argument("--stale", type=int, default=0, help="Stale micro-internships to create (expiry benchmark)")
        parser.add_argument(
            "--stale-applications", type=int, default=0, help="Open applications spread over the stale listings"
        )
        parser.add_argument(
            "--placements", type=int, default=0, help="Placements for the demo institution (export benchmark)"
        )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_bench refuses to run with production settings.")
        sizes = {name: options[name] for name in SIZES}
        ran = False
        for app in BENCH_APPS:
            try:
                bench = import_module(f"{app}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.bench":
                    raise
                continue
            ran = bench.seed(self.stdout, **sizes) or ran
        if not ran:
            raise CommandError("Nothing to create: give a size, e.g. --listings 100000.")
