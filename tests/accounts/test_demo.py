"""Demo data: institutions with domains, organizations verified and not, complete student profiles
with generated PDF résumés; idempotent."""

import os

import pytest
from django.core.management import call_command

from accounts import selectors
from accounts.models import InstitutionDomain, InstitutionLinkRequest, Organization, StudentProfile
from accounts.uploads import resume_check


def test_demo_students_have_complete_profiles_with_real_pdf_resumes(demo_data):
    profiles = (
        StudentProfile.objects.select_related("user")
        .prefetch_related("skills")
        .filter(user__email__endswith="@demo.example")
    )
    assert profiles.count() == 8
    for profile in profiles:
        assert selectors.profile_completeness(profile).percent == 100, profile.user.email
        with profile.resume.open("rb") as fh:
            resume_check(fh.file if hasattr(fh, "file") else fh)
    assert InstitutionDomain.objects.filter(domain="lakeside.edu").exists()
    assert set(Organization.objects.values_list("verification", flat=True)) >= {"verified", "unverified"}
    assert InstitutionLinkRequest.objects.filter(status="pending").count() == 1


@pytest.mark.django_db
def test_seed_demo_is_idempotent(demo_data):
    counts = (StudentProfile.objects.count(), InstitutionLinkRequest.objects.count(), Organization.objects.count())
    resumes = set(StudentProfile.objects.values_list("resume", flat=True))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert (
        StudentProfile.objects.count(),
        InstitutionLinkRequest.objects.count(),
        Organization.objects.count(),
    ) == counts
    assert set(StudentProfile.objects.values_list("resume", flat=True)) == resumes
