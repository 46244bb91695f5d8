"""Editing a programme, and the consent of a beneficiary (or guardian) on a disbursement.

Under the contract of ``apps.fund.services`` (own transaction, FUND on the fund's unit,
``DomainError`` for bad input, nothing written then); every change is in the audit trail
(``Programme`` and ``Disbursement`` are ``RegistryRecord`` subclasses).

Consent (shared/domain/personal-data.md; Luật 91/2025/QH15): the association is a social
organisation and the scholarship is its own purpose, so the beneficiary's data are processed
only with consent, per purpose — processing for the scholarship, and being named in full on the
public statement — recorded with who gave it, who recorded it and when; never pre-ticked (both
default to no); silence is not consent. ``services.approve_disbursement`` refuses a disbursement
to a person of the registry without recorded consent to processing. A withdrawal is recorded
(who, when) and clears both consents; the books keep the payment (NĐ 93/2019 Art. 31.1.b asks
each amount by beneficiary), but the public statement shows initials again.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.fund.models import Disbursement, DisbursementStatus, Programme
from apps.fund.services import _real_user, _require_fund, _text, parse_amount

COMMITTED = (DisbursementStatus.APPROVED, DisbursementStatus.PAID, DisbursementStatus.REVERSED)


@transaction.atomic
def update_programme(user, programme: Programme, *, criteria: str | None = None, purpose: str | None = None,
                     standard_amount: Any = None, decision: str | None = None,
                     active: bool | None = None) -> Programme:
    """Change what may change (``None`` leaves a field as it is): criteria, restriction, standard
    amount, decision, active. The restriction is fixed once a disbursement was approved or paid:
    money was committed from that restriction. An inactive programme takes no new proposals."""
    _require_fund(user, programme.fund)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if purpose is not None:
        purpose = _text(purpose, "purpose", 100)
        if purpose != programme.purpose and programme.disbursements.filter(status__in=COMMITTED).exists():
            raise DomainError(_("The restricted purpose cannot change: a disbursement of the programme has "
                                "been approved or paid from “%(purpose)s”."),
                              {"purpose": programme.purpose or _("unrestricted")}, column="purpose")
        programme.purpose = purpose
    if criteria is not None:
        programme.criteria = criteria.strip()
    if decision is not None:
        programme.decision = _text(decision, "decision", 100)
    if standard_amount is not None:
        programme.standard_amount = None if standard_amount == "" else parse_amount(standard_amount,
                                                                                    "standard_amount")
    if active is not None:
        programme.active = bool(active)
    programme.updated_by = _real_user(user)
    programme.save()
    return programme


def _named(user, disbursement: Disbursement) -> Disbursement:
    if _real_user(user) is None:
        raise PermissionDenied(_("Consent is recorded by a named user."))
    _require_fund(user, disbursement.programme.fund)
    return Disbursement.objects.select_for_update().select_related("programme__fund").get(pk=disbursement.pk)


@transaction.atomic
def record_consent(user, disbursement: Disbursement, *, given_by: str, processing: bool,
                   public: bool) -> Disbursement:
    """Record the consent given (each purpose a separate yes), by whom, and who recorded it."""
    disbursement = _named(user, disbursement)
    given_by = _text(given_by, "given_by", 255)
    if not given_by:
        raise DomainError(_("Name who gave the consent: the beneficiary or the guardian."), column="given_by")
    if public and not processing:
        raise DomainError(_("Being named publicly needs consent to the processing as well."),
                          column="public")
    disbursement.consent_processing, disbursement.consent_public = bool(processing), bool(public)
    disbursement.consent_given_by = given_by
    disbursement.consent_recorded_by, disbursement.consent_recorded_at = user, timezone.now()
    disbursement.consent_withdrawn_by, disbursement.consent_withdrawn_at = None, None
    disbursement.updated_by = user
    disbursement.save()
    return disbursement


@transaction.atomic
def withdraw_consent(user, disbursement: Disbursement) -> Disbursement:
    """Record that the consent was withdrawn: both purposes end; the books keep the payment."""
    disbursement = _named(user, disbursement)
    if not (disbursement.consent_processing or disbursement.consent_public):
        raise DomainError(_("There is no consent to withdraw."), column="consent")
    disbursement.consent_processing = disbursement.consent_public = False
    disbursement.consent_withdrawn_by, disbursement.consent_withdrawn_at = user, timezone.now()
    disbursement.updated_by = user
    disbursement.save()
    return disbursement
