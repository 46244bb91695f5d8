"""Pages of learning-model titles: the index and the criteria sets (list, detail, import, export, editor).

Every page reads through the scoped helpers of ``apps.recognition.services``
(404 outside the user's scope); writes need the RECOGNITION capability (a
national set: a system administrator; a provincial set: RECOGNITION on the province).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.roles import RECOGNITION
from apps.accounts.scope import scope_for
from apps.core.errors import DomainError, ImportFailed
from apps.places.models import Unit, UnitKind
from apps.recognition import services, sets_io
from apps.recognition.forms import CampaignForm, SetEditForm, SetFileForm
from apps.recognition.models import TITLE_SUBJECT, CriteriaSet, Registration, SubjectKind, Title

ERRORS_SHOWN = 20
EXPORT_TYPES = {"yaml": "application/yaml; charset=utf-8", "json": "application/json; charset=utf-8"}


def can_edit_set(user, criteria_set: CriteriaSet | None) -> bool:
    """A national set: a system administrator; a provincial set: RECOGNITION on its province."""
    scope = scope_for(user, RECOGNITION)
    if criteria_set is None or criteria_set.unit_id is None:
        return scope.everything
    return scope.covers(criteria_set.unit)


def may_load_sets(user) -> bool:
    """Whether the user may load some set: a system administrator or an officer of a province."""
    scope = scope_for(user, RECOGNITION)
    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE)
    return scope.everything or scope.filter(provinces, unit_field=None).exists()


def show_import_errors(request: HttpRequest, failed: ImportFailed) -> None:
    messages.error(
        request, _("Nothing was saved: the set has %(count)s errors.") % {"count": len(failed.errors)}
    )
    for error in failed.errors[:ERRORS_SHOWN]:
        messages.error(request, error.bilingual())


# ---------------------------------------------------------------- index


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The titles, the campaigns of the user's communes by year, links to the sets and the report."""
    campaigns = (
        services.get_campaigns_for_user(request.user)
        .annotate(
            registered=Count("registrations"),
            recognised=Count("registrations", filter=Q(registrations__status=Registration.Status.RECOGNISED)),
        )
        .order_by("-year", "commune__name", "title")
    )
    by_year: dict[int, list] = defaultdict(list)
    for campaign in campaigns:
        by_year[campaign.year].append(campaign)
    titles = [(Title(code), SubjectKind(kind).label) for code, kind in TITLE_SUBJECT.items()]
    can_open = not scope_for(request.user, RECOGNITION).is_empty
    return render(
        request,
        "recognition/index.html",
        {
            "by_year": sorted(by_year.items(), reverse=True),
            "titles": titles,
            "can_open": can_open,
            "form": CampaignForm(user=request.user) if can_open else None,
            "year": timezone.localdate().year,
        },
    )


# ---------------------------------------------------------------- criteria sets


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    sets = services.get_criteria_sets_for_user(request.user).annotate(
        indicator_count=Count("indicators", distinct=True), campaign_count=Count("campaigns", distinct=True)
    )
    return render(
        request,
        "recognition/set_list.html",
        {
            "sets": sets,
            "can_import": may_load_sets(request.user),
            "form": SetFileForm(),
        },
    )


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = services.get_criteria_set_for_user(request.user, pk)
    criteria = criteria_set.criteria.prefetch_related("indicators").order_by("order", "code")
    return render(
        request,
        "recognition/set_detail.html",
        {
            "set": criteria_set,
            "criteria": criteria,
            "can_edit": can_edit_set(request.user, criteria_set),
            "used": criteria_set.campaigns.exists(),
        },
    )


@login_required
def set_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    criteria_set = services.get_criteria_set_for_user(request.user, pk)
    if fmt not in EXPORT_TYPES:
        raise Http404("Unknown format.")
    response = HttpResponse(services.export_criteria_set(criteria_set, fmt), content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{criteria_set.code}.{fmt}"'
    return response


@login_required
@require_http_methods(["POST"])
def set_import(request: HttpRequest) -> HttpResponse:
    if not may_load_sets(request.user):
        raise PermissionDenied(_("You may not load criteria sets."))
    form = SetFileForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("recognition:sets")
    upload = form.cleaned_data["file"]
    try:
        data = sets_io.parse_text(upload.read(), upload.name)
        criteria_set = services.load_criteria_set(data, request.user, replace=form.cleaned_data["replace"])
    except ImportFailed as failed:
        show_import_errors(request, failed)
        return redirect("recognition:sets")
    except DomainError as error:
        messages.error(request, error.bilingual())
        return redirect("recognition:sets")
    messages.success(request, _("The criteria set %(code)s was loaded.") % {"code": criteria_set.code})
    return redirect("recognition:set", criteria_set.pk)


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the set as YAML text, saved through the same validation as an imported file.

    A set already used by a campaign cannot be replaced (its judgements must stay
    reproducible): the editor then offers to save the text under a new code.
    """
    criteria_set = services.get_criteria_set_for_user(request.user, pk)
    if not can_edit_set(request.user, criteria_set):
        raise PermissionDenied(_("You may not change this criteria set."))
    initial = {"content": services.export_criteria_set(criteria_set, "yaml")}
    form = SetEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = sets_io.parse_text(form.cleaned_data["content"], "set.yaml")
            replace = isinstance(data, dict) and data.get("code") == criteria_set.code
            saved = services.load_criteria_set(data, request.user, replace=replace)
        except ImportFailed as failed:
            for error in failed.errors[:ERRORS_SHOWN]:
                form.add_error(None, error.bilingual())
        except DomainError as error:
            form.add_error(None, error.bilingual())
        else:
            messages.success(request, _("The criteria set %(code)s was saved.") % {"code": saved.code})
            return redirect("recognition:set", saved.pk)
    return render(
        request,
        "recognition/set_edit.html",
        {
            "set": criteria_set,
            "form": form,
            "used": criteria_set.campaigns.exists(),
        },
    )
