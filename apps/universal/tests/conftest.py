"""The page tests of this app read English labels: their client asks for English.

(The system speaks Vietnamese by default; the Vietnamese pages are covered by the
end-to-end tests and by the catalog check.)
"""

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english_client(request):
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
