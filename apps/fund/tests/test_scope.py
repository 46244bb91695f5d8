"""Who sees and who posts: a treasurer of one commune neither sees nor posts to another's fund."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404

from apps.accounts import roles
from apps.fund import services


def test_a_treasurer_sees_and_posts_to_the_fund_of_the_commune(fund, treasurer):
    assert list(services.funds_for(treasurer)) == [fund]
    assert list(services.funds_for(treasurer, roles.FUND)) == [fund]
    assert services.get_fund_for_user(treasurer, "DK", roles.FUND) == fund
    assert services.sees_personal_data(treasurer, fund)


def test_the_neighbour_treasurer_sees_nothing_and_cannot_post(fund, hoa_son_fund, neighbour_treasurer):
    assert list(services.funds_for(neighbour_treasurer)) == [hoa_son_fund]
    with pytest.raises(Http404):
        services.get_fund_for_user(neighbour_treasurer, fund.pk)
    with pytest.raises(PermissionDenied):
        services.post_donation(neighbour_treasurer, fund, amount=1000, donor_name="A")
    assert not services.donations_for(neighbour_treasurer).filter(fund=fund).exists()
    assert not services.sees_personal_data(neighbour_treasurer, fund)


def test_viewers_see_but_do_not_post(fund, district_viewer, province_viewer, commune_officer):
    for viewer in (district_viewer, province_viewer, commune_officer):
        assert fund in services.funds_for(viewer)
        assert not services.funds_for(viewer, roles.FUND).exists()
        with pytest.raises(PermissionDenied):
            services.post_donation(viewer, fund, amount=1000, donor_name="A")
    assert not services.sees_personal_data(district_viewer, fund)
    assert services.sees_personal_data(commune_officer, fund)  # PERSONAL_DATA on the commune


def test_without_a_role_nothing(fund, roleless_user):
    from django.contrib.auth.models import AnonymousUser

    for nobody in (roleless_user, AnonymousUser()):
        assert not services.funds_for(nobody).exists()
        assert not services.donations_for(nobody).exists()
        assert not services.programmes_for(nobody).exists()
        assert not services.disbursements_for(nobody).exists()
        with pytest.raises(PermissionDenied):
            services.post_donation(nobody, fund, amount=1000, donor_name="A")


def test_the_command_acting_as_a_user_keeps_to_the_scope(fund, neighbour_treasurer, treasurer):
    with pytest.raises(CommandError):
        call_command("fund", "--user", "thuquyhs", "donate", "--fund", "DK", "--amount", "1000",
                     "--donor", "A")
    with pytest.raises(CommandError):
        call_command("fund", "--user", "thuquyhs", "balance", "--fund", "DK")
    call_command("fund", "--user", "thuquy", "donate", "--fund", "DK", "--amount", "1000", "--donor", "A")
    assert fund.donations.get().entry.posted_by == treasurer


def test_an_association_officer_of_another_commune_cannot_approve(fund, treasurer, neighbour_treasurer):
    programme = services.create_programme(treasurer, fund, kind="award", name="KT", year=2026)
    proposal = services.propose_disbursement(treasurer, programme, amount=1000, beneficiary_name="A")
    with pytest.raises(PermissionDenied):
        services.approve_disbursement(neighbour_treasurer, proposal)
