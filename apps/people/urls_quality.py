"""URL of the data-quality report."""

from django.urls import path

from apps.people import views_quality

urlpatterns = [
    path("quality/", views_quality.quality_report, name="quality_report"),
]
