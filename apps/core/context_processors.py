"""Values every page's shell needs: the date whose map is shown and the reform date."""

from __future__ import annotations

from django.http import HttpRequest

from apps.places.models import REFORM_DATE
from apps.places.services import map_date_from_request


def shell(request: HttpRequest) -> dict:
    return {"map_date": map_date_from_request(request), "reform_date": REFORM_DATE}
