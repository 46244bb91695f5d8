from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.places.models import UnitKind


def test_lazy_parameters_are_rendered_in_each_language():
    error = DomainError(_("No %(kind)s has the code “%(code)s” on %(date)s."),
                        {"kind": UnitKind.COMMUNE.label, "code": "99999", "date": "30/09/2024"},
                        row=3, column="commune_code")
    assert error.english == "No commune has the code “99999” on 30/09/2024."
    assert error.vietnamese == "Không có xã nào mang mã “99999” vào ngày 30/09/2024."
    assert error.bilingual().startswith("Dòng 3, cột commune_code: Không có xã")
    assert "Row 3, column commune_code: No commune" in error.bilingual()
