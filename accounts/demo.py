"""Demo accounts for `seed_demo`. Idempotent: running it again changes nothing."""

from allauth.account.models import EmailAddress

from .models import Role, User

DEMO_PASSWORD = "internships-demo"  # noqa: S105 (demo data only; never loaded in production)

DEMO_USERS = [
    ("student@demo.example", "Amara Okafor", Role.STUDENT),
    ("employer@demo.example", "Lena Fischer", Role.EMPLOYER),
    ("careers@demo.example", "Diego Ramírez", Role.CAREER_SERVICES),
    ("admin@demo.example", "Site Admin", Role.STAFF),
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


def seed(stdout) -> None:
    for email, name, role in DEMO_USERS:
        demo_user(email, name, role)
    stdout.write(f"  accounts: {len(DEMO_USERS)} demo logins")
