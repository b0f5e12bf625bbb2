"""An API client signed in as a user (anonymous for None), for the API tests of every app."""

from rest_framework.test import APIClient


def api_for(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api
