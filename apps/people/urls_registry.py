"""URLs of the registry pages: persons, households, clans, the roll-over (no person or household
is ever deleted; an emptied clan is removed by merging it into another)."""

from django.urls import path

from apps.people import views_clans, views_households, views_persons, views_rollover

urlpatterns = [
    path("persons/", views_persons.person_list, name="person_list"),
    path("persons/<int:pk>/", views_persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views_persons.person_edit, name="person_edit"),
    path("persons/<int:pk>/survey/<int:year>/", views_persons.person_survey_edit, name="person_survey_edit"),
    path("persons/<int:pk>/status/", views_persons.person_status, name="person_status"),
    path("persons/<int:pk>/access-report/", views_persons.person_access_report, name="person_access_report"),
    path("households/", views_households.household_list, name="household_list"),
    path("households/new/", views_households.household_create, name="household_create"),
    path("households/<int:pk>/", views_households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views_households.household_edit, name="household_edit"),
    path("households/<int:household>/persons/new/", views_persons.person_create, name="person_create"),
    path("clans/", views_clans.clan_list, name="clan_list"),
    path("clans/new/", views_clans.clan_create, name="clan_create"),
    path("clans/<int:pk>/", views_clans.clan_detail, name="clan_detail"),
    path("clans/<int:pk>/edit/", views_clans.clan_edit, name="clan_edit"),
    path("clans/<int:pk>/merge/", views_clans.clan_merge, name="clan_merge"),
    path("rollover/", views_rollover.rollover_view, name="rollover"),
]
