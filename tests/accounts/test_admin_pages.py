"""The staff admin respects the résumé's privacy: it says whether one is on file and never links to
the file, which site staff may not open (``accounts.permissions.can_view_resume``)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import StudentProfile
from tests.accounts.conftest import fresh_ip
from tests.accounts.factories import SiteStaffFactory, StudentFactory, pdf_upload


@pytest.mark.django_db
def test_staff_see_that_a_resume_is_on_file_without_a_link_they_could_not_open():
    student = StudentFactory()
    profile = StudentProfile.objects.get(user=student)
    profile.resume.save("cv.pdf", pdf_upload(), save=True)
    staff = Client(REMOTE_ADDR=fresh_ip())
    staff.force_login(SiteStaffFactory(is_superuser=True))

    page = staff.get(reverse("admin:accounts_studentprofile_change", args=[profile.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Résumé" in html and 'alt="True"' in html
    assert reverse("accounts:resume", args=[profile.pk]) not in html
    assert staff.get(reverse("accounts:resume", args=[profile.pk])).status_code == 404
