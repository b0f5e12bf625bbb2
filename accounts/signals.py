"""Signals the accounts app sends to the apps above it, so that it never imports them.

``account_anonymising`` is sent inside the transaction of ``services.user_delete``, with
``user_id``, before the user row is scrubbed. A receiver scrubs what it keeps about the user and
returns a list of ``(storage, name)`` files to delete once the transaction commits (the
applications app: résumé snapshots, cover letters, answers).
"""

from django.dispatch import Signal

account_anonymising = Signal()
