"""Pages of the association: the units and their figures, a commune's branches, a branch's members.

Every page reaches its records through the scoped helpers of ``services`` (404
outside the user's scope); writes need the ASSOCIATION capability on the
branch's unit (403 otherwise). Members' names are shown only with PERSONAL_DATA
or ASSOCIATION on the unit, and every page showing names of registry persons is
logged as an access (Luật 91/2025/QH15).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import audit
from apps.accounts.history import history_for
from apps.accounts.models import AuditEntry
from apps.accounts.roles import ASSOCIATION
from apps.accounts.scope import scope_for
from apps.association import metrics, services
from apps.association.forms import (
    BranchForm,
    ConsentForm,
    DissolveForm,
    MemberForm,
    ReportedCountForm,
    WithdrawConsentForm,
)
from apps.association.models import Branch, BranchKind, Member, ReportedCount, year_end
from apps.core.errors import DomainError, ImportFailed
from apps.core.forms import add_domain_error
from apps.metrics import services as metric_services
from apps.organisations.models import Organisation, OrganisationKind
from apps.people.models import Person
from apps.places.models import Unit, UnitKind
from apps.places.services import clean_name, normalise_name

UNIT_LIMIT = 300  # rows of the index; a national administrator narrows by the metrics page
SEARCH_LIMIT = 20
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_ERRORS_SHOWN = 50
METRIC_NAMES = (metrics.VILLAGE_SHARE, metrics.MEMBER_SHARE, metrics.ORGANISATION_BRANCHES)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    today = timezone.localdate()
    if value.isdigit() and services.FIRST_YEAR <= int(value) <= today.year + 1:
        return int(value)
    return today.year


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this + 1, this - 6, -1))


def _unit_in_scope(user, pk: int, kind: str | None = None) -> Unit:
    """A unit the user may view (of ``kind``); 404 otherwise, so that nothing is revealed."""
    units = scope_for(user).units().select_related("parent")
    if kind is not None:
        units = units.filter(kind=kind)
    unit = units.filter(pk=pk).first()
    if unit is None:
        raise Http404("No unit matches the given query.")
    return unit


def _figures(units: list[Unit], year: int, user) -> dict[int, dict]:
    """unit id → {metric name → cached value} for the three metrics of the year."""
    by_unit: dict[int, dict] = {unit.pk: {} for unit in units}
    for name in METRIC_NAMES:
        for unit_id, value in metric_services.values(name, year, units=[u.pk for u in units],
                                                     user=user).items():
            by_unit[unit_id][name.removeprefix("association.")] = value
    return by_unit


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The communes (and units above them) the user covers, with the year's figures."""
    year = _year(request)
    units = list(
        scope_for(request.user).units().in_force(year_end(year))
        .filter(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE])
        .select_related("parent").order_by("path")[:UNIT_LIMIT]
    )
    figures = _figures(units, year, request.user)
    rows = [{"unit": unit, **figures.get(unit.pk, {})} for unit in units]
    return render(request, "association/index.html", {
        "rows": rows, "year": year, "years": _years(), "truncated": len(units) == UNIT_LIMIT,
        "no_role": scope_for(request.user).is_empty,
    })


def _branches_with_counts(branches: QuerySet[Branch], year: int) -> QuerySet[Branch]:
    """Branches with the year's listed members and reported number (two subqueries, no N+1)."""
    listed = (Member.objects.filter(branch=OuterRef("pk"), year=year).order_by()
              .values("branch").annotate(n=Count("pk")).values("n"))
    reported = ReportedCount.objects.filter(branch=OuterRef("pk"), year=year).values("count")[:1]
    return branches.annotate(listed=Subquery(listed), reported=Subquery(reported))


@login_required
def commune(request: HttpRequest, pk: int) -> HttpResponse:
    """A commune's committee, its branches (villages, organisations) and the villages without one."""
    unit = _unit_in_scope(request.user, pk, UnitKind.COMMUNE)
    year = _year(request)
    branches = _branches_with_counts(
        services.get_branches_for_user(request.user).filter(unit__path__startswith=unit.path), year
    ).order_by("dissolved_on", "kind", "unit__name", "name")
    on = year_end(year)
    uncovered = (unit.children.filter(kind=UnitKind.VILLAGE)
                 .exclude(Exists(Branch.objects.active_on(on).filter(village=OuterRef("pk"))))
                 .order_by("name"))
    figures = _figures([unit], year, request.user).get(unit.pk, {})
    return render(request, "association/commune.html", {
        "unit": unit, "year": year, "years": _years(), "committee": services.committee_of(unit),
        "committees_above": services.committees_above(unit), "branches": list(branches),
        "uncovered": list(uncovered), "figures": figures,
        "can_manage": services.can_manage(request.user, unit),
    })


