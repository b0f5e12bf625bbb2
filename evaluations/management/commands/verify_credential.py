"""``manage.py verify_credential <file>``: check an Open Badges credential file (the JSON, the
compact VC-JWT or the baked PNG) against the issuer's published keys and its revocation status.

By default the keys and the revocation list are those this site publishes (the same functions
as ``/.well-known/jwks.json`` and ``/credentials/revocations/``); ``--jwks`` reads a saved JWKS
file instead, for offline verification. Exit status 0: valid; 1: invalid or revoked.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evaluations import credentials, selectors


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential file (JSON, JWT or baked PNG)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--jwks", help="a JWKS file to verify against instead of this site's keys")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        if options["jwks"]:
            try:
                jwks = json.loads(Path(options["jwks"]).read_text())
            except (OSError, ValueError):
                raise CommandError("The JWKS file cannot be read as JSON.") from None
        else:
            jwks = selectors.jwks()
        try:
            result = credentials.verify_file(data, jwks=jwks)
        except credentials.CredentialInvalid as exc:
            raise CommandError(f"INVALID: {exc}") from None
        revoked = {
            r["id"]: r["revocationReason"]
            for r in selectors.revocation_list(site_url=settings.SITE_URL)["revokedCredentials"]
        }
        credential = result.credential
        if credential["id"] in revoked:
            raise CommandError(f"REVOKED: {credential['id']} was revoked: {revoked[credential['id']]}")
        self.stdout.write(
            self.style.SUCCESS(
                f"VALID: {credential['name']} ({credential['id']}), signed by key {result.kid}, issued {credential['validFrom']}."
            )
        )
