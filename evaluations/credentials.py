"""Open Badges 3.0: the ``OpenBadgeCredential`` (Verifiable Credentials data model), signed as a
VC-JWT (compact JWS, ``EdDSA`` over Ed25519) with a key the site holds, baked into a PNG badge.

No Django request here: the functions take the site's absolute URL and the keys as arguments, so
the signing service, the pages, the API and ``manage.py verify_credential`` share them.

- VC-JWT (OB 3.0 §8.2): the JWT payload *is* the credential, with the registered claims ``iss``
  (issuer id), ``jti`` (credential id), ``nbf`` (``validFrom``) and ``sub`` where the subject has an
  id; the JOSE header names the key (``kid``) published in the issuer's JWKS.
- Baking (OB 3.0 §5.3): a PNG ``iTXt`` chunk with the keyword ``openbadgecredential`` whose text
  is the compact JWS.
- Revocation: ``credentialStatus`` of type ``1EdTechRevocationList`` points at the site's list of
  revoked credentials.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

# cryptography (about 8 MB resident) is imported where a key is made, used or checked, not when a
# web process starts: most processes never sign or verify a credential.
if TYPE_CHECKING:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
BAKE_KEYWORD = "openbadgecredential"
STATUS_TYPE = "1EdTechRevocationList"


# --- base64url and keys ----------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _fernet(secret: str) -> Fernet:
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(b"evaluations.signing-key:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@dataclass(frozen=True)
class NewKey:
    kid: str
    private_key_encrypted: str
    public_key: str


def key_generate(*, secret: str) -> NewKey:
    """A fresh Ed25519 key: its id, the private key encrypted with a key derived from ``secret``
    (the site's SECRET_KEY), the raw public key (base64url)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return NewKey(
        kid=f"ob3-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}",
        private_key_encrypted=_fernet(secret).encrypt(raw_private).decode("ascii"),
        public_key=b64url(raw_public),
    )


def _private_key(encrypted: str, secret: str) -> Ed25519PrivateKey:
    from cryptography.fernet import InvalidToken
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        raw = _fernet(secret).decrypt(encrypted.encode("ascii"))
    except InvalidToken:
        raise ValueError("The signing key cannot be decrypted with this SECRET_KEY.") from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_jwk(*, kid: str, public_key: str) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": public_key, "kid": kid, "alg": "EdDSA", "use": "sig"}


# --- the credential ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialFacts:
    """What a certificate says, for its credential."""

    credential_id: str
    code: str
    student_name: str
    identity_hash: str  # "sha256$…" of the student's email with ``identity_salt``
    identity_salt: str
    organization_name: str
    listing_title: str
    start_date: str
    end_date: str
    hours: str
    supervisor_name: str
    goals: list[str] = field(default_factory=list)
    issued_at: datetime | None = None


def identity(email: str) -> tuple[str, str]:
    """A salted hash of the recipient's email (OB 3.0 ``IdentityObject``): a wallet can match it,
    a reader of the credential cannot recover the address."""
    salt = secrets.token_hex(8)
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest(), salt


def credential_build(facts: CredentialFacts, *, site_url: str, issuer_name: str) -> dict:
    site = site_url.rstrip("/")
    verify_url = f"{site}/verify/{facts.code}/"
    issued = (facts.issued_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    goals = "".join(f"\n- {g}" for g in facts.goals)
    return {
        "@context": CONTEXT,
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(site_url=site_url, issuer_name=issuer_name, brief=True),
        "validFrom": issued,
        "name": f"{facts.listing_title} — {facts.organization_name}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": facts.identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": facts.identity_salt,
                }
            ],
            "achievement": {
                "id": f"{verify_url}#achievement",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": f"Completed a remote placement: {facts.listing_title}",
                "description": (
                    f"{facts.student_name} completed the remote placement “{facts.listing_title}” at "
                    f"{facts.organization_name} from {facts.start_date} to {facts.end_date}, "
                    f"logging {facts.hours} hours."
                ),
                "criteria": {
                    "narrative": "Completed the placement, confirmed by the supervisor"
                    + (f" ({facts.supervisor_name})" if facts.supervisor_name else "")
                    + ", with the agreed goals:"
                    + (goals or " none recorded.")
                },
            },
            "source": {"type": ["Profile"], "name": facts.organization_name},
        },
        "credentialStatus": {"id": f"{site}/credentials/revocations/", "type": STATUS_TYPE},
        "evidence": [{"type": ["Evidence"], "id": verify_url, "name": "Certificate of completion"}],
    }


def issuer_profile(*, site_url: str, issuer_name: str, brief: bool = False) -> dict:
    site = site_url.rstrip("/")
    profile = {
        "id": f"{site}/issuer/profile.json",
        "type": ["Profile"],
        "name": issuer_name,
        "url": f"{site}/issuer/",
    }
    if not brief:
        profile["@context"] = CONTEXT
        profile["description"] = "Issues certificates of completion of remote internships and micro-internships."
        profile["publicKeys"] = f"{site}/.well-known/jwks.json"
    return profile


