from django.urls import path

from apps.core import views, views_reports

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views_reports.report_jobs_list, name="report_jobs"),
    path("reports/<int:pk>/", views_reports.report_job, name="report_job"),
    path("reports/<int:pk>/status/", views_reports.report_job_status, name="report_job_status"),
    path("reports/<int:pk>/download/", views_reports.report_job_download, name="report_job_download"),
]
