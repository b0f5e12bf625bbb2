"""Signals the listings app sends to the apps above it, so that it never imports them.

``listings_ended`` is sent inside the transaction that closed or expired listings (by
``listings.services.listing_transition``, whoever asked for the move), after their rows were
locked and changed, with ``listing_ids``, ``to_status``, ``reason`` and ``actor``. A receiver
runs in that transaction: what it writes commits or rolls back with the listings (Oscar's
``order_status_changed``). The applications app closes the listings' open applications here.
"""

from django.dispatch import Signal

listings_ended = Signal()
