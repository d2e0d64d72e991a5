"""Reads about staff that every app needs."""

from django.db.models import QuerySet

from teams.models import User


def deputy_gms() -> QuerySet[User]:
    """The active deputy general managers: who escalations and summaries go to."""
    return User.objects.deputy_gms()
