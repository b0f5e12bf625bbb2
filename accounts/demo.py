"""Demo accounts for `seed_demo`. Idempotent: running it again changes nothing.

Other apps' demo data relies on these slugs and emails: institutions `lakeside` and `sol`,
organizations `northwind-labs` (the demo employer's, verified), `brightpath-media` (verified),
`open-harbor` (verified), `quickgig` (unverified); students `student@demo.example` (Lakeside)
and `student2@demo.example` … `student8@demo.example`.
"""

from io import BytesIO

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    CareerServicesMembership,
    Institution,
    InstitutionDomain,
    InstitutionLinkRequest,
    Membership,
    Organization,
    Role,
    Skill,
    StudentProfile,
    User,
)

DEMO_PASSWORD = "internships-demo"  # noqa: S105 (demo data only; never loaded in production)

DEMO_USERS = [
    ("student@demo.example", "Amara Okafor", Role.STUDENT),
    ("employer@demo.example", "Lena Fischer", Role.EMPLOYER),
    ("careers@demo.example", "Diego Ramírez", Role.CAREER_SERVICES),
    ("admin@demo.example", "Site Admin", Role.STAFF),
]

INSTITUTIONS = [
    ("lakeside", "Lakeside University", "US", ["lakeside.edu"]),
    ("sol", "Universidad del Sol", "MX", ["udelsol.edu.mx"]),
]

ORGANIZATIONS = [
    (
        "northwind-labs",
        "Northwind Labs",
        "DE",
        "https://northwind.example",
        Organization.Verification.VERIFIED,
        "A Berlin software studio building tools for small non-profits.",
        Organization.Size.SMALL,
    ),
    (
        "brightpath-media",
        "Brightpath Media",
        "GB",
        "https://brightpath.example",
        Organization.Verification.VERIFIED,
        "A London digital media agency: video, social media and PR campaigns.",
        Organization.Size.MEDIUM,
    ),
    (
        "open-harbor",
        "Open Harbor Foundation",
        "CA",
        "https://openharbor.example",
        Organization.Verification.VERIFIED,
        "A Canadian non-profit for digital inclusion and civic research.",
        Organization.Size.MICRO,
    ),
    (
        "quickgig",
        "QuickGig Ventures",
        "US",
        "https://quickgig.example",
        Organization.Verification.UNVERIFIED,
        "A new start-up posting short marketing projects.",
        Organization.Size.MICRO,
    ),
]

# (email, name, institution slug or None, program, graduation year, country, time zone, hours, skills)
STUDENTS = [
    (
        "student@demo.example",
        "Amara Okafor",
        "lakeside",
        "BSc Computer Science",
        2027,
        "NG",
        "Africa/Lagos",
        20,
        ["Python", "Django", "SQL", "Data analysis"],
    ),
    (
        "student2@demo.example",
        "Wei Chen",
        "lakeside",
        "BA Journalism",
        2026,
        "CN",
        "Asia/Shanghai",
        15,
        ["Writing", "Research", "Social media"],
    ),
    (
        "student3@demo.example",
        "Sofía Hernández",
        "sol",
        "Licenciatura en Diseño Gráfico",
        2027,
        "MX",
        "America/Mexico_City",
        25,
        ["Figma", "Graphic design", "Illustration"],
    ),
    (
        "student4@demo.example",
        "Jonas Berg",
        "lakeside",
        "BBA Marketing",
        2025,
        "SE",
        "Europe/Stockholm",
        30,
        ["SEO", "Google Analytics", "Copywriting"],
    ),
    (
        "student5@demo.example",
        "Priya Nair",
        None,
        "MSc Public Policy",
        2026,
        "IN",
        "Asia/Kolkata",
        20,
        ["Research", "Policy analysis", "Excel"],
    ),
    (
        "student6@demo.example",
        "Lucas Silva",
        "sol",
        "Ingeniería de Software",
        2028,
        "BR",
        "America/Sao_Paulo",
        20,
        ["JavaScript", "React", "Python"],
    ),
    (
        "student7@demo.example",
        "Fatima Zahra",
        "lakeside",
        "BA Communications",
        2026,
        "MA",
        "Africa/Casablanca",
        15,
        ["Public relations", "Event planning", "Writing"],
    ),
    (
        "student8@demo.example",
        "Tom O'Brien",
        "lakeside",
        "BSc Economics",
        2027,
        "IE",
        "Europe/Dublin",
        10,
        ["Excel", "Data analysis", "SQL"],
    ),
]


