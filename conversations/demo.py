"""Demo conversations for `seed_demo` (after the applications demo): the demo student talks with
Northwind Labs on two applications, the placement ("Automate our invoice export with Python") and
the interview ("Backend developer intern (Python/Django)"). Built through the message service.

Idempotent: an application that already has messages is left alone. The last message of each
thread is Northwind's, left unread, so the student's "Messages" badge shows something; the
digest clock is not started for this seeded history (no email goes out for it).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership, User
from applications.models import Application

from . import services
from .models import Message, Participant

# (listing title, [(who, days ago, text)]); "student" or "employer" writes.
THREADS = [
    (
        "Automate our invoice export with Python",
        [
            (
                "employer",
                6,
                "Welcome aboard, Amara! Our invoices live in a small PostgreSQL database; the export script is in https://northwind.example/repo/invoices.",
            ),
            (
                "student",
                6,
                "Thank you, Lena! I cloned the repository. Should the export keep the current CSV columns, or can I propose a cleaner layout?",
            ),
            (
                "employer",
                5,
                "Keep the columns for now: our accountant imports them as they are. A short note on what you would change is welcome.",
            ),
            (
                "student",
                2,
                "The first version runs in 40 seconds for a year of invoices. I wrote the notes in the README, section **Next steps**.",
            ),
            ("employer", 1, "Great work. Could you add a dry-run option before Friday's check-in?"),
        ],
    ),
    (
        "Backend developer intern (Python/Django)",
        [
            ("student", 8, "Hello! Is the interview a technical exercise, or a conversation about my projects?"),
            (
                "employer",
                7,
                "A conversation first (30 minutes), then a small pairing exercise in Django. No preparation needed.",
            ),
        ],
    ),
]


def seed(stdout) -> None:
    student = User.objects.filter(email="student@demo.example").first()
    if student is None:
        return
    applications = {
        a.listing.title: a
        for a in Application.objects.filter(student=student, listing__title__in=[t for t, _ in THREADS]).select_related(
            "listing__organization"
        )
    }
    created = 0
    for title, lines in THREADS:
        application = applications.get(title)
        if application is None or Message.objects.filter(application=application).exists():
            continue
        employer = (
            Membership.objects.filter(organization_id=application.listing.organization_id)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if employer is None:
            continue
        now = timezone.now()
        for position, (who, days_ago, text) in enumerate(lines):
            author = student if who == "student" else employer.user
            message = services.message_post(application=application, user=author, body=text)
            sent = now - timedelta(days=days_ago) + timedelta(minutes=25 * position)
            Message.objects.filter(pk=message.pk).update(created_at=sent)
            # Each side has read what came before its own message.
            services.conversation_mark_read(application=application, user=author, up_to=message.pk)
            created += 1
        # Seeded history: no digest email for it.
        Participant.objects.filter(application=application).update(pending_since=None)
    stdout.write(f"  conversations: {created} demo messages created")
