"""``manage.py rotate_signing_key``: a new active Ed25519 key for new credentials. The previous key
is retired but stays in ``/.well-known/jwks.json``, so every credential it signed still verifies."""

from django.core.management.base import BaseCommand

from evaluations import services


class Command(BaseCommand):
    help = "Make a new active credential signing key (old keys stay published)."

    def handle(self, *args, **options):
        key = services.signing_key_rotate()
        self.stdout.write(self.style.SUCCESS(f"New active signing key {key.kid}."))
