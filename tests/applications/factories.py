"""Application factories: one per status, each built through the real services."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import ApplicationStatus
from tests.listings.factories import PublishedListingFactory, StudentFactory, member_of

S = ApplicationStatus


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "cv.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type="application/pdf")


class SubmittedApplicationFactory:
    """``SubmittedApplicationFactory(listing=..., student=...)``: a student applies through the service."""

    path: tuple[str, ...] = ()

    def __new__(cls, *, listing=None, student=None, cover_letter="I would love to help.", **listing_fields):
        listing = listing or PublishedListingFactory(requires_resume=False, **listing_fields)
        student = student or StudentFactory(profile={"country": "DE", "time_zone": "Europe/Berlin"})
        application = services.application_submit(
            student=student,
            listing=listing,
            cover_letter=cover_letter,
            answers={q.pk: "An answer" for q in listing.questions.all()},
            resume_upload=pdf_upload(),
        )
        employer = member_of(listing)
        for status in cls.path:
            if status in (S.ACCEPTED, S.DECLINED, S.WITHDRAWN):
                services.application_transition(application=application, to_status=status, user=student)
            elif status == S.CLOSED:
                services.applications_close_for_listings(listing_ids=[listing.pk], reason="test")
            else:
                services.application_transition(application=application, to_status=status, user=employer)
        application.refresh_from_db()
        return application


class InReviewApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW,)


class ShortlistedApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW, S.SHORTLISTED)


class InterviewApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW)


class OfferedApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.OFFERED)


class AcceptedApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW, S.OFFERED, S.ACCEPTED)


class DeclinedApplicationFactory(SubmittedApplicationFactory):
    path = (S.OFFERED, S.DECLINED)


class RejectedApplicationFactory(SubmittedApplicationFactory):
    path = (S.IN_REVIEW, S.REJECTED)


class WithdrawnApplicationFactory(SubmittedApplicationFactory):
    path = (S.WITHDRAWN,)


class ClosedApplicationFactory(SubmittedApplicationFactory):
    path = (S.CLOSED,)


BY_STATUS = {
    S.SUBMITTED: SubmittedApplicationFactory,
    S.IN_REVIEW: InReviewApplicationFactory,
    S.SHORTLISTED: ShortlistedApplicationFactory,
    S.INTERVIEW: InterviewApplicationFactory,
    S.OFFERED: OfferedApplicationFactory,
    S.ACCEPTED: AcceptedApplicationFactory,
    S.DECLINED: DeclinedApplicationFactory,
    S.REJECTED: RejectedApplicationFactory,
    S.WITHDRAWN: WithdrawnApplicationFactory,
    S.CLOSED: ClosedApplicationFactory,
}
