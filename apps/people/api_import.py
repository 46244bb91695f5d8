"""API routes of this area."""

from ninja import Router

router = Router()
