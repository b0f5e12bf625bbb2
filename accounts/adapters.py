import uuid

from allauth.account.adapter import DefaultAccountAdapter


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
