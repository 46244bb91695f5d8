"""Values every page's shell needs: the date whose map is shown, the reform date, and what the user may do."""

from __future__ import annotations

from django.http import HttpRequest

from apps.accounts.scope import scope_for
from apps.places.models import REFORM_DATE
from apps.places.services import map_date_from_request


class Capabilities:
    """``{% if "edit" in capabilities %}``: whether the user holds a capability on some unit.

    Pages offer only the actions the user may take; the views still check the unit itself.
    Each capability asked costs at most one query (``scope_for`` caches it on the user).
    """

    def __init__(self, user) -> None:
        self.user = user

    def __contains__(self, capability: str) -> bool:
        return not scope_for(self.user, capability).is_empty


def shell(request: HttpRequest) -> dict:
    return {
        "map_date": map_date_from_request(request),
        "reform_date": REFORM_DATE,
        "capabilities": Capabilities(getattr(request, "user", None)),
    }
