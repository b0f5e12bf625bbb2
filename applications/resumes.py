"""The résumé upload rules: a real PDF (checked by content, not by name), size-capped."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"


def resume_validate(upload) -> None:
    """Refuse anything that is not a readable PDF of at most ``settings.RESUME_MAX_BYTES``.

    The declared content type and the file name are ignored: the first bytes must be the PDF
    signature and ``pypdf`` must be able to read at least one page.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    limit = settings.RESUME_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The résumé is too large: the limit is {filesizeformat(limit)}.", code="too_large")
    if upload.size == 0:
        raise ValidationError("The résumé file is empty.", code="empty")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError("The résumé must be a PDF file.", code="not_pdf")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError("The résumé PDF is password-protected: upload an unprotected copy.", code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError("The résumé PDF has no pages.", code="no_pages")
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError("The résumé could not be read as a PDF.", code="unreadable") from exc
    finally:
        upload.seek(0)
