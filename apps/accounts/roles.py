"""The roles of the system, defined in one place.

A role is held on an administrative unit and covers that unit's subtree and the
history of the units merged into it (see ``scope``). What a role may do is a set
of capabilities, checked by ``scope.scope_for(user, capability)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VIEW = "view"
EDIT = "edit"  # registries of the unit: villages, organisations, flags
PERSONAL_DATA = "personal_data"  # see named persons (people registry)
FUND = "fund"  # post to the khuyến học fund
ASSOCIATION = "association"  # manage association branches and members
RECOGNITION = "recognition"  # run learning-model title campaigns: register, score, review, decide
PLANS = "plans"  # documents, targets, tasks and supervision; report progress on tasks
MANAGE_USERS = "manage_users"

PROVINCE, DISTRICT, COMMUNE, VILLAGE = "province", "district", "commune", "village"


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    levels: frozenset[str]  # unit kinds on which the role may be held; empty: global
    capabilities: frozenset[str]

    @property
    def is_global(self) -> bool:
        return not self.levels


def _role(code: str, label: Promise, levels: set[str], capabilities: set[str]) -> Role:
    return Role(code, label, frozenset(levels), frozenset(capabilities | {VIEW}))


ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        _role("system_admin", _("System administrator"), set(),
              {EDIT, PERSONAL_DATA, FUND, ASSOCIATION, RECOGNITION, PLANS, MANAGE_USERS}),
        _role("province_officer", _("Province officer"), {PROVINCE},
              {EDIT, PERSONAL_DATA, RECOGNITION, PLANS}),
        _role("province_viewer", _("Province viewer"), {PROVINCE}, set()),
        _role("district_officer", _("District officer"), {DISTRICT},
              {EDIT, PERSONAL_DATA, RECOGNITION, PLANS}),
        _role("district_viewer", _("District viewer"), {DISTRICT}, set()),
        _role("commune_officer", _("Commune officer"), {COMMUNE},
              {EDIT, PERSONAL_DATA, RECOGNITION, PLANS}),
        _role("commune_viewer", _("Commune viewer"), {COMMUNE}, set()),
        _role("village_head", _("Village head"), {VILLAGE}, {EDIT, PERSONAL_DATA, RECOGNITION}),
        _role("association_officer", _("Association officer"), {PROVINCE, DISTRICT, COMMUNE},
              {ASSOCIATION, FUND, RECOGNITION, PLANS}),
        _role("fund_treasurer", _("Fund treasurer"), {PROVINCE, DISTRICT, COMMUNE}, {FUND}),
    ]
}

ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]


def get_role(code: str) -> Role:
    try:
        return ROLES[code]
    except KeyError:
        raise ValueError(f"Unknown role: {code}") from None
