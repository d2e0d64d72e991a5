"""Helpers shared by the project services: timeline events, stored files."""

import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile

from projects.models import (
    Attachment,
    Project,
    ProjectEvent,
)
from projects.uploads import ProcessedFile
from teams.messages import Message, to_store
from teams.models import User


def _event(project: Project, actor: User | None, text: str | Message) -> None:
    text, message = to_store(text)
    ProjectEvent.objects.create(project=project, actor=actor, text=text[:300], message=message)


def _phase_name(phase) -> str:
    """A schedule phase's name for a stored message: its own name, else its kind's label
    left lazy, so it is translated when read (``SchedulePhase.display_name`` renders it now)."""
    return phase.name or dict(phase.Kind.choices).get(phase.kind, phase.kind)


def _team_people(project: Project) -> list[User]:
    people = list(project.designers.all()) + list(project.assistants.all())
    if project.project_manager_id:
        people.append(project.project_manager)
    return people


def _attach(project: Project, by: User, files: Iterable[ProcessedFile], **owner) -> list[Attachment]:
    saved = []
    for item in files or []:
        token = secrets.token_hex(16)
        attachment = Attachment(
            project=project,
            token=token,
            extension=item.extension,
            original_name=item.name,
            content_type=item.content_type,
            size=len(item.content),
            uploaded_by=by,
            **owner,
        )
        attachment.file.save(f"{token}{item.extension}", ContentFile(item.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
