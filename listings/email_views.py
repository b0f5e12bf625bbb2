"""Pages behind one-click links in emails: extending a listing about to expire, and turning off
saved-search alerts.

They work without logging in (the signed token is the credential), but only a POST acts: mail
scanners that follow links with GET only see the confirmation page.
"""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import alerts, expiry


@require_http_methods(["GET", "POST"])
def listing_extend(request, token: str):
    if request.method == "GET":
        return render(request, "listings/listing_extend.html", {"token": token})
    user = request.user if request.user.is_authenticated else None
    try:
        listing = expiry.listing_extend(token=token, user=user)
    except expiry.ExtensionRefused as refusal:
        return render(request, "listings/listing_extend.html", {"token": token, "error": str(refusal)}, status=400)
    return render(request, "listings/listing_extend.html", {"listing": listing, "extended": True})


@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe(request, token: str):
    if request.method == "GET":
        return render(request, "listings/saved_search_unsubscribe.html", {"token": token})
    try:
        count = alerts.saved_searches_unsubscribe(token=token)
    except alerts.UnsubscribeRefused as refusal:
        return render(request, "listings/saved_search_unsubscribe.html", {"error": str(refusal)}, status=400)
    return render(request, "listings/saved_search_unsubscribe.html", {"done": True, "count": count})