def demo_user(email: str, name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name, role=role)
    if role == Role.STAFF and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def skill(name: str) -> Skill:
    return Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def resume_pdf(name: str, program: str, skills: list[str]) -> bytes:
    """A one-page résumé generated with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Résumé of {name}")
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(72, 770, name)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 745, program)
    pdf.drawString(72, 715, "Skills: " + ", ".join(skills))
    pdf.drawString(72, 690, "Looking for a remote internship or micro-internship.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def seed(stdout) -> None:
    users = {email: demo_user(email, name, role) for email, name, role in DEMO_USERS}

    institutions = {}
    for slug, name, country, domains in INSTITUTIONS:
        institutions[slug] = Institution.objects.get_or_create(slug=slug, defaults={"name": name, "country": country})[
            0
        ]
        for domain in domains:
            InstitutionDomain.objects.get_or_create(domain=domain, defaults={"institution": institutions[slug]})
    CareerServicesMembership.objects.get_or_create(
        user=users["careers@demo.example"], defaults={"institution": institutions["lakeside"]}
    )

    for slug, name, country, website, verification, description, size in ORGANIZATIONS:
        Organization.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "website": website,
                "verification": verification,
                "description": description,
                "size": size,
            },
        )
    northwind = Organization.objects.get(slug="northwind-labs")
    Membership.objects.get_or_create(
        user=users["employer@demo.example"], defaults={"organization": northwind, "role": Membership.Role.OWNER}
    )
    for slug in ["brightpath-media", "open-harbor", "quickgig"]:
        owner = demo_user(f"owner@{slug}.example", f"{Organization.objects.get(slug=slug).name} owner", Role.EMPLOYER)
        Membership.objects.get_or_create(
            user=owner,
            defaults={"organization_id": Organization.objects.get(slug=slug).pk, "role": Membership.Role.OWNER},
        )

    for email, name, inst, program, year, country, tz, hours, skills in STUDENTS:
        user = demo_user(email, name, Role.STUDENT)
        profile, created = StudentProfile.objects.get_or_create(
            user=user,
            defaults={
                "institution": institutions.get(inst) if inst else None,
                "institution_link": StudentProfile.LinkStatus.APPROVED if inst else StudentProfile.LinkStatus.NONE,
                "program": program,
                "graduation_year": year,
                "country": country,
                "time_zone": tz,
                "weekly_availability_hours": hours,
                "bio": f"{name.split()[0]} studies {program} and is looking for remote experience.",
                "visibility": StudentProfile.Visibility.SEARCHABLE,
            },
        )
        if created:
            profile.skills.set([skill(s) for s in skills])
        if not profile.links:
            profile.links = [f"https://portfolio.example/{slugify(name)}"]
            profile.save(update_fields=["links"])
        if not profile.resume:
            profile.resume.save("resume.pdf", ContentFile(resume_pdf(name, program, skills)), save=False)
            profile.resume_uploaded_at = timezone.now()
            profile.save(update_fields=["resume", "resume_uploaded_at"])

    # An independent student has asked to join Lakeside: the demo career-services login can decide.
    priya = User.objects.get(email="student5@demo.example")
    if not InstitutionLinkRequest.objects.filter(student=priya).exists():
        InstitutionLinkRequest.objects.create(
            student=priya,
            institution=institutions["lakeside"],
            student_number="LU-2026-0415",
            message="I study in the Lakeside MSc by distance learning and signed up with a personal address.",
        )
        StudentProfile.objects.filter(user=priya).update(institution_link=StudentProfile.LinkStatus.REQUESTED)
    stdout.write(
        f"  accounts: {len(DEMO_USERS)} demo logins, {len(STUDENTS)} students, {len(ORGANIZATIONS)} organizations"
    )
