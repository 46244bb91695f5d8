"""Pages of the association app."""

from django.urls import path  # noqa: F401

app_name = "association"
urlpatterns: list = []
