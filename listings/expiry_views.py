"""The one-click extension link from the "about to expire" reminder.

It works without logging in (the signed token is the credential, valid for a week and once), but
only a POST acts: mail scanners that follow links with GET only see the confirmation page.
"""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import expiry


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
