"""Pages of the recognition app."""

from django.urls import path  # noqa: F401

app_name = "recognition"
urlpatterns: list = []
