from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("tokens/", views.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeApi.as_view(), name="token-revoke"),
]
