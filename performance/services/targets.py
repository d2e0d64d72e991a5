"""Team targets for a month and highlights (recognition of a member or a team)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import Highlight, TeamTarget
from teams.editing import EditConflict
from teams.messages import Message
from teams.models import NotificationKind, Team, User
from teams.services import notify


def team_target_save(*, team: Team, month: dt.date, user: User, version: int | None, **values) -> TeamTarget:
    """Set (or change) a team's targets for a month; a stale version is refused."""
    month = month.replace(day=1)
    with transaction.atomic():
        target = TeamTarget.objects.select_for_update().filter(team=team, month=month).first()
        if target is None:
            target = TeamTarget(team=team, month=month, set_by=user, **values)
            target.full_clean()
            target.save()
            return target
        if version is not None and version != target.version:
            raise EditConflict
        for name, value in values.items():
            setattr(target, name, value)
        target.set_by = user
        target.updated_at = timezone.now()
        target.version += 1
        target.full_clean()
        target.save(update_fields=[*values, "set_by", "updated_at", "version"])
    return target


def highlight_give(*, team: Team, member: User | None, title: str, story: str, given_by: User) -> Highlight:
    if member is not None and member.team_id != team.pk:
        raise ValidationError(_("The member must belong to the team."))
    highlight = Highlight(team=team, member=member, title=title, story=story, given_by=given_by)
    highlight.full_clean()
    highlight.save()
    if member is not None:
        notify(
            kind=NotificationKind.PERFORMANCE,
            recipients=[member],
            title=Message("Recognition: %(title)s", title=title),
            body=story,
            team_channel=team,
        )
    return highlight
