"""URLs of the registry's file exchange (included under /people/, namespace "people")."""

from django.urls import path

from apps.people import views_import

urlpatterns: list = [
    path("import/", views_import.import_start, name="import_start"),
    path("import/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/<int:pk>/status/", views_import.import_job_status, name="import_job_status"),
    path("import/<int:pk>/invalid-rows.xlsx", views_import.import_invalid_rows, name="import_invalid_rows"),
    path("export/", views_import.export, name="export"),
]
