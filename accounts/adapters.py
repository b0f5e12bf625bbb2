import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account emails (verification, password reset) go through the notifications outbox,
        so they are delivered by the Celery worker with the same retries and at-most-once rule."""
        from notifications.services import email_enqueue

        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        user = context.get("user")
        email_enqueue(
            to_email=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            recipient=user if getattr(user, "pk", None) else None,
        )

    def confirm_email(self, request, email_address):
        """A verified address may link a student to the institution owning its domain."""
        from .services import student_link_by_email

        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            student_link_by_email(user=email_address.user, email=email_address.email)
        return confirmed

    def get_login_redirect_url(self, request):
        """After signing in (or verifying the address at sign-up), go to the user's next step."""
        return reverse("accounts:next_step")

    def get_signup_redirect_url(self, request):
        return reverse("accounts:next_step")
