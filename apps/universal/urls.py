"""Pages of universal education and literacy (PCGD–XMC), mounted at ``/pcgd/``."""

from django.urls import path

from apps.universal import views, views_attestation, views_reports

app_name = "universal"
urlpatterns = [
    path("", views.index, name="index"),
    path("communes/<int:pk>/<int:year>/", views.commune, name="commune"),
    path("communes/<int:pk>/compare/", views.compare, name="compare"),
    path("communes/<int:pk>/<int:year>/members/<str:indicator>/<str:part>/", views.members, name="members"),
    path("communes/<int:pk>/<int:year>/conditions/", views_attestation.checklist, name="checklist"),
    path("attestations/<int:pk>/evidence/", views_attestation.evidence, name="evidence"),
    path("reports/<int:pk>/<int:year>.<str:fmt>", views_reports.report, name="report"),
]
