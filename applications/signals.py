"""Signals the applications app sends to the apps above it, so that it never imports them.

``applications_left_status`` is sent inside the transaction that moved applications out of a
status (``services._move`` one at a time, ``applications_close_for_listings`` as a set), after
their rows were locked and changed, with ``application_ids``, ``from_status`` and ``to_status``.
A receiver runs in that transaction (Oscar's ``order_status_changed``): the interviews app
expires the slots still offered to an application that leaves ``interview`` and cancels its
interviews when the application ends.
"""

from django.dispatch import Signal

applications_left_status = Signal()
