"""The API's URLs, mounted at ``api/v1/`` by ``khuyenhoc.urls``."""

from django.urls import path

from khuyenhoc.api import api

urlpatterns = [path("", api.urls)]