def _branch_form(request: HttpRequest, unit: Unit, branch: Branch | None = None) -> BranchForm:
    villages = (unit.children.filter(kind=UnitKind.VILLAGE)
                .exclude(Exists(Branch.objects.filter(dissolved_on__isnull=True, village=OuterRef("pk"))))
                .order_by("name"))
    organisations = (Organisation.objects.filter(unit__path__startswith=unit.path, active=True)
                     .exclude(kind=OrganisationKind.ASSOCIATION)
                     .exclude(Exists(Branch.objects.filter(dissolved_on__isnull=True,
                                                           organisation=OuterRef("pk"))))
                     .order_by("name"))
    committees = services.committees_above(branch.unit if branch else unit)
    initial = {"committee": committees.first()}
    if branch is not None:
        initial = {field: getattr(branch, field) for field in services.EDITABLE_FIELDS}
    return BranchForm(request.POST or None, initial=initial, villages=villages, organisations=organisations,
                      committees=committees, editing=branch is not None)


def _commune_of(unit: Unit) -> Unit:
    return unit.parent if unit.kind == UnitKind.VILLAGE and unit.parent else unit


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_in_scope(request.user, pk, UnitKind.COMMUNE)
    if not services.can_manage(request.user, unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))
    form = _branch_form(request, unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branch = services.create_branch(
                request.user, village=data["village"], organisation=data["organisation"], name=data["name"],
                committee=data["committee"], founded_on=data["founded_on"], head_name=data["head_name"],
                note=data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The branch was founded."))
            return redirect("association:branch", branch.pk)
    return render(request, "association/branch_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def branch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    branch = services.get_branch_for_user(request.user, pk)
    if not services.can_manage(request.user, branch.unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))
    form = _branch_form(request, _commune_of(branch.unit), branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_branch(request.user, branch, **{
                field: form.cleaned_data[field] for field in services.EDITABLE_FIELDS})
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The branch was saved."))
            return redirect("association:branch", branch.pk)
    return render(request, "association/branch_form.html", {"form": form, "branch": branch,
                                                            "unit": _commune_of(branch.unit)})


@login_required
@require_POST
def branch_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    branch = services.get_branch_for_user(request.user, pk)
    form = DissolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the dissolution."))
        return redirect("association:branch", branch.pk)
    try:
        services.dissolve_branch(request.user, branch, on=form.cleaned_data["dissolved_on"],
                                 reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, _("The dissolution of the branch was recorded."))
    return redirect("association:branch", branch.pk)


@login_required
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    branch = services.get_branch_for_user(request.user, pk)
    year = _year(request)
    names = services.can_see_names(request.user, branch.unit)
    members = list(branch.members.filter(year=year).select_related("person__household", "person__village")
                   .prefetch_related("consents").order_by("person__name_key", "name_key", "pk"))
    for member in members:
        # Without every consent in force, nobody sees who the member is; the count keeps them.
        member.shown = member.consent_state == "given"
    if names and any(member.person_id and member.shown for member in members):
        audit.record_access(AuditEntry.Action.VIEW, description=f"association members {branch.pk} {year}",
                            unit_path=branch.unit.path,
                            details={"persons": [m.person_id for m in members if m.person_id and m.shown]})
    reported = branch.reported_counts.filter(year=year).first()
    can_manage = services.can_manage(request.user, branch.unit)
    return render(request, "association/branch.html", {
        "branch": branch, "year": year, "years": services.branch_years(branch), "members": members,
        "names": names, "reported": reported, "can_manage": can_manage,
        "commune": _commune_of(branch.unit),
        "member_form": MemberForm(initial={"year": year}),
        "count_form": ReportedCountForm(initial={"year": year, "count": reported.count if reported else None,
                                                 "note": reported.note if reported else ""}),
        "dissolve_form": DissolveForm(initial={"dissolved_on": timezone.localdate()}),
        "history": history_for(request.user, branch)[:20],
    })


def _back(branch: Branch, year: int) -> HttpResponse:
    return redirect(f"{reverse('association:branch', args=[branch.pk])}?year={year}")


def _managed_branch(request: HttpRequest, pk: int) -> Branch:
    branch = services.get_branch_for_user(request.user, pk)
    if not services.can_manage(request.user, branch.unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))
    return branch


def _person_for(request: HttpRequest, pk: int | None) -> Person | None:
    if not pk:
        return None
    person = (scope_for(request.user).filter(Person.objects.select_related("household", "village"), "village")
              .filter(pk=pk).first())
    if person is None:
        raise Http404("No person matches the given query.")
    return person


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member with their consent: GET (``person``, ``year``) shows the form for a person found
    in the registry; POST adds, or shows the form again with the refusal."""
    branch = _managed_branch(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    person_id = source.get("person") or ""
    person = _person_for(request, int(person_id) if person_id.isdigit() else None)
    form = MemberForm(request.POST or None, linked=person is not None,
                      initial={"year": _year(request), "person": person.pk if person else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_member(request.user, branch, data["year"], person=person,
                                full_name=data.get("full_name") or "", joined_on=data["joined_on"],
                                note=data["note"], consents=form.consents())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The member was added."))
            return _back(branch, data["year"])
    if person is not None:
        audit.record_access(AuditEntry.Action.VIEW, description="association member form",
                            unit_path=branch.unit.path, details={"persons": [person.pk]})
    return render(request, "association/member_form.html", {
        "branch": branch, "form": form, "person": person, "year": _year(request),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def member_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's consents (given, withdrawn, by whom, on what evidence); record one or a withdrawal."""
    member = services.get_member_for_user(request.user, pk)
    if not services.can_manage(request.user, member.branch.unit):
        raise PermissionDenied(_("You may not manage the association branches of this unit."))
    linked = member.person_id is not None
    action = request.POST.get("action")
    consent_form = ConsentForm(request.POST if action == "record" else None, linked=linked)
    withdraw_form = WithdrawConsentForm(request.POST if action == "withdraw" else None,
                                        initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if consent_form.is_bound and consent_form.is_valid():
                consents = consent_form.consents()
                if not consents:
                    raise DomainError(_("Tick the purposes the member consents to."),
                                      column="consent_purposes")
                with transaction.atomic():
                    for consent in consents:
                        services.record_consent(request.user, member, consent)
                messages.success(request, _("The consent was recorded."))
                return redirect("association:member_consent", member.pk)
            if withdraw_form.is_bound and withdraw_form.is_valid():
                data = withdraw_form.cleaned_data
                services.withdraw_consent(request.user, member, data["purpose"], on=data["withdrawn_on"],
                                          evidence=data["evidence"])
                messages.success(request, _("The withdrawal was recorded: the member is no longer named in "
                                            "the lists; the counts keep them."))
                return _back(member.branch, member.year)
        except DomainError as error:
            add_domain_error(consent_form if consent_form.is_bound else withdraw_form, error)
    consents = list(member.consents.select_related("created_by", "withdrawn_by").order_by("given_on", "pk"))
    # The manager sees who a member listed before consents were kept is, to collect the consent;
    # after a withdrawal nobody does.
    state = member.consent_state
    shown = state != "withdrawn" and services.can_see_names(request.user, member.branch.unit)
    if shown and member.person_id:
        audit.record_access(AuditEntry.Action.VIEW, description="association member consent",
                            unit_path=member.branch.unit.path, details={"persons": [member.person_id]})
    return render(request, "association/member_consent.html", {
        "member": member, "branch": member.branch, "consents": consents, "shown": shown, "state": state,
        "consent_form": consent_form, "withdraw_form": withdraw_form,
        "active_purposes": {c.purpose for c in consents if c.withdrawn_on is None},
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = services.get_member_for_user(request.user, pk)
    branch, year = member.branch, member.year
    services.remove_member(request.user, member)
    messages.success(request, _("The member was taken off the list."))
    return _back(branch, year)


@login_required
@require_POST
def reported_count(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _managed_branch(request, pk)
    form = ReportedCountForm(request.POST)
    year = _year(request)
    if not form.is_valid():
        messages.error(request, _("The number of members must be a whole number."))
        return _back(branch, year)
    try:
        data = form.cleaned_data
        services.set_reported_count(request.user, branch, data["year"], data["count"], note=data["note"])
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, _("The reported number of members was saved."))
    return _back(branch, year)


@login_required
@require_POST
def members_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the members of an uploaded CSV file; all or nothing, every error shown with its row."""
    branch = _managed_branch(request, pk)
    year = _year(request)
    upload = request.FILES.get("file")
    if upload is None or upload.size > IMPORT_MAX_BYTES:
        messages.error(request, _("Choose a CSV file of at most 2 MB."))
        return _back(branch, year)
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text."))
        return _back(branch, year)
    try:
        added = services.import_members(request.user, branch, year, text)
    except ImportFailed as failed:
        messages.error(request, ngettext("Nothing was imported: the file has %(count)s error.",
                                         "Nothing was imported: the file has %(count)s errors.",
                                         len(failed.errors)) % {"count": len(failed.errors)})
        for error in failed.errors[:IMPORT_ERRORS_SHOWN]:
            messages.error(request, error.bilingual())
    except DomainError as error:
        messages.error(request, error.bilingual())
    else:
        messages.success(request, ngettext("%(count)s member was imported.",
                                           "%(count)s members were imported.", added) % {"count": added})
    return _back(branch, year)


@login_required
@require_POST
def members_copy(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _managed_branch(request, pk)
    year = _year(request)
    try:
        copied = services.copy_members(request.user, branch, year)
    except DomainError as error:
        messages.error(request, error.localized())
    else:
        messages.success(request, ngettext("%(count)s member was carried over from the previous year.",
                                           "%(count)s members were carried over from the previous year.",
                                           copied) % {"count": copied})
    return _back(branch, year)


def _search(user, text: str) -> QuerySet[Person]:
    """Persons the user may list as members: by household/person code, or by the start of a name word."""
    persons = scope_for(user, ASSOCIATION).filter(
        Person.objects.select_related("household", "village"), "village")
    if "/" in text:
        household, _slash, code = text.rpartition("/")
        return persons.filter(household__code=household.strip(), code=code.strip())
    if any(char.isdigit() for char in text) and " " not in text:
        return persons.filter(household__code=text)
    key = normalise_name(text)
    return persons.filter(Q(name_key__startswith=key) | Q(name_key__contains=f" {key}"))


@login_required
@require_GET
def person_search(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX fragment: persons of the registry matching ``q``, each with a button adding them."""
    branch = _managed_branch(request, pk)
    text = clean_name(request.GET.get("q", ""))
    year = _year(request)
    persons: list[Person] = []
    if len(text) >= 2:
        persons = list(_search(request.user, text).order_by("name_key", "pk")[:SEARCH_LIMIT])
    if persons:
        audit.record_access(AuditEntry.Action.VIEW, description="association person search",
                            unit_path=branch.unit.path, details={"persons": [p.pk for p in persons]})
    listed = set(branch.members.filter(year=year, person__in=persons).values_list("person_id", flat=True))
    return render(request, "association/_person_results.html", {
        "branch": branch, "persons": persons, "year": year, "text": text, "listed": listed,
    })


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    """The three metrics for a unit and the units under it (a commune: its villages)."""
    year = _year(request)
    scope = scope_for(request.user)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = _unit_in_scope(request.user, int(request.GET["unit"]))
        units = [unit, *scope.filter(unit.children.in_force(year_end(year)), unit_field=None)
                 .order_by("kind", "name")[:UNIT_LIMIT]]
    else:
        units = list(scope.units().in_force(year_end(year))
                     .filter(kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE])
                     .order_by("path")[:UNIT_LIMIT])
    figures = _figures(units, year, request.user)
    states = {name: metric_services.status(name, year) for name in METRIC_NAMES}
    return render(request, "association/metrics.html", {
        "unit": unit, "year": year, "years": _years(),
        "rows": [{"unit": u, **figures.get(u.pk, {})} for u in units],
        "computed_at": min((s.computed_at for s in states.values() if s and s.computed_at), default=None),
        "stale": any(s and s.stale for s in states.values()),
        "kinds": BranchKind.choices,
    })
