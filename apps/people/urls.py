"""URLs of the registry; each area keeps its own list."""

from apps.people.urls_import import urlpatterns as import_urls
from apps.people.urls_quality import urlpatterns as quality_urls
from apps.people.urls_registry import urlpatterns as registry_urls

app_name = "people"
urlpatterns = [*registry_urls, *import_urls, *quality_urls]
