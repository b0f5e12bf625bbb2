"""An email backend for fault tests: announces a send, then blocks before writing the message,
so a test can kill the worker in the middle of a delivery."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowEmailBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(os.environ["SLOW_EMAIL_MARKER"])
        marker.write_text("sending")
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "60")))
        return super().send_messages(email_messages)
