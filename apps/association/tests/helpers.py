"""Consents the tests give with every member (a member is refused without one)."""

from __future__ import annotations

import datetime as dt

from apps.association.services import consents_for

GIVEN_ON = dt.date(2026, 1, 10)
PERSON_CONSENT = consents_for(True, GIVEN_ON, "Phiếu đồng ý số 12")
NAME_CONSENT = consents_for(False, GIVEN_ON, "Phiếu đồng ý số 13")
CSV_CONSENT_COLUMNS = "consent_purposes,consent_given_on,consent_evidence"
