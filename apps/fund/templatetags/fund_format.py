"""``{{ amount|dong }}``: whole đồng grouped by thousands as the reader's language writes them
("1.234.567" in Vietnamese, "1,234,567" in English). Django's Vietnamese formats set no
number grouping, so ``intcomma``/``floatformat`` would print "1234567"."""

from __future__ import annotations

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def dong(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{abs(number):,}"
    if (translation.get_language() or "vi").startswith("vi"):
        text = text.replace(",", ".")
    return f"-{text}" if number < 0 else text
