"""The API of the fund app."""

from ninja import Router

router = Router(tags=["fund"])
