"""The form of the checklist of conditions (PCGD–XMC attestations)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.universal.attestation import ConditionStatus, Entry
from apps.universal.models import validate_evidence


@dataclass
class ChecklistRow:
    status: ConditionStatus
    met: forms.BoundField
    note: forms.BoundField
    evidence: forms.BoundField


class ChecklistForm(forms.Form):
    """One row per condition: met or not, a note and, optionally, a new evidence file."""

    def __init__(self, statuses: list[ConditionStatus], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statuses = statuses
        for index, status in enumerate(statuses):
            attestation = status.attestation
            self.fields[f"c{index}-met"] = forms.BooleanField(
                label=_("Met"), required=False, initial=bool(attestation and attestation.met),
                widget=forms.CheckboxInput(attrs={"aria-label": status.condition.text}),
            )
            self.fields[f"c{index}-note"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000,
                initial=attestation.note if attestation else "",
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30, "aria-label": _("Note")}),
            )
            self.fields[f"c{index}-evidence"] = forms.FileField(
                label=_("Evidence (PDF, JPG or PNG, at most 10 MB)"), required=False,
                validators=[validate_evidence],
                widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "aria-label": _("Evidence")}),
            )

    def rows(self) -> Iterator[ChecklistRow]:
        for index, status in enumerate(self.statuses):
            yield ChecklistRow(status, self[f"c{index}-met"], self[f"c{index}-note"],
                               self[f"c{index}-evidence"])

    def entries(self) -> list[Entry]:
        """The answers as service input (after ``is_valid``)."""
        data = self.cleaned_data
        return [
            Entry(
                condition_id=status.condition.id,
                met=bool(data.get(f"c{index}-met")),
                note=data.get(f"c{index}-note") or "",
                evidence=data.get(f"c{index}-evidence") or None,
            )
            for index, status in enumerate(self.statuses)
        ]

    def field_for(self, row: int | None, column: str | None) -> str | None:
        """The form field a service error names (its row is 1-based)."""
        if row is None or column not in {"met", "note", "evidence"}:
            return None
        return f"c{row - 1}-{column}"
