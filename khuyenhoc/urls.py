from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.core.urls")),
    path("places/", include("apps.places.urls")),
    path("organisations/", include("apps.organisations.urls")),
    path("api/v1/", include("khuyenhoc.api_urls")),
]
