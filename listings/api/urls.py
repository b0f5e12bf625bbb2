from django.urls import path

from . import views

urlpatterns = [
    path("listings/", views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailApi.as_view(), name="listing-detail"),
    path("listings/<int:pk>/submit/", views.ListingSubmitApi.as_view(), name="listing-submit"),
    path("listings/<int:pk>/close/", views.ListingCloseApi.as_view(), name="listing-close"),
    path("listings/<int:pk>/duplicate/", views.ListingDuplicateApi.as_view(), name="listing-duplicate"),
]
