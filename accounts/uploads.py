"""Upload checks by content, never by name or declared type: résumé PDFs and organization logos."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_OUTPUT_SIZE = (512, 512)


def resume_check(upload) -> None:
    """Refuse anything but a readable, unencrypted PDF of at most ``settings.RESUME_MAX_BYTES``.

    The first bytes must be the PDF signature (a ``.pdf`` name on a JPEG is refused) and
    ``pypdf`` must open the file and find at least one page.
    """
    from pypdf import PdfReader

    limit = settings.RESUME_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"The résumé is too large ({filesizeformat(upload.size)}): the limit is {filesizeformat(limit)}.",
            code="too_large",
        )
    if not upload.size:
        raise ValidationError("The résumé file is empty.", code="empty")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip(b"\r\n\t ").startswith(PDF_MAGIC):
        raise ValidationError("The résumé must be a PDF document (this file is not a PDF).", code="not_pdf")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError("The résumé PDF is password-protected: upload an unprotected copy.", code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError("The résumé PDF has no pages.", code="no_pages")
    except ValidationError:
        raise
    except NotImplementedError as exc:
        # pypdf knows only the standard security handler; a certificate- or plug-in-encrypted PDF is
        # still a protected file to the student.
        raise ValidationError(
            "The résumé PDF uses a kind of encryption or protection that cannot be opened: upload an unprotected copy.",
            code="encrypted",
        ) from exc
    # A hostile or damaged file can make the parser fail in any way at all (OverflowError from a huge
    # offset, RecursionError from nested objects, …): whatever it raises is a refusal, never a 500.
    except Exception as exc:
        raise ValidationError("The résumé could not be read as a PDF.", code="unreadable") from exc
    finally:
        upload.seek(0)


def logo_check(upload) -> ContentFile:
    """Open the upload with Pillow (PNG, JPEG, GIF or WebP only), size-capped, and return it
    re-encoded as a PNG of at most 512×512: metadata and anything hidden after the image are dropped."""
    from PIL import Image

    limit = settings.LOGO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"The logo is too large ({filesizeformat(upload.size)}): the limit is {filesizeformat(limit)}.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            if probe.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.", code="bad_format")
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError("The logo is too large: at most 4000×4000 pixels.", code="too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = image.convert("RGBA")
            image.thumbnail(LOGO_OUTPUT_SIZE)
            out = BytesIO()
            image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    # Like the résumé: anything the image parser raises on a hostile file is a refusal.
    except Exception as exc:
        raise ValidationError("The logo must be an image file (PNG, JPEG, GIF or WebP).", code="not_image") from exc
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name="logo.png")
