"""Showing a refusal of a service on the form that asked for it."""

from __future__ import annotations

from django import forms

from apps.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Attach the error to the field it names, or to the whole form."""
    form.add_error(error.column if error.column in form.fields else None, error.localized())
