from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.core.urls")),
    path("places/", include("apps.places.urls")),
    path("organisations/", include("apps.organisations.urls")),
    path("people/", include("apps.people.urls")),
    path("pcgd/", include("apps.universal.urls")),
    path("recognition/", include("apps.recognition.urls")),
    path("plans/", include("apps.plans.urls")),
    path("association/", include("apps.association.urls")),
    path("fund/", include("apps.fund.urls")),
    path("api/v1/", include("khuyenhoc.api_urls")),
]

handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
