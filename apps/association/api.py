"""The API of the association app."""

from ninja import Router

router = Router(tags=["association"])
