from django.urls import path

from . import views

urlpatterns = [
    path("listings/", views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailApi.as_view(), name="listing-detail"),
]
