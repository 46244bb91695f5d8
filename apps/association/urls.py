"""Pages of the association app."""

from django.urls import path

from apps.association import views

app_name = "association"
urlpatterns = [
    path("", views.index, name="index"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("communes/<int:pk>/", views.commune, name="commune"),
    path("communes/<int:pk>/branches/new/", views.branch_create, name="branch_create"),
    path("branches/<int:pk>/", views.branch_detail, name="branch"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/dissolve/", views.branch_dissolve, name="branch_dissolve"),
    path("branches/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("branches/<int:pk>/members/import/", views.members_import, name="members_import"),
    path("branches/<int:pk>/members/copy/", views.members_copy, name="members_copy"),
    path("branches/<int:pk>/members/search/", views.person_search, name="person_search"),
    path("branches/<int:pk>/reported-count/", views.reported_count, name="reported_count"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/consent/", views.member_consent, name="member_consent"),
]
