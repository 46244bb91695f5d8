"""What a commune attests about universal education and literacy (PCGD–XMC).

The rate-based levels are computed from the population registry
(``apps.universal.engine``); the non-quantitative conditions of each standard
(teachers, school network, classrooms, records: Nghị định 20/2014/NĐ-CP and
Thông tư 07/2016/TT-BGDĐT) are attested by the commune, one row per condition and
year, with the evidence it holds. They are shown beside the rate-based level and
never change it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import RegistryRecord

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Extension → the leading bytes its files start with: checked together, so that a
# renamed executable or a web page cannot pass for a scan.
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def validate_evidence(file: File) -> None:
    """Evidence is a PDF, JPEG or PNG file of at most 10 MB whose content matches its name."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            _("The evidence must be a PDF, JPG or PNG file; “%(name)s” is not."),
            code="evidence_type", params={"name": name},
        )
    if file.size is not None and file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The evidence file is larger than 10 MB (%(size)s MB)."),
            code="evidence_size", params={"size": f"{file.size / 1024 / 1024:.1f}"},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise ValidationError(
            _("The content of “%(name)s” is not a %(type)s file."),
            code="evidence_content", params={"name": name, "type": extension.upper()},
        )


class EvidenceFile(models.Model):
    """A file a commune keeps as evidence of a condition: stored once, never changed or deleted.

    Attestations point to it; replacing the evidence attaches a new file and the
    audit trail of the attestation records which file was attached when. (The
    trail stores every field of an audited record as JSON, which a file field
    cannot be, so the file lives here rather than on the audited record.)
    """

    commune = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    file = models.FileField(
        _("file"), upload_to="pcgd/evidence/%Y/", max_length=255, validators=[validate_evidence],
        help_text=_("A PDF, JPG or PNG file of at most 10 MB."),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Attestation(RegistryRecord):
    """A commune's statement that a non-quantitative condition is met in a year.

    ``condition_id`` names a condition of the checklist data file
    (``rulesets/conditions-nd20-2014.json``); ``evidence`` the scan or PDF of the
    supporting document (``EvidenceFile.file``).
    """

    commune = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="pcgd_attestations",
        verbose_name=_("commune"),
    )
    year = models.PositiveSmallIntegerField(_("survey year"))
    condition_id = models.CharField(_("condition"), max_length=64)
    met = models.BooleanField(_("met"), default=False)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="attestations",
        verbose_name=_("evidence"),
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("attested by"),
    )
    attested_at = models.DateTimeField(_("attested at"), null=True, blank=True)

    unit_field = "commune"

    class Meta:
        verbose_name = _("attestation of a condition")
        verbose_name_plural = _("attestations of conditions")
        ordering = ["commune", "-year", "condition_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "condition_id"], name="attestation_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.year} {self.condition_id}"
