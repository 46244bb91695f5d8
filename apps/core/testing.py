"""Helpers for the tests of every app."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
