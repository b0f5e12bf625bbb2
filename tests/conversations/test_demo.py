import os

import pytest
from django.core.management import call_command

from accounts.models import User
from conversations.models import Message
from conversations.selectors import inbox
from notifications.context_processors import nav_counts


@pytest.mark.django_db
def test_demo_student_talks_with_northwind_and_the_seed_is_idempotent(demo_data):
    student = User.objects.get(email="student@demo.example")
    threads = {a.listing.title: a for a in inbox(user=student)}
    assert set(threads) == {"Automate our invoice export with Python", "Backend developer intern (Python/Django)"}
    assert all(a.listing.organization.name == "Northwind Labs" for a in threads.values())
    placement_thread = Message.objects.filter(application=threads["Automate our invoice export with Python"])
    assert {m.side for m in placement_thread} == {"student", "organization"}
    # Northwind's last word on each thread waits for the student: the badge shows 2.
    assert nav_counts(student)["unread_messages"] == 2
    employer = User.objects.get(email="employer@demo.example")
    assert nav_counts(employer)["unread_messages"] == 0
    count = Message.objects.count()
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    assert Message.objects.count() == count
