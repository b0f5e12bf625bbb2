"""Demo notifications: each demo login starts with a welcome in its notification list."""

from accounts.demo import DEMO_USERS
from accounts.models import User

from .services import notify

WELCOME = {
    "student": "Complete your profile, then browse remote internships and micro-internships.",
    "employer": "Post your first internship or micro-internship from your dashboard.",
    "career_services": "Follow your students' applications and placements from your dashboard.",
    "staff": "Moderation queues and operations are in the staff pages and the admin.",
}


def seed(stdout) -> None:
    for user in User.objects.filter(email__in=[email for email, _, _ in DEMO_USERS]):
        notify(
            event="system.message",
            recipients=[user],
            key=f"welcome:{user.pk}",
            context={"title": "Welcome to Intern Anywhere", "message": WELCOME[user.role]},
            summary=WELCOME[user.role],
            url="/",
        )
    stdout.write("  notifications: welcome notifications")