# --- VC-JWT --------------------------------------------------------------------------------------


def jwt_sign(credential: dict, *, kid: str, private_key_encrypted: str, secret: str) -> str:
    """The credential as a compact VC-JWT signed with the key ``kid``."""
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    valid_from = datetime.strptime(credential["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    payload = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(valid_from.timestamp()),
    }
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    )
    signature = _private_key(private_key_encrypted, secret).sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)


class CredentialInvalid(Exception):
    """The credential is not genuine: its signature, key or contents do not check."""


@dataclass
class Verification:
    credential: dict
    kid: str
    revoked: bool = False
    revocation_reason: str = ""


def jwt_verify(token: str, *, jwks: dict) -> Verification:
    """Check a compact VC-JWT against the published keys (a JWKS). Raises CredentialInvalid."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        header_b64, payload_b64, signature_b64 = token.strip().split(".")
        header = json.loads(b64url_decode(header_b64))
        payload = json.loads(b64url_decode(payload_b64))
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error, AttributeError):
        raise CredentialInvalid("This is not a well-formed VC-JWT.") from None
    if not isinstance(header, dict) or header.get("alg") != "EdDSA":
        raise CredentialInvalid("The credential is not signed with EdDSA (Ed25519).")
    key = next((k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if key is None or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise CredentialInvalid(f"The signing key {header.get('kid')!r} is not among the issuer's published keys.")
    try:
        public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"]))
        public.verify(signature, f"{header_b64}.{payload_b64}".encode("ascii"))
    except (InvalidSignature, ValueError, KeyError):
        raise CredentialInvalid(
            "The signature does not match: the credential was altered or not issued here."
        ) from None
    if not isinstance(payload, dict) or "OpenBadgeCredential" not in payload.get("type", []):
        raise CredentialInvalid("The signed document is not an OpenBadgeCredential.")
    if payload.get("jti") != payload.get("id") or payload.get("iss") != (payload.get("issuer") or {}).get("id"):
        raise CredentialInvalid("The JWT claims do not match the credential.")
    return Verification(credential=payload, kid=header["kid"])


# --- files: JSON and the baked PNG -----------------------------------------------------------------


def credential_json(token: str) -> dict:
    """The downloadable JSON: the credential with its VC-JWT as the proof (``JwtProof2020``)."""
    payload = json.loads(b64url_decode(token.split(".")[1]))
    for claim in ("iss", "jti", "nbf", "sub"):
        payload.pop(claim, None)
    return {**payload, "proof": {"type": "JwtProof2020", "jwt": token}}


def badge_png(token: str, *, title: str, subtitle: str) -> bytes:
    """A badge image with the credential baked in (``iTXt`` chunk ``openbadgecredential``)."""
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (400, 400), (13, 110, 253))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 380, 380), outline=(255, 255, 255), width=8)
    draw.text((200, 150), "COMPLETED", fill=(255, 255, 255), anchor="mm", font_size=36)
    draw.text((200, 210), title[:34], fill=(255, 255, 255), anchor="mm", font_size=18)
    draw.text((200, 245), subtitle[:40], fill=(255, 255, 255), anchor="mm", font_size=16)
    info = PngInfo()
    info.add_itxt(BAKE_KEYWORD, token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def token_from_file(data: bytes) -> tuple[str, dict | None]:
    """The VC-JWT in a credential file (a compact JWT, our JSON, or a baked PNG) and, for JSON, the
    document around it. Raises CredentialInvalid when none can be read."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image

        try:
            # verify() checks every chunk's CRC: a changed byte anywhere in the file is refused.
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                token = image.text.get(BAKE_KEYWORD)
        except Exception:  # noqa: BLE001 - any damage to the image means it cannot be trusted
            raise CredentialInvalid("The PNG is damaged: its baked credential cannot be read.") from None
        if not token:
            raise CredentialInvalid("The PNG carries no baked Open Badges credential.")
        return str(token), None
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CredentialInvalid("The file is neither a credential (JSON, JWT) nor a baked PNG.") from None
    if text.startswith("{"):
        try:
            document = json.loads(text)
            token = document["proof"]["jwt"]
        except (ValueError, KeyError, TypeError):
            raise CredentialInvalid("The JSON is not a credential with a VC-JWT proof.") from None
        return str(token), document
    return text, None


def verify_file(data: bytes, *, jwks: dict) -> Verification:
    """Verify a credential file against the published keys; a JSON document must say exactly what
    its signed VC-JWT says."""
    token, document = token_from_file(data)
    result = jwt_verify(token, jwks=jwks)
    if document is not None:
        claimed = {k: v for k, v in document.items() if k != "proof"}
        signed = {k: v for k, v in result.credential.items() if k not in ("iss", "jti", "nbf", "sub")}
        if claimed != signed:
            raise CredentialInvalid("The JSON differs from its signed VC-JWT: it was altered.")
    return result
