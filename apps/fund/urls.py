"""Pages of the fund app."""

from django.urls import path  # noqa: F401

app_name = "fund"
urlpatterns: list = []
