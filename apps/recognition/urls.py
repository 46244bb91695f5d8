"""Pages of learning-model titles, mounted at ``/recognition/``."""

from django.urls import path

from apps.recognition import views, views_campaigns, views_registrations, views_reports

app_name = "recognition"
urlpatterns = [
    path("", views.index, name="index"),
    path("sets/", views.set_list, name="sets"),
    path("sets/import/", views.set_import, name="set_import"),
    path("sets/<int:pk>/", views.set_detail, name="set"),
    path("sets/<int:pk>/edit/", views.set_edit, name="set_edit"),
    path("sets/<int:pk>/export.<str:fmt>", views.set_export, name="set_export"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/subjects/", views_campaigns.subject_search, name="subject_search"),
    path("campaigns/<int:pk>/register/", views_campaigns.register, name="register"),
    path("campaigns/<int:pk>/register-village/", views_campaigns.register_village, name="register_village"),
    path("campaigns/<int:pk>/autoscore/", views_campaigns.autoscore, name="autoscore"),
    path("campaigns/<int:pk>/decision/", views_campaigns.decide, name="decide"),
    path("campaigns/<int:pk>/reopen/", views_campaigns.reopen, name="reopen"),
    path("campaigns/<int:pk>/recognised/", views_campaigns.public_list, name="public_list"),
    path("registrations/<int:pk>/", views_registrations.registration_detail, name="registration"),
    path("registrations/<int:pk>/approve/", views_registrations.approve, name="approve"),
    path("registrations/<int:pk>/certificate.pdf", views_registrations.certificate, name="certificate"),
    path("evidence/<int:pk>/", views_registrations.evidence, name="evidence"),
    path("report/", views_reports.report, name="report"),
    path("report/export.<str:fmt>", views_reports.report_export, name="report_export"),
]
