from django.urls import path

from apps.places import views

app_name = "places"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/villages/new/", views.village_create, name="village_create"),
    path("<int:pk>/villages/import/", views.village_import_view, name="village_import"),
    path("<int:pk>/flags/", views.commune_flags, name="flags"),
    path("village/<int:pk>/edit/", views.village_edit, name="village_edit"),
]
