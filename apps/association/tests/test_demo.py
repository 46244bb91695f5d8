"""The association's demo: branches and members on the demo population, idempotent."""

from __future__ import annotations

from apps.association import demo, metrics
from apps.association.models import Branch, Member, ReportedCount
from apps.metrics.registry import get_metric


def test_the_demo_loads_once_and_feeds_the_metrics(krong_bong):
    from apps.core.demo import load_demo, load_population

    load_demo()
    load_population(persons=1500, seed=7)
    lines = demo.load()
    assert "branches" in lines[0]
    branches, members, counts = Branch.objects.count(), Member.objects.count(), ReportedCount.objects.count()
    assert branches and members and counts
    assert not Branch.objects.filter(is_demo=False).exists()
    demo.load()
    assert (Branch.objects.count(), Member.objects.count(), ReportedCount.objects.count()) == (
        branches, members, counts)

    dang_kang = krong_bong.new["24454"]
    share = get_metric(metrics.VILLAGE_SHARE).compute("2026")[dang_kang.pk]
    assert (share.num, share.den) == (12, 15)
    members_2026 = get_metric(metrics.MEMBER_SHARE).compute("2026")[dang_kang.pk]
    listed = Member.objects.filter(year=2026, branch__unit__path__startswith=dang_kang.path)
    assert members_2026.data["persons"] == listed.values("person").distinct().count() < listed.count()
    assert members_2026.den > 0
