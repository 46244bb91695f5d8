"""The checklist of non-quantitative conditions of a commune and year, and its evidence files."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.roles import EDIT, VIEW
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.universal import attestation
from apps.universal.forms import ChecklistForm
from apps.universal.models import EvidenceFile
from apps.universal.views_common import check_year, get_commune_for_user


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Tick the conditions of a year with their evidence ("edit"); read them otherwise ("view")."""
    year = check_year(year)
    commune = get_commune_for_user(request.user, pk, year)
    editable = scope_for(request.user, EDIT).covers(commune)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("You may not change the records of this unit."))
    try:
        standards, general = attestation.checklist_status(commune, year)
    except DomainError as error:
        raise Http404(error.english) from None
    statuses = [status for block in standards for status in block.items] + general
    form = ChecklistForm(statuses, request.POST or None, request.FILES or None)
    errors: list[DomainError] = []
    if request.method == "POST" and form.is_valid():
        try:
            attestation.save_checklist(commune, year, form.entries(), user=request.user)
        except ImportFailed as failure:
            errors = failure.errors
            for error in errors:
                form.add_error(form.field_for(error.row, error.column), error.localized())
        except DomainError as error:
            form.add_error(None, error.localized())
        else:
            messages.success(request, _("The checklist was saved."))
            return redirect("universal:checklist", commune.pk, year)
    rows = list(form.rows())
    blocks = []
    start = 0
    for block in standards:
        blocks.append({"standard": block, "rows": rows[start:start + len(block.items)]})
        start += len(block.items)
    return render(request, "universal/checklist.html", {
        "commune": commune, "year": year, "form": form, "blocks": blocks,
        "general_rows": rows[start:], "standards": standards, "editable": editable,
        "checklist": attestation.checklist_for(year),
    })


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for users who may see its commune."""
    item = get_object_or_404(EvidenceFile.objects.select_related("commune"), pk=pk)
    if not scope_for(request.user, VIEW).covers(item.commune):
        raise PermissionDenied(_("You do not have access to this unit."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing from the storage.") from None
    content_type = mimetypes.guess_type(item.original_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=content_type)
