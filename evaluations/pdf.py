"""The certificate of completion as a PDF (reportlab), drawn from what the certificate row says."""

from __future__ import annotations

import io

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from .models import Certificate


def _logo(certificate: Certificate):
    organization = certificate.placement.organization
    if not organization.logo:
        return None
    try:
        with organization.logo.open("rb") as f:
            return ImageReader(io.BytesIO(f.read()))
    except (OSError, ValueError):
        return None  # a missing logo file does not stop the certificate


def certificate_pdf(certificate: Certificate) -> bytes:
    out = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(out, pagesize=(width, height))
    c.setTitle(f"Certificate of completion {certificate.code}")
    c.setAuthor(settings.SITE_NAME)
    c.setSubject(f"{certificate.student_name}: {certificate.listing_title}")
    c.setStrokeColor(colors.HexColor("#0d6efd"))
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    logo = _logo(certificate)
    if logo is not None:
        c.drawImage(logo, width - 52 * mm, height - 52 * mm, 30 * mm, 30 * mm, preserveAspectRatio=True, mask="auto")
    y = height - 40 * mm
    c.setFont("Helvetica-Bold", 28)
    c.drawCentredString(width / 2, y, "Certificate of completion")
    y -= 16 * mm
    c.setFont("Helvetica", 13)
    c.drawCentredString(width / 2, y, "This certifies that")
    y -= 12 * mm
    c.setFont("Helvetica-Bold", 22)
    c.drawCentredString(width / 2, y, certificate.student_name)
    y -= 11 * mm
    c.setFont("Helvetica", 13)
    c.drawCentredString(width / 2, y, f"completed the remote placement “{certificate.listing_title}”")
    y -= 7 * mm
    c.drawCentredString(width / 2, y, f"at {certificate.organization_name}")
    y -= 7 * mm
    c.drawCentredString(
        width / 2,
        y,
        f"from {certificate.start_date:%-d %B %Y} to {certificate.end_date:%-d %B %Y}, "
        f"with {certificate.hours:f} hours logged.",
    )
    if certificate.goals:
        y -= 12 * mm
        c.setFont("Helvetica-Bold", 12)
        c.drawString(30 * mm, y, "Goals and deliverables confirmed by the supervisor")
        c.setFont("Helvetica", 11)
        for goal in certificate.goals[:6]:
            for line in simpleSplit(f"• {goal['text']}", "Helvetica", 11, width - 60 * mm)[:2]:
                y -= 5.5 * mm
                c.drawString(32 * mm, y, line)
    c.setFont("Helvetica", 11)
    if certificate.supervisor_name:
        c.drawString(30 * mm, 30 * mm, f"Supervisor: {certificate.supervisor_name}, {certificate.organization_name}")
    c.drawString(30 * mm, 24 * mm, f"Issued {certificate.issued_at:%-d %B %Y} by {settings.SITE_NAME}")
    verify = f"{settings.SITE_URL.rstrip('/')}/verify/{certificate.code}/"
    c.drawRightString(width - 30 * mm, 30 * mm, f"Certificate code: {certificate.code}")
    c.drawRightString(width - 30 * mm, 24 * mm, f"Verify at {verify}")
    c.linkURL(verify, (width - 140 * mm, 22 * mm, width - 30 * mm, 28 * mm))
    c.showPage()
    c.save()
    return out.getvalue()
