"""Demo applications for `seed_demo` (runs after the listings demo): every status across the demo
listings and a few placements, all made through the application services.

Idempotent: a (student, listing) pair that already has an application is left alone. The demo
student has not applied to "Accessibility audit of a web app" (Northwind Labs), so the journey
"apply → shortlist → offer → accept" can be tried (and is, by the browser test).
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User
from listings.models import Listing

from . import services
from .models import Application, ApplicationStatus, ApplicationStatusChange

S = ApplicationStatus

PATHS = {
    S.SUBMITTED: [],
    S.IN_REVIEW: [S.IN_REVIEW],
    S.SHORTLISTED: [S.IN_REVIEW, S.SHORTLISTED],
    S.INTERVIEW: [S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW],
    S.OFFERED: [S.IN_REVIEW, S.SHORTLISTED, S.INTERVIEW, S.OFFERED],
    S.ACCEPTED: [S.IN_REVIEW, S.INTERVIEW, S.OFFERED, S.ACCEPTED],
    S.DECLINED: [S.IN_REVIEW, S.OFFERED, S.DECLINED],
    S.REJECTED: [S.IN_REVIEW, S.REJECTED],
    S.WITHDRAWN: [S.WITHDRAWN],
}

# (student email, listing title, target status, days since applying). Order matters: on "User
# interviews…" (one opening) the acceptance fills the listing and closes the others' applications.
PLAN = [
    ("student@demo.example", "Backend developer intern (Python/Django)", S.INTERVIEW, 9),
    ("student@demo.example", "Data engineering intern: pipelines for non-profits", S.OFFERED, 12),
    ("student@demo.example", "Social media intern for youth campaigns", S.IN_REVIEW, 4),
    ("student@demo.example", "Digital inclusion programme intern", S.REJECTED, 15),
    ("student@demo.example", "Survey data analyst intern", S.SUBMITTED, 2),
    ("student@demo.example", "Literature review on rural broadband access", S.WITHDRAWN, 6),
    ("student@demo.example", "Automate our invoice export with Python", S.ACCEPTED, 20),
    ("student3@demo.example", "User interviews for a volunteer-scheduling tool", S.SUBMITTED, 10),
    ("student5@demo.example", "User interviews for a volunteer-scheduling tool", S.SUBMITTED, 9),
    ("student2@demo.example", "User interviews for a volunteer-scheduling tool", S.ACCEPTED, 11),
    ("student6@demo.example", "Backend developer intern (Python/Django)", S.SHORTLISTED, 7),
    ("student8@demo.example", "Backend developer intern (Python/Django)", S.SUBMITTED, 1),
    ("student8@demo.example", "Data engineering intern: pipelines for non-profits", S.DECLINED, 14),
    ("student2@demo.example", "Junior reporter: remote newsroom internship", S.INTERVIEW, 8),
    ("student7@demo.example", "Junior reporter: remote newsroom internship", S.OFFERED, 9),
    ("student8@demo.example", "PR and press relations intern", S.IN_REVIEW, 3),
    ("student5@demo.example", "Policy research intern: digital rights", S.SHORTLISTED, 5),
    ("student3@demo.example", "Design social media templates", S.ACCEPTED, 16),
    ("student5@demo.example", "Grant application research sprint", S.REJECTED, 6),
    ("student4@demo.example", "Grant application research sprint", S.WITHDRAWN, 4),
    ("student4@demo.example", "SEO audit for a charity website", S.INTERVIEW, 5),
]

COVER_LETTER = (
    "Hello,\n\nI am {name}, and {title_lower} is exactly the kind of remote project I am looking for. "
    "I can work {hours} hours a week and I am comfortable with video calls and written updates.\n\n"
    "Best regards,\n{name}"
)


def resume_pdf(name: str) -> SimpleUploadedFile:
    """A one-page demo résumé."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Résumé of {name}")
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(72, 770, name)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 745, "Demo résumé: education, projects and skills.")
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile("resume.pdf", buffer.getvalue(), content_type="application/pdf")


def _member(organization_id: int) -> User | None:
    membership = Membership.objects.filter(organization_id=organization_id).select_related("user").order_by("pk")
    first = membership.first()
    return first.user if first else None


def _apply(student: User, listing: Listing, days_ago: int) -> Application | None:
    profile = getattr(student, "student_profile", None)
    try:
        application = services.application_submit(
            student=student,
            listing=listing,
            cover_letter=COVER_LETTER.format(
                name=student.get_full_name(),
                title_lower=listing.title[0].lower() + listing.title[1:],
                hours=(profile.weekly_availability_hours if profile else None) or 15,
            ),
            answers={
                q.pk: "I have done similar work in a university project and would love to do it for real."
                for q in listing.questions.all()
            },
            resume_upload=resume_pdf(student.get_full_name()),
        )
    except services.ApplicationRefused:
        return None
    # Demo realism: the application was sent some days ago (so the response-time figure means something).
    earlier = timedelta(days=days_ago)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=F("submitted_at") - earlier, status_changed_at=F("status_changed_at") - earlier
    )
    ApplicationStatusChange.objects.filter(application=application).update(created_at=F("created_at") - earlier)
    return application


def seed(stdout) -> None:
    titles = {title for _, title, _, _ in PLAN}
    listings = {
        listing.title: listing
        for listing in Listing.objects.filter(title__in=titles).select_related("organization").order_by("pk")
    }
    students = {u.email: u for u in User.objects.filter(email__in={e for e, *_ in PLAN}).select_related()}
    existing = set(
        Application.objects.filter(student__in=students.values()).values_list("student__email", "listing_id")
    )
    created = 0
    for email, title, target, days_ago in PLAN:
        student, listing = students.get(email), listings.get(title)
        if student is None or listing is None or (email, listing.pk) in existing:
            continue
        listing.refresh_from_db(fields=["status"])
        application = _apply(student, listing, days_ago)
        if application is None:
            continue
        created += 1
        employer = _member(listing.organization_id)
        for step in PATHS[target]:
            if step in (S.ACCEPTED, S.DECLINED, S.WITHDRAWN):
                services.application_transition(application=application, to_status=step, user=student)
            elif step == S.OFFERED:
                services.application_transition(
                    application=application,
                    to_status=step,
                    user=employer,
                    message="We enjoyed our conversation and would like you to join us.",
                    offer_start_date=timezone.localdate() + timedelta(days=14),
                )
            else:
                services.application_transition(
                    application=application,
                    to_status=step,
                    user=employer,
                    message="Thank you for your application." if step == S.IN_REVIEW else "",
                )
    statuses = sorted(set(Application.objects.values_list("status", flat=True)))
    stdout.write(f"  applications: {created} demo applications created; statuses present: {', '.join(statuses)}")
