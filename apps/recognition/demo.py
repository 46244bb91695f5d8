"""Demo of learning-model titles: a whole 2026 "Gia đình học tập" campaign in Xã Dang Kang.

Loads the shipped criteria sets (reference data, not demo records) and the
illustrative Krông Bông set (``sets/demo/``, ``is_illustrative``: "minh hoạ", not
the official text), opens the 2026 campaign of Xã Dang Kang on it, registers the
households of one village, scores them from the registry, completes the
evaluator items of some of them (as the commune officer ``dangkang``), approves
them (as the association officer ``hoikh``: maker–checker) and issues a decision
for those meeting the set. Every record it writes is ``is_demo``. Idempotent: an
existing demo campaign is kept as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from apps.places.models import Structure, Unit, UnitKind
from apps.recognition import services, sets_io
from apps.recognition.management.commands.recognition import load_shipped
from apps.recognition.models import Campaign, CriteriaSet, Registration, Title

YEAR = 2026
COMMUNE = "24454"  # Xã Dang Kang (2025 map)
DEMO_SET = sets_io.SETS_DIR / "demo" / "gdht-krong-bong-minh-hoa.yaml"
SCORED = 12  # households completed by hand in the demo; the rest stay for the user to score
DECISION = {
    "number": "25/QĐ-UBND (minh hoạ)",
    "date": dt.date(YEAR, 11, 20),
    "signer": "Chủ tịch UBND xã (minh hoạ)",
    "signer_title": "Chủ tịch Ủy ban nhân dân xã",
}


def _illustrative_set() -> CriteriaSet:
    data = sets_io.parse_text(DEMO_SET.read_bytes(), DEMO_SET.name)
    existing = CriteriaSet.objects.filter(code=data["code"]).first()
    return existing or services.load_criteria_set(data, is_demo=True)


def _hand_scores(number: int) -> dict[str, int]:
    """Deterministic evaluator points: most households above the illustrative pass mark, every sixth below."""
    if number % 6 == 5:
        return {"1b": 5, "1c": 10, "2b": 5, "2c": 7, "3a": 9, "3b": 4, "4a": 5, "4b": 9}
    low = 6 if number % 5 == 4 else 8
    return {
        "1b": low + number % 3,
        "1c": 10,
        "2b": 8,
        "2c": 7 + number % 4,
        "3a": 9,
        "3b": low,
        "4a": 8,
        "4b": 10 - number % 2,
    }


def load() -> list[str]:
    lines = [f"recognition: shipped criteria set {code} loaded" for code in load_shipped()]
    criteria_set = _illustrative_set()
    commune = Unit.objects.filter(
        kind=UnitKind.COMMUNE, code=COMMUNE, structure=Structure.REFORM_2025
    ).first()
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=["dangkang", "hoikh"])
    }
    if commune is None or len(users) < 2:
        return [*lines, "recognition: Xã Dang Kang or the demo users are missing; no campaign"]
    campaign = Campaign.objects.filter(title=Title.GDHT, year=YEAR, commune=commune).first()
    if campaign is not None:
        return [
            *lines,
            f"recognition: campaign {campaign} kept ({campaign.registrations.count()} registrations)",
        ]
    officer, association = users["dangkang"], users["hoikh"]
    campaign = services.open_campaign(
        officer, title=Title.GDHT, year=YEAR, commune=commune, criteria_set=criteria_set, is_demo=True
    )
    village = (
        Unit.objects.filter(parent=commune, kind=UnitKind.VILLAGE, village_households__isnull=False)
        .order_by("code")
        .first()
    )
    if village is None:
        return [*lines, f"recognition: campaign {campaign} opened; no households to register"]
    registered = services.register_village_households(campaign, village, officer, is_demo=True)
    services.autoscore_campaign(campaign, officer)
    chosen = list(campaign.registrations.order_by("household__code")[:SCORED])
    for number, registration in enumerate(chosen):
        services.record_scores(registration, _hand_scores(number), officer)
        services.approve(registration, association)
    passing = list(campaign.registrations.filter(status=Registration.Status.APPROVED, passed=True))
    recognised = 0
    if passing:
        services.decide(campaign, officer, registrations=passing, is_demo=True, **DECISION)
        recognised = len(passing)
    return [
        *lines,
        (
            f"recognition: campaign {campaign} — {registered} households of {village.name} registered, "
            f"{len(chosen)} scored and approved, {recognised} recognised (illustrative criteria set)"
        ),
    ]
