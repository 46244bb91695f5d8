"""An import writes in bulk, past the model signals: it still marks the metrics of its year stale."""

from pathlib import Path

import pytest

from apps.metrics import services as metrics
from apps.people.importing import import_people

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "people-2026-sample.csv"


def test_an_import_marks_the_pcgd_metrics_of_its_year_stale(krong_bong):
    import_people(SAMPLE, year=2026, create_villages=True)
    metrics.values("pcgd.mn5_attend", "2026")
    assert metrics.status("pcgd.mn5_attend", "2026").stale is False

    text = SAMPLE.read_text(encoding="utf-8").replace("Phạm Hùng Lan", "Phạm Hùng Lâm")
    result = import_people(text.encode("utf-8"), year=2026)

    assert result.ok
    assert metrics.status("pcgd.mn5_attend", "2026").stale is True
