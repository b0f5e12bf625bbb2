from django.urls import path

from . import views

app_name = "listings"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("<int:pk>/", views.listing_detail, name="detail"),
    path("<int:pk>/save/", views.listing_save, name="save"),
    path("<int:pk>/report/", views.listing_report, name="report"),
    path("saved/", views.saved, name="saved"),
    path("searches/", views.saved_search_create, name="search-create"),
    path("searches/<int:pk>/", views.saved_search_update, name="search-update"),
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/new/", views.listing_create, name="create"),
    path("manage/<int:pk>/", views.listing_manage, name="manage"),
    path("manage/<int:pk>/edit/", views.listing_edit, name="edit"),
    path("manage/<int:pk>/submit/", views.listing_submit, name="submit"),
    path("manage/<int:pk>/close/", views.listing_close, name="close"),
    path("manage/<int:pk>/duplicate/", views.listing_duplicate, name="duplicate"),
    path("manage/<int:pk>/delete/", views.listing_delete, name="delete"),
    path("moderation/", views.moderation, name="moderation"),
    path(
        "moderation/<int:pk>/<str:decision>/",
        views.moderation_decide,
        name="moderation-decide",
    ),
]
